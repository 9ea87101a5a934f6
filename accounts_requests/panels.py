"""Panels other apps add to an account's page (``settings.ACCOUNT_PAGE_PANELS``).

Each entry is the dotted path of a function ``panel(account, user)`` that returns None
(nothing to show this user) or ``{"title", "template", "context"}``. The moderation log adds
its counts this way, so this app never imports it.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def account_panels(account, user):
    panels = []
    for path in settings.ACCOUNT_PAGE_PANELS:
        panel = import_string(path)(account, user)
        if panel:
            panels.append(panel)
    return panels
