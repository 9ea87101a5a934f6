"""The public register: the trust's live official accounts, for anyone, nothing internal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts_requests import services_notices
from accounts_requests.models import ManagedAccount, Platform
from portal.templatetags.portal_tags import soft_breaks
from tests import factories
from tests.accounts_requests.fixtures_accounts import live, ready, vault_key

__all__ = ["live", "ready", "vault_key"]

State = ManagedAccount.State
URL = reverse("accounts_requests:public_register")


def _listed(response):
    return [a.name for a in response.context["corporate"] + response.context["services"]]


def test_anyone_can_open_it_without_signing_in(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Official social media accounts" in response.content.decode()


@pytest.mark.parametrize(
    ("state", "listed"),
    [
        (State.SETTING_UP, False),
        (State.ACTIVE, True),
        (State.UNDER_REVIEW, True),
        (State.IMPROVEMENT_PLAN, True),
        (State.CLOSURE_PROPOSED, True),
        (State.SUSPENDED, False),
        (State.CLOSED, False),
    ],
)
def test_only_live_accounts_are_listed_as_official(client, team, state, listed, vault_key):
    factories.managed_account(team=team, state=state, name=f"Account {state}")
    assert (f"Account {state}" in _listed(client.get(URL))) is listed


def test_corporate_accounts_are_listed_apart_from_the_services(client, team, comms_team):
    factories.managed_account(team=comms_team, name="The trust on X", platform=Platform.X)
    factories.managed_account(team=team, name="Perinatal page")
    response = client.get(URL)
    assert [a.name for a in response.context["corporate"]] == ["The trust on X"]
    assert [a.name for a in response.context["services"]] == ["Perinatal page"]


def test_it_shows_platform_handle_link_team_and_badge_and_nothing_internal(
    client, live, member, manager, comms
):
    services_notices.notice_file(
        actor=member,
        account_id=live.pk,
        what_changed="password",
        reason="routine",
        changed_at=timezone.now(),
        details="Internal detail about the change",
        password="the-new-one-42",
    )
    page = client.get(URL).content.decode()
    assert 'href="https://www.facebook.com/teampage"' in page
    assert "@teampage" in page
    assert "Facebook" in page
    assert live.team.name in page
    assert "Verified" in page
    for internal in (
        member.get_full_name(),
        manager.get_full_name(),
        comms.get_full_name(),
        "Internal detail about the change",
        "notice",
        "moderator",
        str(live.target_followers),
    ):
        assert internal not in page


def test_it_says_how_to_report_an_imitation(client, db):
    from portal.models import OrganisationProfile

    page = client.get(URL).content.decode()
    assert "pretending to be us" in page
    assert OrganisationProfile.load().comms_email in page


def test_a_suspected_compromise_takes_the_account_off_until_resolved(client, live, member, comms):
    from accounts_requests import services_accounts

    assert live.name in _listed(client.get(URL))
    services_notices.notice_file(
        actor=member,
        account_id=live.pk,
        what_changed="password",
        reason="compromise",
        changed_at=timezone.now(),
    )
    assert live.name not in _listed(client.get(URL))
    services_accounts.incident_resolve(actor=comms, account_id=live.pk, note="Resolved")
    assert live.name in _listed(client.get(URL))


def test_an_open_incident_on_a_live_account_not_suspended_also_hides_it(client, team, member):
    account = factories.managed_account(team=team, state=State.UNDER_REVIEW, name="In review")
    assert "In review" in _listed(client.get(URL))
    services_notices.notice_file(
        actor=member,
        account_id=account.pk,
        what_changed="password",
        reason="compromise",
        changed_at=timezone.now(),
    )
    assert "In review" not in _listed(client.get(URL))


@pytest.mark.parametrize("size", [3, 30])
def test_the_public_register_costs_the_same_queries_at_any_size(
    size, client, team, comms_team, django_assert_max_num_queries
):
    for i in range(size):
        factories.managed_account(team=team if i % 2 else comms_team, name=f"Account {i}")
    client.get(URL)
    with django_assert_max_num_queries(2):
        response = client.get(URL)
    assert len(_listed(response)) == size


def test_a_long_handle_may_wrap_only_where_its_own_words_meet():
    assert soft_breaks("RiversideCommunityNursingNews") == (
        "Riverside<wbr>Community<wbr>Nursing<wbr>News"
    )
    assert soft_breaks("@riverside_camhs.tips") == "@riverside_<wbr>camhs.<wbr>tips"
    assert soft_breaks("CAMHS") == "CAMHS"
    # What people typed is escaped before anything is marked.
    assert soft_breaks('<b onclick="x">a_b</b>') == (
        "&lt;b onclick=&quot;x&quot;&gt;a_<wbr>b&lt;/b&gt;"
    )
