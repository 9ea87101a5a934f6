"""What the home page shows about the moderation log."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from moderation import rules, selectors
from moderation.models import AuthorTold


def panels(user):
    if not rules.can_read_log(user):
        return []
    # The last 7 days are today and the six before it, read by the log's own date filter,
    # so that the log the panel links to lists what the panel counts.
    first_day = timezone.localdate() - datetime.timedelta(days=6)
    recent = selectors.filtered(user, {"date_from": first_day})
    full = rules.can_read_everything(user)
    return [
        {
            "title": "Moderation log",
            "template": "moderation/panels/dashboard.html",
            "context": {
                # The week's entries, its safeguarding concerns and the authors still to
                # be told why, in one query.
                **recent.order_by().aggregate(
                    week=Count("pk"),
                    safeguarding=Count("pk", filter=Q(safeguarding=True)),
                    not_told=Count("pk", filter=Q(author_told=AuthorTold.NOT_YET)),
                ),
                "not_told_url": (
                    f"{reverse('moderation:log')}?author_told={AuthorTold.NOT_YET}"
                    f"&date_from={first_day.isoformat()}"
                ),
                "repeat": selectors.repeat_offender_count() if full else None,
                "plans_due": selectors.open_plans_due().count() if full else 0,
                "rights": selectors.rights_waiting() if full else None,
                "today": timezone.localdate(),
            },
            "order": 30,
        }
    ]
