"""Every change the site app makes goes through a service here.

Each service checks who is asking, locks what it changes, records what happened and
writes its notifications in the same transaction; e-mails leave after the commit.
"""

from .errors import ActionConflict, ActionError, ActionRefused

__all__ = ["ActionConflict", "ActionError", "ActionRefused"]
