"""Sessions in the database, as Django keeps them, but honest about an outage.

Django's database backend turns every database error while saving a session into
"the session was deleted", which the session middleware answers with 400 Bad Request. A
database that is restarting is not a deleted session: that error goes on as itself, so
the portal answers it with its 503 page (see portal/views/errors.py).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from None
            raise
