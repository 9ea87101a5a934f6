"""Demo reminders: a policy review date coming up, someone on the daily digest, and a
sweep so the reminders already due are in people's notifications."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal import notify
from portal.models import OrganisationProfile
from portal.reminders import engine


def load(stdout):
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
