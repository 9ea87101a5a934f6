"""Extra sections other parts of the portal add to a managed account's page.

``settings.ACCOUNT_PAGE_PANELS`` lists dotted paths to functions ``panel(account, user)``
returning None (nothing for this user) or ``{"title", "template", "context"}``. They are
shown, in that order, after the account's own sections.
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
