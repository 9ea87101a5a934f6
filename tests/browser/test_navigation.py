"""The main navigation groups comms' pages and works by keyboard on a desktop and a phone."""

from django.urls import reverse

from accounts_requests.models import AccountRequest, ManagedAccount
from portal.models import OrganisationProfile
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.moderation.helpers import log_entry


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
    # Bootstrap marks the menu .show once it has finished opening; a click while it is
    # still sliding open can land on a moving button (seen on a busy machine).
    page.locator("#main-nav.show").wait_for()
    nav.get_by_role("button", name="Guidance").click()
    page.locator("#main-nav .dropdown-menu.show").wait_for()
    with page.expect_navigation(url="**/playbook/"):
        nav.get_by_role("link", name="Playbook").click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert not page.js_errors


def test_the_auditor_reaches_every_record_by_keyboard_but_not_the_trust_settings(open_as, auditor):
    page = open_as(auditor)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    accounts = nav.get_by_role("button", name="Accounts")
    accounts.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Account register"
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/")
    labels = " ".join(nav.get_by_role("link").all_inner_texts())
    for readable in ("Due and overdue", "Moderation log", "Concerns", "Teams"):
        assert readable in labels
    assert "Organisation" not in labels
    assert nav.get_by_role("button", name="Trust").count() == 0
    assert_accessible(page)


def test_the_safeguarding_lead_goes_from_the_menu_to_the_log_they_may_read(
    open_as, safeguarding_lead
):
    page = open_as(safeguarding_lead)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("button", name="Accounts").count() == 0
    assert nav.get_by_role("link", name="Due and overdue").count() == 0
    nav.get_by_role("link", name="Moderation log").click()
    page.wait_for_url("**/moderation/")
    assert nav.locator("[aria-current=page]").inner_text() == "Moderation log"
    assert page.get_by_role("heading", level=1).count() == 1
    assert_accessible(page)


# Every word in a table that scrolls sideways on one line: a word cut across two has two
# boxes. Returns the words that are cut. A hyphen is a place a line may break.
WORDS_CUT = """() => {
  const cut = [];
  for (const table of document.querySelectorAll('.table-responsive tbody')) {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      for (const match of text.textContent.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        if (range.getClientRects().length > 1) cut.push(match[0]);
      }
    }
  }
  return cut;
}"""


def test_a_table_on_a_phone_keeps_its_names_whole_and_scrolls_instead(open_as, manager, team):
    for name in ("Perinatal Peer Support", "Perinatal Mental Health Instagram"):
        factories.proposal_in_state(
            AccountRequest.State.AWAITING_ENDORSEMENT, team=team, proposed_name=name
        )
    page = open_as(manager, viewport={"width": 390, "height": 800})
    page.goto("/proposals/")
    assert page.get_by_role("link", name="Perinatal Peer Support").count() == 1
    assert page.evaluate(WORDS_CUT) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    badge = page.locator(".table-responsive .badge").first
    assert badge.inner_text() == "Awaiting manager's endorsement"
    box, cell = badge.bounding_box(), badge.locator("xpath=..").bounding_box()
    assert box["x"] + box["width"] <= cell["x"] + cell["width"]  # wraps inside its cell


def test_the_moderation_log_on_a_phone_keeps_each_handle_whole(open_as, comms, team, settings):
    settings.MODERATION_REPEAT_THRESHOLD = 2
    account = factories.managed_account(team=team, name="Perinatal Peer Support")
    for post, handle in enumerate(("@anon_account_1", "@worried_mum_of_three") * 2):
        log_entry(comms, account, handle=handle, post_url=f"https://www.facebook.com/p/{post}")
    page = open_as(comms, viewport={"width": 390, "height": 800})
    for url in (reverse("moderation:log"), reverse("moderation:repeat_offenders")):
        page.goto(url)
        assert page.get_by_text("@worried_mum_of_three").count() >= 1, url
        assert page.evaluate(WORDS_CUT) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_people_page_on_a_phone_keeps_each_address_whole(open_as, head, member, comms):
    member.email = "a.rather.long.address@riverside.example.nhs.uk"
    member.save(update_fields=["email"])
    page = open_as(head, viewport={"width": 390, "height": 800})
    page.goto("/people/")
    assert page.get_by_text(member.email).count() == 1
    assert page.evaluate(WORDS_CUT) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_public_register_on_a_phone_shows_each_handle_whole(open_as, team):
    for handle in ("RiversideCommunityNursingNews", "@riverside_recovery_college"):
        factories.managed_account(
            team=team, state=ManagedAccount.State.ACTIVE, handle=handle, url=""
        )
    page = open_as(None, viewport={"width": 320, "height": 640})
    page.goto("/official-accounts/")
    assert page.get_by_text("RiversideCommunityNursingNews").count() == 1
    assert page.evaluate(WORDS_CUT) == []  # wraps where its words meet, if at all
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Two columns on a phone: the service is named under the account, not beside it.
    assert not page.get_by_role("columnheader", name="Service").is_visible()
    assert page.get_by_text(f"Service: {team.name}").first.is_visible()
    wide = open_as(None)
    wide.goto("/official-accounts/")
    assert wide.get_by_role("columnheader", name="Service").is_visible()
    assert not wide.get_by_text(f"Service: {team.name}").first.is_visible()


def test_public_pages_wrap_a_long_contact_typed_as_plain_text_at_320_pixels(open_as, db):

    profile = OrganisationProfile.load()
    profile.complaints_contact = "patient.experience.complaints@riverside.example.nhs.uk"
    profile.complaints_url = ""
    profile.save()
    page = open_as(None, viewport={"width": 320, "height": 640})
    for url in (reverse("portal:get_help"), reverse("moderation:guidelines")):
        page.goto(url)
        assert page.locator("main").get_by_text(profile.complaints_contact).count() == 1, url
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
