"""Sessions in the database, as Django keeps them, with whose each is, and honest
about an outage.

Each stored session carries its user's id (``portal.models.Session``), so a
deactivated person's sessions are ended with one indexed delete (``end_sessions``).

Django's database backend turns every database error while saving a session into
"the session was deleted", which the session middleware answers with 400 Bad Request. A
database that is restarting is not a deleted session: that error goes on as itself, so
the portal answers it with its 503 page (see portal/views/errors.py).
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        from portal.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session

    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise
