"""The register of managed accounts: comms see all, a team its own, with filters."""

import pytest
from django.urls import reverse

from accounts_requests.models import ManagedAccount, Platform
from tests import factories
from tests.accounts_requests.fixtures_accounts import accounts, vault_key

__all__ = ["accounts", "vault_key"]

State = ManagedAccount.State
URL = reverse("accounts_requests:account_list")


def _names(response):
    return [row["account"].name for row in response.context["rows"]]


@pytest.mark.parametrize("role", ["comms", "head", "auditor"])
def test_comms_and_auditors_see_every_account_including_the_corporate_ones(
    accounts, people, role, as_user
):
    response = as_user(people[role]).get(URL)
    assert response.status_code == 200
    assert set(_names(response)) == {"Ours", "Ours in set-up", "Theirs", "Corporate"}
    assert _names(response)[0] == "Corporate"  # the trust's own accounts come first


def test_a_team_sees_only_its_own(accounts, member, as_user):
    response = as_user(member).get(URL)
    assert set(_names(response)) == {"Ours", "Ours in set-up"}
    assert "Theirs" not in response.content.decode()
    assert "Register an account" not in response.content.decode()


def test_a_team_cannot_filter_its_way_into_another_teams_accounts(
    accounts, member, other_team, as_user
):
    response = as_user(member).get(URL, {"team": other_team.pk})
    assert "Theirs" not in _names(response)


def test_staff_without_a_team_are_refused(accounts, staff, as_user):
    assert as_user(staff).get(URL).status_code == 403


def test_filters_by_team_platform_and_state(accounts, comms, team, as_user):
    client = as_user(comms)
    assert set(_names(client.get(URL, {"team": team.pk}))) == {"Ours", "Ours in set-up"}
    assert _names(client.get(URL, {"platform": Platform.X})) == ["Corporate"]
    assert _names(client.get(URL, {"state": State.SETTING_UP})) == ["Ours in set-up"]
    assert "Ours in set-up" not in _names(client.get(URL, {"state": "live"}))


def test_a_nonsense_filter_is_ignored_not_an_error(accounts, comms, as_user):
    response = as_user(comms).get(URL, {"state": "nonsense", "team": "x"})
    assert response.status_code == 200
    assert len(_names(response)) == 4


def test_the_register_shows_set_up_progress(accounts, comms, as_user):
    page = as_user(comms).get(URL).content.decode()
    assert "Set-up: 0 of 5 done" in page
    assert "No login details lodged" in page


def _fill(n, team, other_team):
    for i in range(n):
        account = factories.managed_account(
            team=team if i % 2 else other_team, name=f"Account {i}", platform=Platform.FACEBOOK
        )
        factories.named_moderator(account, factories.member_of(account.team))
        factories.notice(account, factories.member_of(account.team))


@pytest.mark.parametrize("size", [3, 30])
def test_the_register_costs_the_same_queries_at_any_size(
    size, team, other_team, comms, as_user, django_assert_max_num_queries, vault_key
):
    _fill(size, team, other_team)
    client = as_user(comms)
    client.get(URL)  # warm the session and the organisation profile
    # The page's ids are read first, then those rows with their checklist and flags.
    with django_assert_max_num_queries(13):
        response = client.get(URL)
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_a_teams_register_costs_the_same_at_any_size(
    size, team, other_team, member, as_user, django_assert_max_num_queries, vault_key
):
    _fill(size, team, other_team)
    client = as_user(member)
    client.get(URL)
    with django_assert_max_num_queries(13):
        response = client.get(URL)
    assert len(response.context["rows"]) == size // 2


def test_searches_by_name_or_handle_among_what_the_person_may_see(
    accounts, comms, member, as_user
):
    ManagedAccount.objects.filter(pk=accounts["theirs"].pk).update(handle="@Their_Page")
    client = as_user(comms)
    assert set(_names(client.get(URL, {"search": "ours"}))) == {"Ours", "Ours in set-up"}
    # A handle is found typed with or without its @, in any case.
    assert _names(client.get(URL, {"search": "@their_PAGE"})) == ["Theirs"]
    assert _names(client.get(URL, {"search": "  their_page "})) == ["Theirs"]
    assert _names(client.get(URL, {"search": "ours", "state": State.SETTING_UP})) == [
        "Ours in set-up"
    ]
    assert (
        "No accounts match these filters."
        in client.get(URL, {"search": "nobody"}).content.decode()
    )
    # Searching does not reach past a team's own accounts.
    assert _names(as_user(member).get(URL, {"search": "their"})) == []


def test_the_download_keeps_the_search(accounts, comms, as_user):
    client = as_user(comms)
    page = client.get(URL, {"search": "ours"}).content.decode()
    assert 'href="/accounts/export/?search=ours"' in page
    response = client.get(reverse("accounts_requests:account_export"), {"search": "ours"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Ours in set-up" in body and "Theirs" not in body and "Corporate" not in body


def test_a_search_too_long_says_so_and_shows_every_account(accounts, comms, as_user):
    response = as_user(comms).get(URL, {"search": "x" * 101})
    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters (it has 101)." in (
        response.content.decode()
    )
    assert len(_names(response)) == 4
