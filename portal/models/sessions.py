from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    """A signed-in session as Django keeps it, with whose it is beside it.

    Django's own table holds only the encoded data, so finding one person's sessions
    meant decoding every live session. The user's id is written with each save (see
    ``portal.sessions.SessionStore``), so ending someone's sessions is one indexed delete.
    """

    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "portal_session"

    @classmethod
    def get_session_store_class(cls):
        from portal.sessions import SessionStore

        return SessionStore


class ResetRequest(models.Model):
    """One request for a password reset link, counted against the hourly limits.

    Kept in the database so that every web process counts the same requests, and only
    for the hour they count: ``key`` is a keyed hash of the e-mail address or network
    address asked from, never the address itself.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail address"
        ADDRESS = "address", "Network address"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"], name="reset_request_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} reset request at {self.at}"
