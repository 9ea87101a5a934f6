"""A persistent poster gets a phased management plan (policy 5.3): started from their
page, its steps ticked off as they are done, and closed with the outcome, in a real
browser. Closing the last thing that kept their handle says so before and after."""

import datetime

import pytest
from django.utils import timezone

from moderation import services
from moderation.models import Entry
from tests import factories
from tests.browser.conftest import assert_accessible, assert_accessible_on_a_phone
from tests.moderation.helpers import entry_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_plan_is_started_worked_through_and_closed(open_as, comms, team):
    account = factories.managed_account(team=team, name="Maternity page")
    entry = services.entry_create(actor=comms, data=entry_data(account, handle="@posts_daily"))
    page = open_as(comms)
    page.goto(entry.commenter.get_absolute_url())
    page.get_by_role("link", name="Start a management plan").click()
    assert_accessible(page)

    # Nothing typed: each field says what it needs, and nothing is started.
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_text("Enter a date.", exact=True).wait_for()
    assert (
        page.get_by_text("Enter an answer.", exact=True).count() == 2
    )  # what it is for, its steps
    assert not entry.commenter.plans.exists()
    page.get_by_label("What the plan is for").fill("Repeated posts about the ward's staff.")
    page.get_by_label("Review date").fill(
        (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    )
    page.get_by_label("Steps, one on each line, in order").fill(
        "Message them privately\nSignpost to PALS\nHide further breaches"
    )
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_text("The management plan has started.").wait_for()
    plan = entry.commenter.plans.get()

    page.goto(plan.get_absolute_url())
    page.get_by_role("heading", name="Management plan").wait_for()
    page.get_by_label("Message them privately").check()
    page.get_by_role("button", name="Save progress").click()
    page.get_by_text("The plan has been updated.").wait_for()
    done = page.get_by_role("listitem").filter(has_text="Done ")
    assert done.count() == 1 and "Message them privately" in done.inner_text()
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Every entry about them has passed its retention date: the plan says what closing
    # it does before it is closed, and what went after.
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.retention_expire_all()
    page.reload()
    assert page.get_by_text("closing the plan also removes their handle").is_visible()
    page.get_by_label("Outcome").fill("No further posts after the private message.")
    page.get_by_label("Close the plan").check()
    page.get_by_role("button", name="Save progress").click()
    page.get_by_text("their handle and what the plan said about them are removed").wait_for()
    assert page.get_by_text("(handle removed)").first.is_visible()
    assert page.get_by_text("No further posts").count() == 0
    assert page.get_by_role("heading", name="Record progress").count() == 0
    assert_accessible(page)
    assert page.js_errors == []
