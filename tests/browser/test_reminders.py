"""The reminder pages in a real browser: comms' overview, and choosing a daily digest."""

import datetime

from django.utils import timezone

from accounts_requests.models import AccountRequest
from portal.reminders import engine
from tests import factories
from tests.browser.conftest import assert_accessible

LONG_AGO = timezone.now() - datetime.timedelta(days=40)


def test_comms_filter_the_overview_to_what_is_overdue(open_as, comms, head, team, other_team):
    factories.proposal_in_state(
        AccountRequest.State.SUBMITTED,
        team=team,
        state_changed_at=LONG_AGO,
        proposed_name="Long-waiting proposal",
    )
    factories.proposal_in_state(
        AccountRequest.State.AWAITING_ENDORSEMENT,
        team=other_team,
        state_changed_at=timezone.now(),
        proposed_name="Fresh proposal",
    )
    engine.sweep()
    page = open_as(comms)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Due and overdue").click()
    page.wait_for_url("**/reminders/")
    assert page.get_by_role("heading", level=1).inner_text() == "Due and overdue"
    assert_accessible(page)

    page.get_by_label("Show", exact=True).select_option("upcoming")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/reminders/?*")
    table = page.get_by_role("table").filter(has_text="soonest due first")
    assert table.get_by_role("link", name="Fresh proposal (Instagram)").is_visible()

    page.get_by_label("Show", exact=True).select_option("overdue")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**status=overdue*")
    rows = table.get_by_role("row")
    assert rows.count() == 2  # the header and the one overdue proposal
    assert "Long-waiting proposal" in rows.nth(1).inner_text()
    assert "Overdue" in rows.nth(1).inner_text()
    assert "Sent to the head of communications" in rows.nth(1).inner_text()
    assert page.js_errors == []


def test_the_overview_works_on_a_phone(open_as, auditor, team):
    factories.proposal_in_state(
        AccountRequest.State.CHANGES_REQUESTED, team=team, state_changed_at=LONG_AGO
    )
    page = open_as(auditor, viewport={"width": 320, "height": 640})
    page.goto("/reminders/")
    assert page.get_by_text("Changes requested and no response").first.is_visible()
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert page.js_errors == []


def test_a_member_chooses_one_daily_digest_from_the_home_page(open_as, member, team):
    factories.proposal_in_state(
        AccountRequest.State.CHANGES_REQUESTED,
        team=team,
        applicant=member,
        state_changed_at=LONG_AGO,
        proposed_name="Needs changes",
    )
    page = open_as(member)
    page.goto("/")
    panel = page.get_by_role("region", name="Reminders coming up")
    assert panel.get_by_role("link", name="Needs changes (Instagram)").is_visible()
    assert "Overdue" in panel.inner_text()
    assert_accessible(page)

    panel.get_by_role("link", name="How reminders reach you").click()
    page.wait_for_url("**/settings/notifications/")
    assert_accessible(page)
    digest = page.get_by_label("One e-mail a day with all of them")
    digest.focus()
    page.keyboard.press("Space")
    assert digest.is_checked()
    page.get_by_role("button", name="Save my choice").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("one e-mail at the start of each working day").is_visible()
    assert page.get_by_label("One e-mail a day with all of them").is_checked()
    member.refresh_from_db()
    assert member.wants_daily_digest
    assert page.js_errors == []
