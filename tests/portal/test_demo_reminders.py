import io

from django.core.management import call_command

from portal.models import Notification, OrganisationProfile, ReminderSent, User


def test_the_demo_has_a_policy_review_date_a_digest_user_and_can_be_loaded_twice(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert OrganisationProfile.load().policy_review_due is not None
    assert User.objects.get(username="nurse.manager").wants_daily_digest
    # The policy review is three weeks away: its 30-day heads-up has gone to the head.
    assert ReminderSent.objects.filter(rule="policy.review", stage="approaching").count() == 1
    assert (
        Notification.objects.filter(
            recipient__username="head", kind="reminder.policy.review.approaching"
        ).count()
        == 1
    )
