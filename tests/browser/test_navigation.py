"""The main navigation groups comms' pages and works by keyboard on a desktop and a phone."""

from tests.browser.conftest import assert_accessible


def test_comms_reach_a_grouped_page_by_keyboard(open_as, comms):
    page = open_as(comms)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    accounts = nav.get_by_role("button", name="Accounts")
    accounts.focus()
    page.keyboard.press("Enter")
    assert accounts.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Proposal queue"
    page.keyboard.press("Enter")
    page.wait_for_url("**/proposals/queue/")
    # The current page is announced inside its group, and the group is marked.
    nav.get_by_role("button", name="Accounts").click()
    current = nav.locator("[aria-current=page]")
    assert current.inner_text() == "Proposal queue"
    assert "active" in nav.get_by_role("button", name="Accounts").get_attribute("class")
    page.keyboard.press("Escape")
    assert_accessible(page)


def test_a_team_member_sees_only_their_own_kinds_of_page(open_as, member):
    page = open_as(member)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    labels = nav.get_by_role("link").all_inner_texts()
    assert "My team's proposals" in labels
    assert "Report a concern" in labels
    for comms_only in ("Due and overdue", "Proposal queue", "Moderation log", "Organisation"):
        assert comms_only not in " ".join(labels)
    assert nav.get_by_role("button", name="Accounts").count() == 0


def test_the_menu_opens_and_works_at_320_pixels(open_as, comms):
    page = open_as(comms, viewport={"width": 320, "height": 640})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Show or hide the menu").click()
    nav.get_by_role("button", name="Guidance").click()
    nav.get_by_role("link", name="Playbook").click()
    page.wait_for_url("**/playbook/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert not page.js_errors
