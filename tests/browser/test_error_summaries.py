"""A form that fails is said to have failed, where the focus goes: a wrong password, an
action in a side panel, a filter. Each gets a summary at the top of the page, linking to
what needs fixing, and the panel the field is folded into opens."""

from playwright.sync_api import expect

from accounts_requests.models import AccountRequest
from tests.browser.conftest import assert_accessible
from tests.factories import proposal_in_state


def test_a_wrong_password_is_announced_where_the_focus_goes(open_as, member):
    page = open_as(None)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_label("Password").press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("user name and password do not match")
    assert page.js_errors == []


def test_an_action_sent_without_its_comment_says_so_at_the_top(open_as, comms, team):
    proposal = proposal_in_state(AccountRequest.State.IN_REVIEW, team=team, reviewer=comms)
    page = open_as(comms)
    page.goto(proposal.get_absolute_url())
    opener = page.locator("summary", has_text="Request changes")
    opener.click()
    page.get_by_role("button", name="Request changes").click()
    panel = page.locator("details", has=page.locator("summary", has_text="Request changes"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem to fix")
    link = summary.get_by_role("link")
    expect(link).to_contain_text("Comment")
    expect(panel).to_have_attribute("open", "")
    link.click()
    expect(page.locator("details[open] textarea").first).to_be_focused()
    assert_accessible(page)
    assert page.js_errors == []


def test_a_filter_that_fails_names_the_field(open_as, comms):
    page = open_as(comms)
    page.goto("/moderation/?date_from=2026-12-01&date_to=2026-11-01")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text("To")
    assert page.js_errors == []
