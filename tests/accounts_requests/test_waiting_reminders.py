"""Account work that waited silently until these rules chased it, each with the clock set:
before due, due, escalated, finished, and swept twice in a row.

Login details to change after a leaver (the team's managers and comms at a working day,
the head at three), a security incident left open (comms at a working day, the head
urgently at three), a review started but not decided (comms at ten working days, the head
at twenty), and a closure waiting for sign-off (the head and comms at ten working days).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts_requests.models import ManagedAccount, RotationTask, SecurityIncident
from portal.models import Notification
from portal.reminders import engine
from portal.worktime import WorkingCalendar
from tests import kpi_factories

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar()
MINUTE = datetime.timedelta(minutes=1)
# Monday 13 April 2026, the first working day after Easter Monday.
START = datetime.datetime(2026, 4, 13, 10, 0, tzinfo=LONDON)
State = ManagedAccount.State


def sweep_at(moment):
    with freeze_time(moment):
        return engine.sweep()


def told(kind):
    """{username: count} of the reminders of one rule stage."""
    counts = {}
    for note in Notification.objects.filter(kind=f"reminder.{kind}").select_related("recipient"):
        counts[note.recipient.username] = counts.get(note.recipient.username, 0) + 1
    return counts


def sent(rule):
    """How many reminders of one rule went out, every stage."""
    return Notification.objects.filter(kind__startswith=f"reminder.{rule}.").count()


@pytest.fixture
def everyone(manager, member, comms, head, outsider):
    """The team (manager, member), comms and the head; an outsider who must hear nothing."""


@pytest.fixture
def account(team):
    return kpi_factories.account(team, name="Leaver page")


def in_state(account, state, since=START):
    ManagedAccount.objects.filter(pk=account.pk).update(state=state, state_changed_at=since)
    account.refresh_from_db()
    return account


# credential.rotation


def test_login_details_unchanged_after_a_leaver_chase_the_managers_then_the_head(
    account, everyone, outsider
):
    RotationTask.objects.create(
        account=account,
        departed_user=outsider,
        reason=RotationTask.Reason.NAMED,
        raised_at=START,
    )
    day = CAL.add_working_days(START, 1)
    sweep_at(day - MINUTE)
    assert told("credential.rotation.remind") == {}
    sweep_at(day)
    sweep_at(day + MINUTE)  # twice in a row: once
    # The team's managers change the password; comms hold the login details as back-up.
    assert told("credential.rotation.remind") == {"manager": 1, "comms": 1, "head": 1}
    note = Notification.objects.get(
        kind="reminder.credential.rotation.remind", recipient__username="manager"
    )
    assert note.title == "Change the login details: Leaver page (Facebook)"
    assert note.url == account.get_absolute_url()
    assert "file a notice of the change" in note.body
    assert str(outsider) not in note.title + note.body  # the leaver is not named again

    escalate = CAL.add_working_days(START, 3)
    sweep_at(escalate - MINUTE)
    assert told("credential.rotation.escalate") == {}
    sweep_at(escalate)
    assert told("credential.rotation.escalate") == {"comms": 1, "head": 1}


def test_a_task_closed_by_a_new_password_is_not_chased_further(account, everyone, outsider):
    task = RotationTask.objects.create(
        account=account,
        departed_user=outsider,
        reason=RotationTask.Reason.NAMED,
        raised_at=START,
    )
    sweep_at(CAL.add_working_days(START, 1))
    assert sent("credential.rotation") == 3
    # A notice of the new password closes the task (services_notices._close_rotation_tasks).
    RotationTask.objects.filter(pk=task.pk).update(closed_at=CAL.add_working_days(START, 2))
    sweep_at(CAL.add_working_days(START, 3))
    sweep_at(CAL.add_working_days(START, 20))
    assert told("credential.rotation.escalate") == {}
    assert sent("credential.rotation") == 3


def test_a_leaver_s_task_on_a_closed_account_waits_for_nobody(account, everyone, outsider):
    RotationTask.objects.create(
        account=account,
        departed_user=outsider,
        reason=RotationTask.Reason.REVEALED,
        raised_at=START,
    )
    in_state(account, State.CLOSED)
    sweep_at(CAL.add_working_days(START, 5))
    assert sent("credential.rotation") == 0


# account.incident


def test_an_open_security_incident_chases_comms_then_the_head_urgently(account, everyone, comms):
    SecurityIncident.objects.create(account=account, opened_by=comms, opened_at=START)
    day = CAL.add_working_days(START, 1)
    sweep_at(day - MINUTE)
    assert told("account.incident.remind") == {}
    sweep_at(day)
    assert told("account.incident.remind") == {"comms": 1, "head": 1}
    note = Notification.objects.filter(kind="reminder.account.incident.remind").first()
    assert note.title == "Security incident still open: Leaver page (Facebook)"
    assert "off the public register" in note.body
    assert not note.urgent

    escalate = CAL.add_working_days(START, 3)
    sweep_at(escalate)
    sweep_at(escalate + MINUTE)
    assert told("account.incident.escalate") == {"comms": 1, "head": 1}
    assert Notification.objects.filter(kind="reminder.account.incident.escalate").first().urgent


def test_a_resolved_incident_is_not_chased_further(account, everyone, comms):
    incident = SecurityIncident.objects.create(account=account, opened_by=comms, opened_at=START)
    sweep_at(CAL.add_working_days(START, 1))
    SecurityIncident.objects.filter(pk=incident.pk).update(
        resolved_at=CAL.add_working_days(START, 2), resolved_by=comms, resolution_note="New."
    )
    sweep_at(CAL.add_working_days(START, 3))
    sweep_at(CAL.add_working_days(START, 30))
    assert told("account.incident.escalate") == {}
    assert sent("account.incident") == 2


# account.review_decision


def test_a_review_left_without_an_outcome_chases_comms_then_the_head(account, everyone):
    in_state(account, State.UNDER_REVIEW)
    remind = CAL.add_working_days(START, 10)
    sweep_at(remind - MINUTE)
    assert told("account.review_decision.remind") == {}
    sweep_at(remind)
    assert told("account.review_decision.remind") == {"comms": 1, "head": 1}
    note = Notification.objects.filter(kind="reminder.account.review_decision.remind").first()
    assert note.title == "Review not decided after 10 working days: Leaver page (Facebook)"
    assert "run by Perinatal Mental Health, started on Monday 13 April 2026" in note.body

    escalate = CAL.add_working_days(START, 20)
    sweep_at(escalate - MINUTE)
    assert told("account.review_decision.escalate") == {}
    sweep_at(escalate)
    assert told("account.review_decision.escalate") == {"comms": 1, "head": 1}


def test_a_decided_review_is_not_chased(account, everyone):
    in_state(account, State.UNDER_REVIEW)
    in_state(account, State.ACTIVE, since=CAL.add_working_days(START, 2))
    sweep_at(CAL.add_working_days(START, 25))
    assert sent("account.review_decision") == 0


def test_a_suspension_during_a_review_does_not_restart_its_clock(account, everyone, comms):
    # Suspended and restored through the model's own transitions, as a compromise notice
    # and the incident's resolution do.
    in_state(account, State.UNDER_REVIEW)
    account.suspend(by=comms, at=CAL.add_working_days(START, 3))
    account.save()
    assert account.state == State.SUSPENDED
    sweep_at(CAL.add_working_days(START, 10))
    assert told("account.review_decision.remind") == {}  # not waiting while suspended
    account.resolve(by=comms, at=CAL.add_working_days(START, 11), comment="New password.")
    account.save()
    account.refresh_from_db()
    assert account.state == State.UNDER_REVIEW
    assert account.state_changed_at == START
    sweep_at(CAL.add_working_days(START, 11) + MINUTE)
    assert told("account.review_decision.remind") == {"comms": 1, "head": 1}
    note = Notification.objects.filter(kind="reminder.account.review_decision.remind").first()
    assert "started on Monday 13 April 2026" in note.body


# account.closure


def test_a_closure_not_signed_off_reminds_the_head_and_comms_once(account, everyone):
    in_state(account, State.CLOSURE_PROPOSED)
    remind = CAL.add_working_days(START, 10)
    sweep_at(remind - MINUTE)
    assert told("account.closure.remind") == {}
    sweep_at(remind)
    sweep_at(remind + datetime.timedelta(days=30))
    assert told("account.closure.remind") == {"comms": 1, "head": 1}
    note = Notification.objects.filter(kind="reminder.account.closure.remind").first()
    assert note.title == "Closure proposed 10 working days ago: Leaver page (Facebook)"
    assert "signs the closure off" in note.body


def test_a_closure_proposed_again_after_being_cancelled_is_a_new_wait(account, everyone):
    in_state(account, State.CLOSURE_PROPOSED)
    sweep_at(CAL.add_working_days(START, 10))
    again = CAL.add_working_days(START, 15)
    in_state(account, State.ACTIVE, since=CAL.add_working_days(START, 12))
    in_state(account, State.CLOSURE_PROPOSED, since=again)
    sweep_at(CAL.add_working_days(again, 10))
    assert told("account.closure.remind") == {"comms": 2, "head": 2}


# On the pages


def test_comms_and_the_head_see_the_new_waits_on_the_overview_and_the_home_page(
    account, everyone, comms, head, manager, as_user
):
    SecurityIncident.objects.create(account=account, opened_by=comms, opened_at=START)
    other = kpi_factories.account(account.team, name="Closing page")
    in_state(other, State.CLOSURE_PROPOSED)
    with freeze_time(CAL.add_working_days(START, 12)):
        overview = as_user(comms).get(reverse("portal:reminders_due")).content.decode()
        home = as_user(head).get(reverse("portal:home")).content.decode()
        managers_home = as_user(manager).get(reverse("portal:home")).content.decode()
    for page in (overview, home):
        assert "Incident on Leaver page (Facebook)" in page
        assert "Closing page (Facebook)" in page
    assert "Security incidents not yet resolved" in overview
    assert "Closures waiting for the head of communications to sign off" in overview
    # The team is not chased about either: comms act on both.
    assert "Incident on Leaver page" not in managers_home
