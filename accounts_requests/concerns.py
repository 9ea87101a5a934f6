"""What the account register offers on a staff member's report of a concern.

A report that one of the trust's own accounts may have been hacked reached comms at once;
the way to act on it is a notice of a suspected compromise on that account, which
suspends it, takes it off the public register and opens a security incident
(``services_notices``). The portal's concern page offers the button through
``settings.CONCERN_ACTIONS`` (``actions`` below): to the account the report's link is on,
or to the register when the link names none of them.

``account_for_link`` also serves the moderation log, which fills in an entry's account
from a report of a post or a comment, and ``link_is_on`` tells it whether a post's link
is on the trust's own page.
"""

from urllib.parse import urlsplit

from django.urls import reverse

from accounts_requests import rules
from accounts_requests.models import CredentialChangeNotice, ManagedAccount
from portal import rules as portal_rules
from portal.models import Concern


def _address(url):
    """host/path, lower case, without scheme, www. or a trailing slash, for comparing."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    return f"{host}{parts.path.rstrip('/').lower()}"


def link_is_on(link, account_url):
    """Whether ``link`` is on the page at ``account_url`` (the same address, or below it)."""
    own = _address(account_url)
    address = _address(link)
    return bool(own) and (address == own or address.startswith(own + "/"))


def account_for_link(link, user):
    """The id of the trust's account the link is on (see ``_account_on``)."""
    account = _account_on(link, user)
    return account.pk if account is not None else None


def _account_on(link, user):
    """The trust's account the link is on, when its address starts with the account's
    own; None when none matches or more than one does."""
    address = _address(link)
    host = address.split("/", 1)[0]
    if not host:
        return None
    candidates = (
        ManagedAccount.objects.visible_to(user)
        .exclude(state=ManagedAccount.State.CLOSED)
        .exclude(url="")
        .filter(url__icontains=host)
        .only("pk", "url", "name", "state", "team_id")
    )
    matches = [account for account in candidates if link_is_on(link, account.url)]
    return matches[0] if len(matches) == 1 else None


def actions(concern, user):
    """The concern page's button, for comms, on an open report of a hacked account."""
    if (
        concern.kind != Concern.Kind.COMPROMISED
        or not concern.is_open
        or concern.redacted_at
        or not portal_rules.can_triage_concern(concern, user)
    ):
        return []
    account = _account_on(concern.link, user)
    if account is None:
        return [
            {
                "label": "Find the account in the register to suspend it",
                "url": reverse("accounts_requests:account_list"),
            }
        ]
    if not rules.can_report_compromise(account, user):
        return []
    url = reverse("accounts_requests:notice_create", args=[account.pk])
    return [
        {
            "label": f"Suspend {account.name}: report a suspected compromise",
            "url": f"{url}?reason={CredentialChangeNotice.Reason.COMPROMISE.value}",
        }
    ]
