"""A closed account across the register, set-up, vault and notices: kept, and read-only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts_requests import (
    selectors_accounts,
    services_accounts,
    services_notices,
    services_vault,
)
from accounts_requests.models import (
    AccountModerator,
    CredentialChangeNotice,
    CredentialReveal,
    ManagedAccount,
)
from portal.services.errors import ActionConflict
from tests.accounts_requests.fixtures_accounts import live, ready, vault_key
from tests.factories import PASSWORD

__all__ = ["live", "ready", "vault_key"]

State = ManagedAccount.State
Notice = CredentialChangeNotice


def _move(account, state):
    ManagedAccount.objects.filter(pk=account.pk).update(state=state)
    account.refresh_from_db()
    return account


def _notice(account, actor):
    return services_notices.notice_file(
        actor=actor,
        account_id=account.pk,
        what_changed=Notice.What.PASSWORD,
        reason=Notice.Reason.ROUTINE,
        changed_at=timezone.now() - datetime.timedelta(minutes=5),
        password="the-new-one-42",
    )


def _reveal(client, account):
    return client.post(
        reverse("accounts_requests:reveal", args=[account.pk]),
        {"password": PASSWORD, "reason": "Deleting the platform account"},
    )


# The register


def test_a_closed_account_is_off_the_public_register_and_kept_in_the_internal_one(
    live, comms, member, as_user
):
    assert live in selectors_accounts.public_register()
    _move(live, State.CLOSED)
    assert live not in selectors_accounts.public_register()
    public = as_user(None).get(reverse("accounts_requests:public_register")).content.decode()
    assert live.name not in public
    for user in (comms, member):
        client = as_user(user)
        page = client.get(reverse("accounts_requests:account_list")).content.decode()
        assert "See closed accounts" in page
        response = client.get(reverse("accounts_requests:account_list") + "?state=closed")
        page = response.content.decode()
        assert response.status_code == 200
        assert live.name in page
        assert "read-only" in page
        assert "Closed (the register&#x27;s history)" in page


def test_the_closed_filter_lists_only_closed_accounts(live, team, comms, as_user):
    from tests import factories

    factories.managed_account(team=team, name="Still going")
    _move(live, State.CLOSED)
    page = (
        as_user(comms)
        .get(reverse("accounts_requests:account_list") + "?state=closed")
        .content.decode()
    )
    assert live.name in page
    assert "Still going" not in page


def test_a_closed_account_page_still_opens_for_the_team_and_offers_no_action(
    live, member, comms, as_user
):
    _move(live, State.CLOSED)
    for user in (member, comms):
        page = as_user(user).get(live.get_absolute_url()).content.decode()
        assert "This account is closed" in page
        assert "Report a change of login details" not in page
        assert "Fill in the set-up details" not in page
        assert reverse("accounts_requests:reveal", args=[live.pk]) not in page


# Issue 3's actions after closure: each refused, for the team and for comms


@pytest.mark.parametrize("role", ["member", "comms"])
def test_every_set_up_and_vault_change_is_refused_once_closed(live, people, role, member):
    actor = people[role]
    named = AccountModerator.objects.filter(account=live).first()
    _move(live, State.CLOSED)
    attempts = [
        lambda: services_accounts.account_setup_update(
            actor=actor,
            account_id=live.pk,
            handle="new",
            url="",
            comms_admin=False,
            verified_badge=True,
        ),
        lambda: services_accounts.account_moderator_add(
            actor=actor, account_id=live.pk, user=member, role="moderator"
        ),
        lambda: services_accounts.account_moderator_remove(
            actor=actor, account_id=live.pk, moderator_id=named.pk
        ),
        lambda: services_vault.credential_lodge(
            actor=actor, account_id=live.pk, login="x@example.org", password="new-Pass-1"
        ),
        lambda: _notice(live, actor),
        lambda: services_accounts.incident_resolve(actor=actor, account_id=live.pk, note="x"),
    ]
    before = live.events.count()
    for attempt in attempts:
        with pytest.raises(ActionConflict, match="closed"):
            attempt()
    assert live.events.count() == before
    assert AccountModerator.objects.filter(pk=named.pk).exists()


def test_a_notice_left_open_at_closure_cannot_be_acknowledged_and_leaves_the_queue(
    live, member, comms
):
    notice = _notice(live, member)
    assert notice in selectors_accounts.notices_awaiting()
    _move(live, State.CLOSED)
    with pytest.raises(ActionConflict, match="closed"):
        services_notices.notice_acknowledge(actor=comms, notice_id=notice.pk)
    assert notice not in selectors_accounts.notices_awaiting()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("account_setup", {"handle": "x", "url": ""}),
        ("moderator_add", {"user": "", "role": "moderator"}),
        ("credentials", {"login": "a@example.org", "password": "x"}),
        ("notice_create", {"what_changed": "password", "reason": "routine"}),
    ],
)
def test_the_pages_refuse_changes_to_a_closed_account(live, member, as_user, name, data):
    _move(live, State.CLOSED)
    before = live.events.count()
    response = as_user(member).post(reverse(f"accounts_requests:{name}", args=[live.pk]), data)
    assert response.status_code in (403, 409)
    assert live.events.count() == before


# Revealing: possible while the closure is proposed, never after


def test_comms_can_reveal_during_a_proposed_closure_for_the_exit_checklist(live, comms, as_user):
    _move(live, State.CLOSURE_PROPOSED)
    response = _reveal(as_user(comms), live)
    assert response.status_code == 200
    assert CredentialReveal.objects.get().outcome == CredentialReveal.Outcome.REVEALED


def test_nobody_can_reveal_a_closed_accounts_login_details(live, comms, member, as_user):
    _move(live, State.CLOSED)
    response = _reveal(as_user(comms), live)
    assert response.status_code == 409
    assert "can no longer be revealed" in response.content.decode()
    assert (
        as_user(comms).get(reverse("accounts_requests:reveal", args=[live.pk])).status_code == 409
    )
    assert _reveal(as_user(member), live).status_code == 403
    with pytest.raises(ActionConflict):
        services_vault.credential_reveal(
            actor=comms, account_id=live.pk, password=PASSWORD, reason="Curious"
        )
    assert not CredentialReveal.objects.exists()
    # The audit of earlier reveals stays readable on the page.
    assert as_user(comms).get(live.get_absolute_url()).status_code == 200
