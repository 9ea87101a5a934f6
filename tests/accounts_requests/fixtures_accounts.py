"""Fixtures for the set-up and security tests; test modules import the ones they use."""

import pytest
from cryptography.fernet import Fernet

from accounts_requests.models import ManagedAccount, Platform
from tests import factories

State = ManagedAccount.State


@pytest.fixture
def vault_key(settings):
    """A fresh credential key for the test, so nothing depends on var/credential-key."""
    key = Fernet.generate_key().decode()
    settings.CREDENTIAL_KEYS = [key]
    return key


@pytest.fixture
def accounts(team, other_team, comms_team, vault_key):
    """One account of each kind the register orders and filters by: two of a team's (one
    live, one in set-up), another team's and a corporate one."""
    return {
        "ours": factories.managed_account(team=team, name="Ours", platform=Platform.INSTAGRAM),
        "ours_setting_up": factories.managed_account(
            team=team, name="Ours in set-up", state=State.SETTING_UP
        ),
        "theirs": factories.managed_account(team=other_team, name="Theirs"),
        "corporate": factories.managed_account(
            team=comms_team, name="Corporate", platform=Platform.X
        ),
    }


@pytest.fixture
def setting_up(team, vault_key):
    """An approved account in set-up with nothing on its checklist done."""
    return factories.managed_account(
        team=team,
        state=State.SETTING_UP,
        platform=Platform.FACEBOOK,
        name="Perinatal Peer Support",
        handle="",
        url="",
    )


@pytest.fixture
def ready(team, member, manager, vault_key):
    """An account in set-up with a complete checklist."""
    return factories.account_ready_to_verify(team, [member, manager], name="Perinatal Peers")


@pytest.fixture
def live(ready, comms):
    from accounts_requests import services_accounts

    return services_accounts.account_verify(actor=comms, account_id=ready.pk)
