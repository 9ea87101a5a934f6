"""A management plan is looked at again on its review date: its owner is told on the day,
the head of communications too a fortnight later; a new review date starts again. The
messages name the plan by its number, never the commenter."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from moderation import services
from portal.models import Notification
from portal.reminders import engine, selectors
from tests import factories
from tests.moderation.helpers import log_entry

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
REVIEW_ON = datetime.date(2026, 6, 1)


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def told(stage):
    counts = {}
    for note in Notification.objects.filter(kind=f"reminder.moderation.plan_review.{stage}"):
        counts[note.recipient.username] = counts.get(note.recipient.username, 0) + 1
    return counts


def sweep_at(moment):
    with freeze_time(moment):
        return engine.sweep()


@pytest.fixture
def plan(comms, head, team):
    account = factories.managed_account(team=team)
    owner = factories.with_role("Communications team", username="owner")
    with freeze_time(at(datetime.date(2026, 5, 1))):
        commenter = log_entry(comms, account, handle="@keeps_at_it").commenter
        return services.plan_create(
            actor=comms,
            commenter=commenter,
            summary="Persistent abuse of the ward's page.",
            owner=owner,
            review_on=REVIEW_ON,
            steps=["Message privately"],
        )


def test_the_owner_is_told_on_the_review_date_and_the_head_a_fortnight_later(plan):
    sweep_at(at(REVIEW_ON - datetime.timedelta(days=1), 23))
    assert told("due") == {}
    sweep_at(at(REVIEW_ON, 0))
    sweep_at(at(REVIEW_ON, 9))
    assert told("due") == {"owner": 1}
    note = Notification.objects.get(kind="reminder.moderation.plan_review.due")
    assert note.title == f"Management plan {plan.pk} is due to be looked at"
    assert note.url == reverse("moderation:plan", args=[plan.pk])
    assert "keeps_at_it" not in note.title + note.body

    late = REVIEW_ON + datetime.timedelta(days=14)
    sweep_at(at(late - datetime.timedelta(days=1)))
    assert told("overdue") == {}
    sweep_at(at(late))
    assert told("overdue") == {"owner": 1, "head": 1}


def test_a_new_review_date_starts_again_and_a_closed_plan_is_not_chased(plan, comms):
    sweep_at(at(REVIEW_ON))
    later = REVIEW_ON + datetime.timedelta(days=30)
    with freeze_time(at(REVIEW_ON)):
        services.plan_update(
            actor=comms, plan_id=plan.pk, owner=plan.owner, review_on=later, done_steps=[]
        )
    sweep_at(at(REVIEW_ON + datetime.timedelta(days=20)))
    assert told("overdue") == {}
    sweep_at(at(later))
    assert told("due") == {"owner": 2}
    with freeze_time(at(later)):
        services.plan_update(
            actor=comms,
            plan_id=plan.pk,
            owner=plan.owner,
            review_on=later,
            done_steps=[],
            outcome="They stopped.",
            close=True,
        )
    sweep_at(at(later + datetime.timedelta(days=30)))
    assert told("overdue") == {}


def test_a_plan_whose_owner_has_left_goes_to_the_communications_team(plan, comms, head):
    plan.owner.is_active = False
    plan.owner.save()
    sweep_at(at(REVIEW_ON))
    assert told("due") == {"comms": 1, "head": 1}
    # And it is on their home page's list of what is coming, as the sweep told them.
    with freeze_time(at(REVIEW_ON)):
        coming = selectors.upcoming_for(comms)
    assert [item.label for item in coming] == [f"Management plan {plan.pk}"]
