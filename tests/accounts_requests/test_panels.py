"""Extra sections on the account page (ACCOUNT_PAGE_PANELS) and the home page panels."""

from django.urls import reverse
from django.utils import timezone

from accounts_requests import services_notices
from accounts_requests.panels import account_panels
from tests.accounts_requests.fixtures_accounts import live, ready, setting_up, vault_key

__all__ = ["live", "ready", "setting_up", "vault_key"]

SEEN = []


def a_panel_for_comms(account, user):
    SEEN.append((account.pk, user.pk))
    if not user.has_perm("portal.act_as_comms"):
        return None
    return {
        "title": "A section from elsewhere",
        "template": "accounts_requests/panels/security.html",
        "context": {"notices": [], "incidents": [], "rotation_tasks": [], "ready": []},
    }


def test_a_team_member_sees_no_moderation_panel(live, member, settings):
    assert settings.ACCOUNT_PAGE_PANELS == ["moderation.panels.account_panel"]
    assert account_panels(live, member) == []


def test_other_apps_add_sections_at_the_end_of_the_account_page(
    live, comms, member, settings, as_user
):
    settings.ACCOUNT_PAGE_PANELS = [f"{__name__}.a_panel_for_comms"]
    page = as_user(comms).get(live.get_absolute_url()).content.decode()
    assert '<h2 class="h4" id="account-panel-1">A section from elsewhere</h2>' in page
    assert page.index("A section from elsewhere") > page.index('id="history-heading"')
    assert (live.pk, comms.pk) in SEEN
    assert (
        "A section from elsewhere"
        not in as_user(member).get(live.get_absolute_url()).content.decode()
    )


def test_home_shows_comms_what_needs_them(comms, head, live, member, as_user):
    services_notices.notice_file(
        actor=member,
        account_id=live.pk,
        what_changed="password",
        reason="compromise",
        changed_at=timezone.now(),
    )
    page = as_user(comms).get(reverse("portal:home")).content.decode()
    assert "Account security" in page
    assert "Suspected compromises" in page
    assert "Notices awaiting acknowledgement" in page


def test_home_shows_a_team_its_set_up_to_do(setting_up, member, as_user):
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert "Your team&#x27;s accounts" in page
    assert "5 checklist items to do" in page


def test_home_shows_nothing_to_a_team_with_nothing_to_do(live, member, as_user):
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert "Your team&#x27;s accounts" not in page
