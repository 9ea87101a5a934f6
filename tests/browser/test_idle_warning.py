"""The warning before the idle sign-out: shown in time, kept off by use in another tab,
put off by "Stay signed in", and once the time is up the page and what was typed on it
stay where they are."""

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def short_idle_limit(settings):
    # Eight seconds, warned of in the last four; every request moves the limit on.
    settings.SESSION_COOKIE_AGE = 8
    settings.SESSION_WARN_SECONDS = 300
    settings.SESSION_RENEW_SECONDS = 0


def test_the_idle_warning_keeps_someone_signed_in_and_keeps_what_they_typed(
    short_idle_limit, open_as, member
):
    page = open_as(member)
    page.goto(reverse("portal:concern_create"))
    page.get_by_label("What worries you").fill("A page copying our logo")
    dialog = page.locator("#idle-warning")
    heading = page.get_by_role("heading", name="You will be signed out soon")
    heading.wait_for(state="visible", timeout=8_000)
    assert dialog.get_attribute("role") == "alertdialog"
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    assert "second" in page.locator("[data-idle-countdown]").text_content()
    assert_accessible(page)

    # A page opened in another tab moves the limit on for this one too.
    other = page.context.new_page()
    other.goto(reverse("portal:home"))
    heading.wait_for(state="hidden", timeout=3_000)
    other.close()

    heading.wait_for(state="visible", timeout=8_000)
    page.get_by_role("button", name="Stay signed in").click()
    heading.wait_for(state="hidden", timeout=3_000)
    # Focus goes back to where it was.
    assert page.evaluate("document.activeElement.name") == "what_worries"

    # Left alone, the time runs out: the page stays, with what was typed.
    ended = page.get_by_role("heading", name="You have been signed out")
    ended.wait_for(state="visible", timeout=12_000)
    assert page.get_by_role("link", name="Sign in again (opens in a new tab)").is_visible()
    page.get_by_role("button", name="Stay on this page").click()
    ended.wait_for(state="hidden")
    assert page.get_by_label("What worries you").input_value() == "A page copying our logo"
    assert page.js_errors == []
    # The portal agrees: the session has gone.
    page.wait_for_timeout(1_000)
    assert reverse("portal:login") in other_page_url(page, reverse("portal:home"))


def _warned_on_home(open_as, user):
    """``user``'s home page once the warning shows, and the warning's heading."""
    page = open_as(user)
    page.goto(reverse("portal:home"))
    heading = page.get_by_role("heading", name="You will be signed out soon")
    heading.wait_for(state="visible", timeout=8_000)
    return page, heading


def other_page_url(page, path):
    fresh = page.context.new_page()
    fresh.goto(path)
    return fresh.url


def test_signing_out_in_another_tab_ends_the_warning_with_signed_out(
    short_idle_limit, open_as, member
):
    page, _ = _warned_on_home(open_as, member)
    # Signed out elsewhere (here, by the session being deleted): staying in cannot work.
    from portal.models import Session

    Session.objects.all().delete()
    page.get_by_role("button", name="Stay signed in").click()
    page.get_by_role("heading", name="You have been signed out").wait_for(state="visible")
    assert page.js_errors == []


def test_a_request_the_page_makes_itself_moves_the_limit_on_for_the_page(
    short_idle_limit, open_as, comms
):
    page = open_as(comms)
    page.goto(reverse("moderation:create"))
    ends = "Number(localStorage.getItem('portal:session-ends-at'))"
    at_load = page.evaluate(ends)
    page.wait_for_timeout(1_500)
    # Typing the excerpt asks the portal what it holds (htmx), which renews the session.
    with page.expect_response("**/moderation/detect/"):
        page.get_by_label("Excerpt").fill("You are all useless")
    page.wait_for_timeout(100)
    assert page.evaluate(ends) >= at_load + 1_000
    assert page.js_errors == []


def test_a_portal_briefly_unreachable_leaves_the_warning_to_try_again(
    short_idle_limit, open_as, member
):
    page, heading = _warned_on_home(open_as, member)
    page.route("**/stay-signed-in/", lambda route: route.fulfill(status=503, body="busy"))
    page.get_by_role("button", name="Stay signed in").click()
    page.get_by_text("The portal could not be reached just now.").wait_for()
    # Not said to be signed out: the session may still be there.
    assert heading.is_visible()
    page.unroute("**/stay-signed-in/")
    page.get_by_role("button", name="Stay signed in").click()
    heading.wait_for(state="hidden", timeout=3_000)
    assert page.js_errors == []
