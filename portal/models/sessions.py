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
