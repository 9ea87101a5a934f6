from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD


def test_a_member_signs_in_with_the_keyboard_and_reaches_home(open_as, member):
    page = open_as(None)
    page.goto("/")
    assert "/sign-in/" in page.url
    assert_accessible(page)
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert_accessible(page)
    assert page.js_errors == []


def test_too_many_wrong_passwords_show_a_clear_accessible_pause(open_as, member, settings):
    settings.AXES_FAILURE_LIMIT = 2
    page = open_as(None)
    for _ in range(2):
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(member.username)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_label("Password").press("Enter")
        page.wait_for_load_state()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    assert "try again in 15 minutes" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    assert page.js_errors == []
