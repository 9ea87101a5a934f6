"""Lodging, revealing and re-encrypting login details.

The secret exists in plain text only inside these functions and the reveal view, all
marked ``sensitive_variables`` so an error report never shows it. Every attempt to
reveal, successful or not, is written to the append-only ``CredentialReveal`` audit.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts_requests import notifications_accounts, rules, vault
from accounts_requests.models import Credential, CredentialReveal, ManagedAccount
from accounts_requests.services_accounts import _tell_comms_when_ready, setup_of
from accounts_requests.workflow import locked_account, record_event, refuse_if_closed
from portal.services.errors import ActionConflict, ActionError, ActionRefused

log = logging.getLogger(__name__)

REVEAL_CLOSED = (
    "This account is closed, so its login details can no longer be revealed: they were "
    "revoked or handed back in its exit checklist. Its reveal audit stays on its page."
)

# Wrong passwords allowed within the window before revealing is paused for that person.
MAX_WRONG_PASSWORDS = 5
WRONG_PASSWORD_WINDOW = datetime.timedelta(minutes=15)


class RevealThrottled(ActionError):
    status = 429


class CredentialsUnreadable(ActionError):
    """The stored secret does not open with the configured keys."""

    status = 500


@sensitive_variables()
def store_credentials(account, *, actor, login="", password="", notes=None):
    """Encrypt and keep the account's login details; the account row must be locked.

    Blank ``login`` or ``password`` (and ``notes`` of None) keep what is already lodged.
    """
    existing = Credential.objects.filter(account=account).first()
    if existing is not None and not (login and password and notes is not None):
        try:
            current = vault.decrypt(existing.ciphertext)
        except vault.VaultError:
            if login and password:
                # A new login and password replace what can no longer be read (its key
                # is gone); its notes cannot be kept, so the new ones are what was typed.
                log.warning("Account %s: unreadable login details replaced", account.pk)
                current = {}
            else:
                raise ActionError(
                    "The login details already lodged cannot be read with the portal's keys, "
                    "so they cannot be kept. Enter the login, the password and any notes in "
                    "full.",
                    errors={"login": "Enter the login.", "password": "Enter the password."},
                ) from None
        login = login or current.get("login", "")
        password = password or current.get("password", "")
        notes = current.get("notes", "") if notes is None else notes
    if not login or not password:
        raise ActionError(
            "Enter both the login and the password.",
            errors={
                name: "Enter this."
                for name, value in (("login", login), ("password", password))
                if not value
            },
        )
    token = vault.encrypt({"login": login, "password": password, "notes": notes or ""})
    now = timezone.now()
    credential = Credential(account=account) if existing is None else existing
    credential.ciphertext = token
    credential.lodged_by = actor
    credential.lodged_at = now
    credential._change_reason = "lodged"
    credential.save()
    return credential


@sensitive_variables()
def credential_lodge(*, actor, account_id, login="", password="", notes=None):
    """Lodge (or replace) an account's login details with the communications team."""
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if not rules.can_lodge_credentials(account, actor):
            raise ActionRefused("You cannot lodge login details for this account.")
        credential = store_credentials(
            account, actor=actor, login=login, password=password, notes=notes
        )
        record_event(account, actor=actor, action="credentials_lodged")
        if account.state == ManagedAccount.State.SETTING_UP:
            _tell_comms_when_ready(account, setup_of(account), actor=actor)
    return credential


def _audit(account, actor, reason, outcome):
    return CredentialReveal.objects.create(
        account=account, actor=actor, at=timezone.now(), reason=reason, outcome=outcome
    )


def wrong_passwords_recently(actor, now=None):
    since = (now or timezone.now()) - WRONG_PASSWORD_WINDOW
    return CredentialReveal.objects.filter(
        actor=actor, outcome=CredentialReveal.Outcome.WRONG_PASSWORD, at__gte=since
    ).count()


@sensitive_variables()
def credential_reveal(*, actor, account_id, password, reason):
    """The account's login details, for a comms officer who re-entered their password.

    Each attempt is audited. Raises ``RevealThrottled`` after too many wrong passwords,
    ``ActionError`` for a wrong password, ``CredentialsUnreadable`` when no key opens it.
    """
    account = ManagedAccount.objects.get(pk=account_id)
    if account.state == ManagedAccount.State.CLOSED:
        raise ActionConflict(REVEAL_CLOSED)
    if not rules.can_reveal_credentials(account, actor):
        raise ActionRefused("Only the communications team can reveal login details.")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Say why you need them.", errors={"reason": "Give a reason."})
    Outcome = CredentialReveal.Outcome
    failures = wrong_passwords_recently(actor)
    if failures >= MAX_WRONG_PASSWORDS:
        _audit(account, actor, reason, Outcome.THROTTLED)
        raise RevealThrottled(
            "You have entered a wrong password too many times. For safety, revealing login "
            f"details is paused for you for {WRONG_PASSWORD_WINDOW.seconds // 60} minutes."
        )
    if not actor.check_password(password):
        _audit(account, actor, reason, Outcome.WRONG_PASSWORD)
        failures += 1
        if failures == MAX_WRONG_PASSWORDS:
            with transaction.atomic():
                notifications_accounts.reveals_throttled(account, actor=actor)
        left = MAX_WRONG_PASSWORDS - failures
        raise ActionError(
            "That is not your password.",
            errors={
                "password": "That is not the password you sign in with. "
                + (
                    f"{left} more attempt{'s' if left != 1 else ''} before revealing is paused."
                    if left
                    else "Revealing is now paused for you for a while."
                )
            },
        )
    credential = Credential.objects.filter(account=account).first()
    if credential is None:
        raise ActionConflict("No login details have been lodged for this account yet.")
    try:
        secret = vault.decrypt(credential.ciphertext)
    except vault.VaultError:
        _audit(account, actor, reason, Outcome.UNREADABLE)
        log.error(
            "Login details of account %s could not be decrypted with the configured keys",
            account.pk,
        )
        raise CredentialsUnreadable(
            "The login details of this account cannot be decrypted with the portal's keys, "
            "so nothing can be shown. Tell the portal's administrators: a key may be missing "
            "from CREDENTIAL_KEYS. Ask the team to lodge the login details again."
        ) from None
    _audit(account, actor, reason, Outcome.REVEALED)
    return secret


def credentials_rotate():
    """Re-encrypt every secret not yet under the newest key. Safe to run again.

    Returns (re-encrypted, already current, account ids that could not be decrypted).
    """
    rotated, current, failed = 0, 0, []
    for pk, account_id, token in Credential.objects.values_list(
        "pk", "account_id", "ciphertext"
    ).iterator():
        if vault.is_current(token):
            current += 1
            continue
        try:
            new_token = vault.rotate(token)
        except vault.VaultError:
            failed.append(account_id)
            continue
        # Conditional, so a secret lodged meanwhile is never overwritten with an old one.
        # An update, not a save: re-encrypting changes nothing anyone would want in history.
        if Credential.objects.filter(pk=pk, ciphertext=token).update(ciphertext=new_token):
            rotated += 1
    return rotated, current, failed
