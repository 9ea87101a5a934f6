"""Encryption of lodged login details.

Keys come from ``settings.CREDENTIAL_KEYS`` (Fernet keys, newest first): the newest
encrypts, every one decrypts, so keys can be rotated. Nothing here is ever derived from
``SECRET_KEY``. A token that no key opens raises ``VaultError``; callers never fall back
to showing the token itself.
"""

import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.views.decorators.debug import sensitive_variables


class VaultError(Exception):
    """The vault cannot do what was asked: a bad key, or a secret no key opens."""


@functools.lru_cache(maxsize=4)
def _ciphers(keys):
    if not keys:
        raise VaultError("No credential keys are configured (CREDENTIAL_KEYS).")
    try:
        fernets = [Fernet(key.encode() if isinstance(key, str) else key) for key in keys]
    except (ValueError, TypeError) as error:
        raise VaultError(
            "A key in CREDENTIAL_KEYS is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from error
    return fernets[0], MultiFernet(fernets)


def _keys():
    return tuple(settings.CREDENTIAL_KEYS)


def check_keys(keys=None):
    """Raise ``VaultError`` unless every key is usable."""
    _ciphers(tuple(keys) if keys is not None else _keys())


@sensitive_variables()
def encrypt(payload):
    """Encrypt a dict of login details with the newest key; returns the token as text."""
    _, multi = _ciphers(_keys())
    data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return multi.encrypt(data).decode()


@sensitive_variables()
def decrypt(token):
    """The dict of login details in ``token``. Raises ``VaultError`` if no key opens it."""
    _, multi = _ciphers(_keys())
    try:
        data = multi.decrypt(token.encode())
    except (InvalidToken, AttributeError, TypeError):
        raise VaultError(
            "These login details cannot be decrypted with the configured keys."
        ) from None
    return json.loads(data)


def is_current(token):
    """Whether ``token`` is already encrypted with the newest key."""
    newest, _ = _ciphers(_keys())
    try:
        newest.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token):
    """The same secret encrypted with the newest key. Raises ``VaultError`` if unreadable."""
    _, multi = _ciphers(_keys())
    try:
        return multi.rotate(token.encode()).decode()
    except InvalidToken:
        raise VaultError(
            "These login details cannot be decrypted with the configured keys."
        ) from None
