"""Sessions in the database, as Django keeps them, with whose each is, and honest
about an outage.

Each stored session carries its user's id (``portal.models.Session``), so a
deactivated person's sessions are ended with one indexed delete (``end_sessions``).

Django's database backend turns every database error while saving a session into
"the session was deleted", which the session middleware answers with 400 Bad Request. A
database that is restarting is not a deleted session: that error goes on as itself, so
the portal answers it with its 503 page (see portal/views/errors.py).

A signed-in session ends after ``SESSION_COOKIE_AGE`` seconds without a request. The
limit is moved on by ``RenewIdleSessionMiddleware`` at most once every
``SESSION_RENEW_SECONDS``, not on every request: a page then costs no session write,
and a session lasts between the limit and the limit plus that interval after its last
request.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError

# Where a session records when its idle limit was last moved on (seconds since the epoch).
RENEWED_KEY = "_renewed_at"
# Each signed-in response says how long its session has left, so a page's script hears of
# the limit moving on with requests it makes itself (htmx), not only with page loads.
ENDS_IN_HEADER = "X-Session-Ends-In"


def seconds_left(session):
    """How long a signed-in session has before its idle limit, as last moved on."""
    renewed = session.get(RENEWED_KEY)
    if not isinstance(renewed, int):
        return settings.SESSION_COOKIE_AGE
    return max(0, renewed + settings.SESSION_COOKIE_AGE - int(time.time()))


def renew(session):
    """Move the idle limit on now, whenever it was last moved."""
    session[RENEWED_KEY] = int(time.time())


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


class RenewIdleSessionMiddleware:
    """Move a signed-in session's idle limit on when the last move is over
    ``SESSION_RENEW_SECONDS`` old. Changing the session makes the session middleware save
    it, with a new expiry and a fresh cookie. A visitor who has not signed in gets no
    session from this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            renewed = session.get(RENEWED_KEY)
            if not isinstance(renewed, int) or not (
                0 <= now - renewed < settings.SESSION_RENEW_SECONDS
            ):
                renew(session)
        response = self.get_response(request)
        # After the view: signing out leaves no session to speak of.
        if SESSION_KEY in session:
            response.headers.setdefault(ENDS_IN_HEADER, str(seconds_left(session)))
        return response
