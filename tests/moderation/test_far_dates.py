"""A date typed in the year 9999 (a date picker allows it) is refused on the forms, and
one that gets in another way falls due never, rather than failing the pages that work
out when it falls due."""

import datetime

import pytest
from django.urls import reverse

from moderation.models import ManagementPlan
from tests import factories
from tests.moderation.helpers import log_entry, open_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(comms, team):
    return log_entry(comms, factories.managed_account(team=team))


def test_a_plans_review_date_far_on_is_refused_with_what_was_typed_kept(entry, comms, as_user):
    url = reverse("moderation:plan_create", args=[entry.commenter_id])
    page = as_user(comms).get(url).content.decode()
    assert 'max="2099-12-31"' in page
    response = as_user(comms).post(
        url, {"summary": "Kept", "owner": comms.pk, "review_on": "9999-12-31", "steps": "a"}
    )
    assert response.status_code == 400
    assert "Enter a date between 1900 and 2099." in response.content.decode()
    assert not ManagementPlan.objects.exists()


@pytest.mark.parametrize("name", ["moderation:log", "moderation:report"])
def test_a_filter_far_on_is_refused_not_failed(entry, comms, as_user, name):
    response = as_user(comms).get(
        reverse(name), {"date_from": "9999-01-01", "date_to": "9999-12-31"}
    )
    assert response.status_code in (200, 400)
    assert "Enter a date between 1900 and 2099." in response.content.decode()


def test_a_review_date_far_on_that_got_in_never_falls_due(entry, comms, head, as_user):
    plan = open_plan(comms, entry.commenter)
    ManagementPlan.objects.filter(pk=plan.pk).update(review_on=datetime.date(9999, 12, 31))
    for user in (comms, head):
        assert as_user(user).get(reverse("portal:home")).status_code == 200
    due = as_user(comms).get(reverse("portal:reminders_due"), {"status": "upcoming"})
    assert due.status_code == 200
