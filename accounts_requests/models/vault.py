"""Lodged login details, encrypted, and the audit of every attempt to reveal them."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from portal.models import AppendOnlyModel
from portal.models.records import AppendOnlyQuerySet

from .setup import _scoped


class CredentialQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user)


class Credential(models.Model):
    """An account's current login details, stored only as a Fernet token.

    The token is never shown: not in the admin, not in history (excluded below), not in
    a template. ``accounts_requests.vault`` is the only code that opens it.
    """

    account = models.OneToOneField(
        "accounts_requests.ManagedAccount", on_delete=models.CASCADE, related_name="credential"
    )
    ciphertext = models.TextField(editable=False)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_at = models.DateTimeField()

    objects = CredentialQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["ciphertext"])

    class Meta:
        verbose_name = "lodged login details"
        verbose_name_plural = "lodged login details"

    def __str__(self):
        return f"Login details of account {self.account_id}"

    def __repr__(self):
        return f"<Credential account={self.account_id}>"


class CredentialRevealQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return _scoped(self, user)

    def successful(self):
        return self.filter(outcome=CredentialReveal.Outcome.REVEALED)


class CredentialReveal(AppendOnlyModel):
    """One attempt to see an account's login details: who, when, why, and what happened.

    Never holds the secret. Written once and kept.
    """

    class Outcome(models.TextChoices):
        REVEALED = "revealed", "Revealed"
        WRONG_PASSWORD = "wrong_password", "Refused: wrong password"
        THROTTLED = "throttled", "Refused: too many wrong passwords"
        UNREADABLE = "unreadable", "Failed: could not be decrypted"

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount", on_delete=models.PROTECT, related_name="reveals"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    reason = models.TextField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)

    objects = CredentialRevealQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "login details reveal"
        indexes = [
            models.Index(fields=["account", "-at"], name="reveal_account_idx"),
            models.Index(fields=["actor", "outcome", "at"], name="reveal_throttle_idx"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: account {self.account_id}, {self.at:%Y-%m-%d %H:%M}"
