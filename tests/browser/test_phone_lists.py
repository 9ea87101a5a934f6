"""Lists read as one card a row on a phone, with each value labelled by its column, and
stay tables for screen readers and on wider screens."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from accounts_requests.models import AccountRequest, ManagedAccount, Platform
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.moderation.helpers import log_entry

PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


def _cell(page, label):
    return page.locator(f"table.table-stacked td[data-label='{label}']").first


def _label(cell):
    """What the cell shows before its value (CSS generated content, not in its text)."""
    return cell.evaluate("c => getComputedStyle(c, '::before').content")


def _fits(page, locator):
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= page.viewport_size["width"]
    )


def test_the_queue_on_a_phone_shows_every_column_without_scrolling(open_as, comms, team):
    factories.proposal_in_state(AccountRequest.State.SUBMITTED, team=team)
    page = open_as(comms, viewport=PHONE)
    page.goto(reverse("accounts_requests:queue"))
    state = _cell(page, "State")
    # The last columns, off the screen while the list was a wide table, are on it.
    for label in ("State", "Reviewer", "Waiting", "Submitted"):
        assert _fits(page, _cell(page, label)), label
    assert state.inner_text() == "Submitted"
    assert _label(state).startswith('"State: "')
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert (
        page.evaluate(
            "document.querySelector('table.table-stacked').getBoundingClientRect().width"
        )
        <= PHONE["width"]
    )
    # Still a table to a screen reader: its headings and cells are announced as such.
    table = page.get_by_role("table")
    assert table.get_by_role("columnheader").all_inner_texts()[:4] == [
        "Proposal",
        "Team",
        "Platform",
        "State",
    ]
    assert table.get_by_role("rowheader").count() == 1
    assert table.get_by_role("cell").count() == 6
    assert not page.js_errors
    assert_accessible(page)


def test_the_queue_on_a_desktop_is_a_table_with_its_headings(open_as, comms, team):
    factories.proposal_in_state(AccountRequest.State.SUBMITTED, team=team)
    page = open_as(comms, viewport=DESKTOP)
    page.goto(reverse("accounts_requests:queue"))
    table = page.locator("table.table-stacked")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert page.locator("table thead th", has_text="State").is_visible()
    # No label written before a value: the column heading above says it.
    assert _label(_cell(page, "State")) in ("none", "normal")


def test_a_column_without_a_visible_heading_adds_no_label(open_as, comms, member):
    page = open_as(comms, viewport=PHONE)
    page.goto(reverse("portal:people"))
    row = page.locator("table.table-stacked tbody tr", has_text=member.email)
    actions = row.locator("td", has=page.get_by_role("link", name="Edit"))
    # The heading is for screen readers only ("Actions"), so the buttons stand alone.
    assert actions.get_attribute("data-label") == ""
    assert _label(actions) in ("none", "normal")
    assert _fits(page, actions.get_by_role("link", name="Edit"))
    email = row.locator("td[data-label='E-mail']")
    assert email.inner_text() == member.email
    assert _label(email).startswith('"E-mail: "')


def test_the_moderation_log_on_a_phone_keeps_its_badges_small(open_as, comms, team):
    account = factories.managed_account(team=team, name="Perinatal page")
    log_entry(comms, account, safeguarding=True)
    page = open_as(comms, viewport=PHONE)
    page.goto(reverse("moderation:log"))
    row = page.locator("table.table-stacked tbody tr").first
    badge = row.get_by_text("Safeguarding", exact=True)
    assert badge.is_visible()
    assert badge.bounding_box()["width"] < PHONE["width"] / 2
    for label in ("Breached", "Done", "Told why", "Moderator"):
        assert _fits(page, row.locator(f"td[data-label='{label}']")), label
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)


def test_an_empty_cell_on_a_phone_shows_no_label(open_as, comms, team):
    factories.managed_account(team=team, name="Old page", state=ManagedAccount.State.CLOSED)
    page = open_as(comms, viewport=PHONE)
    page.goto(reverse("accounts_requests:account_list") + "?state=closed")
    row = page.locator("table.table-stacked tbody tr", has_text="Old page")
    # Nothing needs attention on a closed account: no heading with nothing after it.
    attention = row.locator("td[data-label='Needs attention']")
    assert attention.count() == 1
    assert not attention.is_visible()
    assert row.locator("td[data-label='State']").is_visible()


def test_someone_checks_an_account_they_saw_on_a_phone(open_as, comms_team):
    url = "https://www.instagram.com/riversidenhs"
    factories.managed_account(
        team=comms_team, platform=Platform.INSTAGRAM, handle="@riversidenhs", url=url
    )
    page = open_as(None, viewport=PHONE)
    page.goto(reverse("accounts_requests:public_register"))
    field = page.get_by_label("Its address, handle or name")
    field.fill("https://www.instagram.com/riversidenhs_support/?igsh=abc")
    page.get_by_role("button", name="Check").click()
    answer = page.locator("#check-result")
    # The answer has the focus, so it is read out first. The check loads a new
    # page: wait for it rather than read the focus while it is on its way.
    expect(answer).to_be_focused()
    assert answer.get_by_role("heading").inner_text() == (
        "No: that address is not one of our accounts"
    )
    assert answer.get_by_role("link", name="@riversidenhs").is_visible()
    assert_accessible(page)
    answer.get_by_role("link", name="report it").click()
    expect(page).to_have_url(re.compile("#imitation-heading$"))
    field.fill("@RiversideNHS")
    field.press("Enter")
    expect(page.locator("#check-result h3")).to_have_text(
        "@RiversideNHS is our handle on Instagram"
    )
    expect(answer).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not page.js_errors


def test_filters_fold_away_on_a_phone_until_wanted(open_as, comms, team):
    factories.proposal_in_state(AccountRequest.State.SUBMITTED, team=team)
    page = open_as(comms, viewport=PHONE)
    page.goto(reverse("accounts_requests:queue"))
    show = page.locator("summary", has_text="Filter the queue")
    state = page.get_by_label("State")
    assert show.inner_text() == "Filter the queue"
    assert not state.is_visible()
    # The list starts on the first screen.
    first = page.locator("table.table-stacked tbody tr").first
    assert first.bounding_box()["y"] < PHONE["height"]
    show.click()
    state.select_option(label="Submitted")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**state=submitted**")
    # With a filter on, the filters stay open and say so.
    assert state.is_visible()
    assert show.inner_text() == "Filter the queue (filters on)"
    assert_accessible(page)


def test_filters_are_always_open_on_a_wider_screen(open_as, comms):
    page = open_as(comms, viewport=DESKTOP)
    page.goto(reverse("accounts_requests:account_list"))
    assert page.get_by_label("Name or handle").is_visible()
    assert not page.locator("summary", has_text="Search and filter").is_visible()
    # Turned to a phone's width, they fold away; back, they open again.
    panel = page.locator("details.filter-panel")
    page.set_viewport_size(PHONE)
    expect(panel).not_to_have_attribute("open", "")
    assert page.locator("summary", has_text="Search and filter").is_visible()
    page.set_viewport_size(DESKTOP)
    expect(panel).to_have_attribute("open", "")
    assert page.get_by_label("Name or handle").is_visible()
