"""The portal's answer when a request fails on the server.

A database that is restarting or unreachable is not a bug in the portal: the request is
answered with a short 503 page and ``Retry-After``, so people and clients know to try
again in a moment. Every other failure gets the ordinary 500 page. Neither page touches
the database, and neither shows what went wrong inside.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

log = logging.getLogger(__name__)

# Seconds a client is asked to wait: about as long as a database restart takes.
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


class ServiceUnavailable(HttpResponseServerError):
    status_code = 503


def database_unavailable():
    """The 503 page, rendered without the request so no context processor asks the DB."""
    response = ServiceUnavailable(loader.get_template("503.html").render())
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    # Django calls this inside the ``except`` that caught the error, wherever it was
    # raised: a view, a template, or middleware such as the session's save.
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        log.warning("Database unavailable; answered 503: %s", type(error).__name__)
        return database_unavailable()
    return defaults.server_error(request, template_name)


def csrf_failure(request, reason=""):
    """A form sent with a token its session no longer holds: most often one opened before
    its author signed out, or signed in again in another tab, which gives a new token.
    Django's own page speaks of "CSRF verification" and is unstyled under the portal's
    content policy; this one says what happened, that nothing was saved, and how to send
    the form again without losing what was typed."""
    response = render(request, "403_csrf.html", status=403)
    response["Cache-Control"] = "no-store"
    return response
