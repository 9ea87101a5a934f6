"""Login details are encrypted at rest with keys of their own, and the keys rotate."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accounts_requests import services_vault, vault
from accounts_requests.apps import check_credential_keys
from accounts_requests.models import Credential
from tests.accounts_requests.fixtures_accounts import setting_up, vault_key

__all__ = ["setting_up", "vault_key"]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Rose-Garden-8812!"


def _lodge(account, actor, password=SECRET):
    return services_vault.credential_lodge(
        actor=actor, account_id=account.pk, login="team@example.nhs.uk", password=password
    )


def _stored(credential):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ciphertext FROM {Credential._meta.db_table} WHERE id = %s",  # noqa: S608
            [credential.pk],
        )
        return cursor.fetchone()[0]


def test_the_secret_is_stored_only_as_a_fernet_token(setting_up, member, vault_key):
    credential = _lodge(setting_up, member)
    stored = _stored(credential)
    assert SECRET not in stored
    assert "team@example.nhs.uk" not in stored
    assert Fernet(vault_key.encode()).decrypt(stored.encode())  # a real token of our key
    assert vault.decrypt(stored) == {
        "login": "team@example.nhs.uk",
        "password": SECRET,
        "notes": "",
    }


def test_the_key_is_not_derived_from_the_secret_key(setting_up, member, settings):
    settings.SECRET_KEY = "a-different-secret-key-entirely-for-this-test-0123456789"
    credential = _lodge(setting_up, member)
    settings.SECRET_KEY = "and-another-one-0123456789-0123456789-0123456789-0123"
    assert vault.decrypt(Credential.objects.get(pk=credential.pk).ciphertext)["password"] == SECRET


def test_history_never_holds_the_ciphertext(setting_up, member):
    credential = _lodge(setting_up, member)
    _lodge(setting_up, member, password="another-one")
    history_fields = {f.name for f in credential.history.model._meta.get_fields()}
    assert "ciphertext" not in history_fields
    assert credential.history.count() == 2


def test_a_new_lodgement_keeps_what_was_not_re_entered(setting_up, member):
    services_vault.credential_lodge(
        actor=member,
        account_id=setting_up.pk,
        login="team@example.nhs.uk",
        password="first",
        notes="backup codes 1 2 3",
    )
    services_vault.credential_lodge(actor=member, account_id=setting_up.pk, password="second")
    secret = vault.decrypt(Credential.objects.get(account=setting_up).ciphertext)
    assert secret == {
        "login": "team@example.nhs.uk",
        "password": "second",
        "notes": "backup codes 1 2 3",
    }


def test_the_first_lodgement_needs_a_login_and_a_password(setting_up, member):
    with pytest.raises(services_vault.ActionError) as error:
        services_vault.credential_lodge(actor=member, account_id=setting_up.pk, password="x")
    assert set(error.value.errors) == {"login"}
    assert not Credential.objects.exists()


def test_a_token_no_key_opens_fails_loudly_and_never_returns_the_token(settings, vault_key):
    token = vault.encrypt({"login": "a", "password": "b", "notes": ""})
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(vault.VaultError) as error:
        vault.decrypt(token)
    assert token not in str(error.value)


def test_keys_rotate_old_secrets_still_open_and_the_command_re_encrypts_once(
    setting_up, member, settings, vault_key
):
    credential = _lodge(setting_up, member)
    before = _stored(credential)
    history_rows = credential.history.count()

    new_key = Fernet.generate_key().decode()
    settings.CREDENTIAL_KEYS = [new_key, vault_key]
    assert vault.decrypt(before)["password"] == SECRET  # the old key still decrypts
    assert not vault.is_current(before)

    call_command("rotate_credentials", stdout=open(os.devnull, "w"))  # noqa: SIM115
    rotated = _stored(credential)
    assert rotated != before
    assert vault.is_current(rotated)
    Fernet(new_key.encode()).decrypt(rotated.encode())

    # Run again: nothing changes, no history is written.
    call_command("rotate_credentials", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _stored(credential) == rotated
    assert credential.history.count() == history_rows

    # The old key can now be retired.
    settings.CREDENTIAL_KEYS = [new_key]
    assert vault.decrypt(_stored(credential))["password"] == SECRET


def test_rotation_reports_what_it_did(setting_up, member, settings, vault_key, capsys):
    _lodge(setting_up, member)
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode(), vault_key]
    call_command("rotate_credentials")
    assert "Re-encrypted 1 lodged login detail(s) with the newest key; 0 already" in (
        capsys.readouterr().out
    )


def test_rotation_fails_loudly_on_a_secret_no_key_opens(setting_up, member, settings):
    credential = _lodge(setting_up, member)
    before = _stored(credential)
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match=f"accounts {setting_up.pk}"):
        call_command("rotate_credentials", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _stored(credential) == before


def test_a_bad_key_is_a_system_check_error(settings):
    settings.CREDENTIAL_KEYS = ["not-a-fernet-key"]
    errors = check_credential_keys(None)
    assert [e.id for e in errors] == ["accounts_requests.E001"]
    assert "not-a-fernet-key" not in errors[0].msg


def _load_settings(env):
    clean = {k: v for k, v in os.environ.items() if k not in ("CREDENTIAL_KEYS", "PORTAL_ENV")}
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(len(s.CREDENTIAL_KEYS))"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_credential_keys(tmp_path):
    result = _load_settings(
        {
            "PORTAL_ENV": "production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "portal.example.nhs.uk",
            "PORTAL_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode != 0
    assert "CREDENTIAL_KEYS must be set when PORTAL_ENV=production" in result.stderr
    assert not (tmp_path / "credential-key").exists()


def test_production_starts_with_credential_keys(tmp_path):
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    result = _load_settings(
        {
            "PORTAL_ENV": "production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "portal.example.nhs.uk",
            "CREDENTIAL_KEYS": keys,
            "PORTAL_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_the_embedded_default_makes_a_local_key_once_and_says_so(tmp_path):
    first = _load_settings({"PORTAL_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    assert "Created a local credential key" in first.stderr
    key_file = tmp_path / "credential-key"
    key = key_file.read_text()
    Fernet(key.encode())  # a valid key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    again = _load_settings({"PORTAL_VAR_DIR": str(tmp_path)})
    assert "Created a local credential key" not in again.stderr
    assert key_file.read_text() == key


def test_after_its_key_is_lost_a_new_login_and_password_replace_what_cannot_be_read(
    setting_up, member, settings, vault_key
):
    """The way out that the reveal's error points to: lodge the details again. The notes
    left blank cannot be kept from what no key opens, so none are kept."""
    _lodge(setting_up, member)
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(services_vault.ActionError) as half:
        services_vault.credential_lodge(actor=member, account_id=setting_up.pk, login="new")
    assert set(half.value.errors) == {"login", "password"}
    services_vault.credential_lodge(
        actor=member, account_id=setting_up.pk, login="new", password="fresh-secret"
    )
    stored = vault.decrypt(Credential.objects.get(account=setting_up).ciphertext)
    assert stored == {"login": "new", "password": "fresh-secret", "notes": ""}


def _lodge_page(client, account, **data):
    return client.post(reverse("accounts_requests:credentials", args=[account.pk]), data)


def test_notes_no_longer_true_can_be_removed_and_the_rest_is_kept(setting_up, member, as_user):
    client = as_user(member)
    first = client.get(reverse("accounts_requests:credentials", args=[setting_up.pk]))
    assert "Remove the recovery notes" not in first.content.decode()  # nothing to remove yet
    _lodge_page(client, setting_up, login="team@example.nhs.uk", password=SECRET, notes="codes")
    page = client.get(reverse("accounts_requests:credentials", args=[setting_up.pk]))
    assert "Remove the recovery notes lodged now" in page.content.decode()

    response = _lodge_page(client, setting_up, clear_notes="on")
    assert response.status_code == 302
    stored = vault.decrypt(Credential.objects.get(account=setting_up).ciphertext)
    assert stored == {"login": "team@example.nhs.uk", "password": SECRET, "notes": ""}


def test_new_notes_and_removing_them_at_once_is_refused(setting_up, member, as_user):
    client = as_user(member)
    _lodge_page(client, setting_up, login="team@example.nhs.uk", password=SECRET, notes="codes")
    response = _lodge_page(client, setting_up, notes="new codes", clear_notes="on")
    assert response.status_code == 400
    assert "You entered new notes and asked to remove the notes" in response.content.decode()
    stored = vault.decrypt(Credential.objects.get(account=setting_up).ciphertext)
    assert stored["notes"] == "codes"
    assert "new codes" not in response.content.decode()  # nothing secret is sent back
