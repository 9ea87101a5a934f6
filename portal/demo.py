"""Demo records for the site app, made through its services: some staff have confirmed
the playbook, one team has asked for training and one session is booked, and two
concerns have been reported (the playbook and slides themselves come from migrations);
and, last of all, a policy review date coming up, someone on the daily digest and a
reminder sweep, so the reminders already due are in people's notifications."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal import notify, selectors
from portal.models import Concern, Document, OrganisationProfile, Team, TrainingRequest, User
from portal.reminders import engine
from portal.services import concerns, content, training


def _next_weekday(days_ahead, hour):
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day, timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def load(stdout):
    if TrainingRequest.objects.exists() or Concern.objects.exists():
        return
    users = {u.username: u for u in User.objects.all()}
    playbook = selectors.current_version(Document.Kind.PLAYBOOK)
    if playbook is not None:
        for name in ("manager", "nurse", "nurse.manager", "camhs.manager", "head"):
            content.playbook_confirm_read(actor=users[name], version_number=playbook.number)

    comms = users["comms"]
    first, _ = _next_weekday(14, 10)
    asked = training.training_request_create(
        actor=users["camhs"],
        data={
            "team": Team.objects.get(name="Child and Adolescent Mental Health"),
            "audience": "Our whole team: eight clinicians, two administrators, one peer worker.",
            "audience_size": 11,
            "topics": [
                TrainingRequest.Topic.GETTING_STARTED,
                TrainingRequest.Topic.PERSONAL_USE,
            ],
            "other_topics": "How to answer parents who message us on Instagram.",
            "session_format": TrainingRequest.Format.IN_PERSON,
            "preferred_date_1": first,
            "timing_notes": "Our team meeting, Wednesdays 14:00 to 15:00.",
        },
    )
    second, starts = _next_weekday(9, 14)
    booked = training.training_request_create(
        actor=users["member"],
        data={
            "team": Team.objects.get(name="Perinatal Mental Health"),
            "audience": "Peer support workers and the deputy manager who will run our account.",
            "audience_size": 4,
            "topics": [TrainingRequest.Topic.CONTENT, TrainingRequest.Topic.NEGATIVE],
            "session_format": TrainingRequest.Format.ONLINE,
            "preferred_date_1": second,
        },
    )
    training.training_request_act(
        actor=comms,
        request_id=booked.pk,
        action="schedule",
        starts_at=starts,
        minutes=60,
        location="Online: the joining link is in the calendar invitation",
        comment="We will bring examples from accounts like the one you are planning.",
    )

    concerns.concern_report(
        actor=users["nurse"],
        kind=Concern.Kind.IMITATION,
        link="https://www.facebook.com/riverside-community-nursing-support",
        what_worries="A page using our service's name and the trust logo is offering to book "
        "home visits and asking people to message their address.",
    )
    # On the trust's own Instagram account: its page offers comms the notice that
    # suspends it (accounts_requests.concerns).
    concerns.concern_report(
        actor=users["staff"],
        kind=Concern.Kind.COMPROMISED,
        link="https://www.instagram.com/riversidenhs/p/demo-unexpected-post",
        what_worries="The trust's Instagram posted an advert for a weight-loss product this "
        "morning. Nobody in our team wrote it.",
    )
    # Someone may be at risk: the safeguarding lead finds it first in their list, with
    # the form to record taking it on.
    concerns.concern_report(
        actor=users["nurse"],
        kind=Concern.Kind.COMMENT,
        link="https://www.facebook.com/riversidenhs/posts/demo-awareness-week",
        what_worries="A reply under our awareness-week post sounds as if the writer may harm "
        "themselves tonight.",
        someone_at_risk=True,
    )
    handled = concerns.concern_report(
        actor=users["staff"],
        kind=Concern.Kind.COMMENT,
        link="https://x.com/example/status/1234567890",
        what_worries="A reply to the trust's post names one of our nurses and is abusive.",
    )
    concerns.concern_act(actor=comms, concern_id=handled.pk, action="acknowledge")
    concerns.concern_act(
        actor=comms,
        concern_id=handled.pk,
        action="record_action",
        comment="Hid the reply and reported it to the platform; the nurse's manager is aware.",
    )
    stdout.write(
        f"Demo playbook confirmations, training requests ({asked}, {booked}) and four "
        "concerns created."
    )


def load_reminders(stdout):
    profile = OrganisationProfile.objects.get_or_create(pk=1)[0]
    if profile.policy_review_due is None:
        profile.policy_review_due = timezone.localdate() + datetime.timedelta(days=21)
        profile.save()
    digest = get_user_model().objects.filter(username="nurse.manager").first()
    if digest is not None and not digest.wants_daily_digest:
        notify.user_set_daily_digest(actor=digest, wants_daily_digest=True)
    sent = engine.sweep()
    stdout.write(
        f"Demo reminders: the policy review is due on {profile.policy_review_due:%d %B %Y}; "
        f"nurse.manager takes a daily digest; {sent} reminder(s) sent now. See 'Due and "
        "overdue' as comms or head."
    )
