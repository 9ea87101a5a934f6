"""Domain errors a view turns into a message: 400 bad input, 403 refused, 409 conflict.

The same shape as the proposal workflow's errors, kept here because the site app may not
depend on the apps built on it.
"""


class ActionError(Exception):
    status = 400

    def __init__(self, message, *, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ActionRefused(ActionError):
    """The user may not do this."""

    status = 403


class ActionConflict(ActionError):
    """The record has moved on since the page was loaded, or someone else got there first."""

    status = 409
