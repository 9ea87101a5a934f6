"""Comms review an under-performing account, set an improvement plan, re-review it and
propose closure; the exit checklist is completed and the head of comms signs it off."""

import datetime

from django.utils import timezone

from accounts_requests.kpi.months import add_months, month_start
from accounts_requests.models import ManagedAccount
from tests import kpi_factories
from tests.browser.conftest import assert_accessible


def under_performing(team, member):
    account = kpi_factories.account(
        team,
        name="Perinatal Peers",
        handle="RiversidePerinatalPeers",
        activated_at=timezone.now() - datetime.timedelta(days=420),
    )
    last = month_start(add_months(timezone.localdate(), -1))
    for back, engagements in enumerate([90, 110, 120, 160, 260, 300]):
        month = add_months(last, -back)
        kpi_factories.figures(
            account,
            month,
            engagements=engagements,
            impressions=10_000,
            by=member,
            followers=400 - back * 10,
            median_reply_hours=4,
        )
    return account


def confirm_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_review_improve_re_review_close_and_sign_off(open_as, team, member, comms, head):
    account = under_performing(team, member)

    page = open_as(comms)
    confirm_dialogs(page)
    page.goto("/accounts/performance/")
    assert page.get_by_role("heading", level=1).inner_text() == "Account performance"
    row = page.get_by_role("row", name="Perinatal Peers")
    assert "Below target" in row.inner_text()
    assert_accessible(page)

    row.get_by_role("link", name="Perinatal Peers").click()
    page.wait_for_url(f"**/accounts/{account.pk}/")
    assert page.locator("#kpi-chart-rate").is_visible()
    page.wait_for_function("window.Chart && Chart.getChart('kpi-chart-rate') !== undefined")
    assert page.get_by_role("table", name="The last 12 months").is_visible()
    assert_accessible(page, context="#kpi")

    # The annual review: an improvement plan with a re-review date three months away.
    page.get_by_role("button", name="Start the annual review").click()
    page.wait_for_url("**/accounts/reviews/*/")
    assert "Engagement below target for 4 months running" in page.content()
    assert_accessible(page)
    page.locator("summary", has_text="Set an improvement plan").click()
    plan = page.locator("form[action$='/decide/improvement_plan/']")
    plan.get_by_label("Reasons").fill("Engagement has been under 2% for six months.")
    plan.get_by_label("Actions the team will take").fill("Post three times a week.")
    assert (
        plan.get_by_label("Re-review date").input_value()
        == add_months(timezone.localdate(), 3).isoformat()
    )
    plan.get_by_role("button", name="Record the improvement plan").click()
    page.wait_for_selector("text=Outcome: Improvement plan")
    assert ManagedAccount.objects.get(pk=account.pk).state == "improvement_plan"

    # The re-review: propose closure for low engagement.
    page.goto(f"/accounts/{account.pk}/")
    page.get_by_role("button", name="Start the re-review").click()
    page.wait_for_url("**/accounts/reviews/*/")
    assert "Re-review after an improvement plan" in page.content()
    page.locator("summary", has_text="Propose closure").click()
    closing = page.locator("form[action$='/decide/propose_closure/']")
    assert closing.get_by_label("Low engagement").is_checked()
    closing.get_by_label("Explanation").fill("No improvement after the plan.")
    closing.get_by_role("button", name="Record: propose closure").click()
    page.wait_for_url("**/accounts/closures/*/")
    assert_accessible(page)

    # The exit checklist.
    steps = [
        ("Final post pointing followers", "Link to the final post", "https://facebook.com/p/1"),
        ("Content archived", "Where the content is archived", "Team drive, archive 2025"),
        ("Login details revoked", "Revoked", None),
        ("Platform account deleted", "Deactivated", None),
    ]
    for summary, label, value in steps:
        item = page.locator("li.checklist-step", has_text=summary)
        item.locator("summary").click()
        if value:
            item.get_by_label(label).fill(value)
        else:
            item.get_by_label(label, exact=True).check()
        item.get_by_role("button", name="Record this step").click()
        page.wait_for_selector(f"li.checklist-step.is-done:has-text('{summary}')")
    assert page.locator("li.checklist-step.is-done").count() == 4
    assert page.js_errors == []

    # The head of communications signs it off.
    head_page = open_as(head)
    confirm_dialogs(head_page)
    head_page.goto(page.url)
    head_page.get_by_label("Comment (optional)").fill("Agreed with the team.")
    head_page.get_by_role("button", name="Sign off and close the account").click()
    head_page.wait_for_url(f"**/accounts/{account.pk}/")
    assert "This account is closed" in head_page.content()
    assert ManagedAccount.objects.get(pk=account.pk).state == "closed"
    assert head_page.js_errors == []


def test_the_import_page_explains_itself_and_lists_bad_lines(open_as, team, member):
    account = under_performing(team, member)
    page = open_as(member)
    page.goto(f"/accounts/{account.pk}/figures/import/")
    assert_accessible(page)
    page.get_by_label("CSV file").set_input_files(
        {
            "name": "insights.csv",
            "mimeType": "text/csv",
            "buffer": b"month,followers,posts,engagements,impressions\n2020-01,lots,1,1,1\n",
        }
    )
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_selector("text=Nothing was imported.")
    assert page.get_by_role("table", name="Problems in insights.csv").is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible(page)
    assert page.js_errors == []


def test_the_overview_works_on_a_phone(open_as, team, member, comms):
    under_performing(team, member)
    page = open_as(comms, viewport={"width": 320, "height": 640})
    page.goto("/accounts/performance/")
    assert (
        page.get_by_role("link", name="Perinatal Peers").is_visible()
        or page.get_by_role("link", name="Perinatal Peers").count() == 1
    )
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert overflow is False
    assert_accessible(page)
    assert page.js_errors == []
