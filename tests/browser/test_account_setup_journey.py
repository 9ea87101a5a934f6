"""A team sets an account up, comms verify it and it appears on the public register; a
suspected compromise takes it off until comms resolve it."""

import re
from pathlib import Path

from playwright.sync_api import expect

from accounts_requests.models import ManagedAccount, Platform
from tests import factories
from tests.accounts_requests.fixtures_accounts import vault_key
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

__all__ = ["vault_key"]

HANDLE = "@perinatal_peers"


def _on_register(page):
    page.goto("/official-accounts/")
    return page.get_by_role("link", name=HANDLE).count() == 1


def test_set_up_verify_compromise_and_resolve(open_as, team, member, manager, comms, vault_key):
    account = factories.managed_account(
        team=team,
        state=ManagedAccount.State.SETTING_UP,
        platform=Platform.INSTAGRAM,
        name="Perinatal Peers",
        handle="",
        url="",
    )
    url = account.get_absolute_url()

    # The team completes the checklist.
    team_page = open_as(member)
    team_page.goto(url)
    assert "5 of 5 still to do" in team_page.content()
    assert_accessible(team_page)
    team_page.get_by_role("link", name="Fill in the set-up details").first.click()
    team_page.get_by_label("Handle").fill(HANDLE)
    team_page.get_by_label("Web address").fill("https://www.instagram.com/perinatal_peers")
    team_page.get_by_label("The communications team has been given admin rights").check()
    team_page.get_by_label("The account shows the platform's verified badge").check()
    team_page.get_by_role("button", name="Save the set-up details").click()
    team_page.wait_for_url(f"**{url}")
    for person in (member, manager):
        team_page.get_by_label("Person").select_option(label=str(person))
        team_page.get_by_label("Role").select_option(label="Moderator")
        team_page.get_by_role("button", name="Name them").click()
        team_page.wait_for_url(f"**{url}*")
    team_page.get_by_role("link", name="Lodge the login details").first.click()
    team_page.get_by_label("Login (user name or e-mail address)").fill("peers@example.nhs.uk")
    team_page.get_by_label("Password").fill("Journey-Secret-42")
    team_page.get_by_role("button", name="Lodge the login details").click()
    team_page.wait_for_url(f"**{url}")
    assert "Complete: ready for the communications team to verify." in team_page.content()
    assert not _on_register(open_as(None))

    # Comms verify it and it goes live on the public register.
    comms_page = open_as(comms)
    comms_page.goto(url)
    comms_page.get_by_role("button", name="Verify the set-up and make the account active").click()
    comms_page.wait_for_url(f"**{url}")
    assert comms_page.locator(".badge", has_text="Active").count() == 1
    public = open_as(None)
    assert _on_register(public)
    assert_accessible(public)
    public.set_viewport_size({"width": 320, "height": 800})
    assert public.evaluate("document.documentElement.scrollWidth") <= 320

    # Comms reveal the login details.
    comms_page.get_by_role("link", name="Reveal the login details").click()
    assert_accessible(comms_page)
    comms_page.get_by_label("Your own password").fill(PASSWORD)
    comms_page.get_by_label("Why you need them").fill("Checking our back-up access works")
    comms_page.get_by_role("button", name="Reveal the login details").click()
    assert comms_page.locator("#secret-password").inner_text() == "Journey-Secret-42"
    assert_accessible(comms_page)
    comms_page.goto("/accounts/")
    assert_accessible(comms_page)

    # The team reports a suspected compromise: the account leaves the public register.
    team_page.goto(url)
    team_page.get_by_role("link", name="Report a suspected compromise").click()
    expect(team_page.get_by_label(re.compile("Suspected compromise"))).to_be_checked()
    team_page.get_by_label("Password", exact=True).first.check()
    team_page.get_by_role("button", name="Send the notice").click()
    team_page.wait_for_url(f"**{url}")
    assert "The account is suspended and off the public register" in team_page.content()
    assert team_page.locator(".badge", has_text="Suspended").count() == 1
    assert not _on_register(public)

    # Comms download the register, which shows the compromise and no login detail.
    comms_page.goto("/accounts/")
    with comms_page.expect_download() as download:
        comms_page.get_by_role("link", name=re.compile("as a CSV file")).click()
    assert download.value.suggested_filename.startswith("account-register-")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Open security incident" in text.splitlines()[0]
    assert text.splitlines()[1].endswith(",Yes") and "Journey-Secret-42" not in text

    # Comms resolve it with a note: it is back.
    comms_page.goto(url)
    comms_page.locator("summary", has_text="Resolve the incident").click()
    comms_page.get_by_label("How it was resolved").fill("Password changed; no rogue posts.")
    comms_page.get_by_role("button", name="Resolve", exact=True).click()
    comms_page.wait_for_url(f"**{url}")
    assert comms_page.locator(".badge", has_text="Active").count() == 1
    assert_accessible(comms_page)
    assert _on_register(public)

    for page in (team_page, comms_page, public):
        assert page.js_errors == []


def test_the_other_account_pages_are_accessible(open_as, team, member, manager, comms, vault_key):
    from django.urls import reverse

    account = factories.account_ready_to_verify(team, [member, manager], name="Perinatal Peers")
    page = open_as(comms)
    for url in (
        reverse("accounts_requests:notice_create", args=[account.pk]),
        reverse("accounts_requests:account_setup", args=[account.pk]),
        reverse("accounts_requests:credentials", args=[account.pk]),
        reverse("accounts_requests:account_create"),
        reverse("portal:home"),
        reverse("portal:people"),
        reverse("portal:user_deactivate", args=[member.pk]),
    ):
        page.goto(url)
        assert_accessible(page)
    team_page = open_as(member, viewport={"width": 320, "height": 800})
    team_page.goto(account.get_absolute_url())
    assert_accessible(team_page)
    assert team_page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.js_errors == [] and team_page.js_errors == []
