"""The moderation panel on an account's page (see settings.ACCOUNT_PAGE_PANELS)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from moderation import rules, selectors


def account_panel(account, user):
    """Moderation on this account over the last 12 months, for people who read the log."""
    if not rules.can_read_log(user):
        return None
    since = timezone.now() - datetime.timedelta(days=365)
    counts = selectors.account_counts(user, account, since=since)
    return {
        "title": "Moderation in the last 12 months",
        "template": "moderation/panels/account.html",
        "context": {
            **counts,
            "log_url": f"{reverse('moderation:log')}?account={account.pk}",
        },
    }
