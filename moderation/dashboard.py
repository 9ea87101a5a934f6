"""What the home page shows about the moderation log."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from moderation import rules, selectors
from moderation.models import Entry


def panels(user):
    if not rules.can_read_log(user):
        return []
    since = timezone.now() - datetime.timedelta(days=7)
    recent = Entry.objects.visible_to(user).filter(occurred_at__gte=since)
    full = rules.can_read_everything(user)
    return [
        {
            "title": "Moderation log",
            "template": "moderation/panels/dashboard.html",
            "context": {
                # The week's entries and its safeguarding concerns, in one query.
                **recent.order_by().aggregate(
                    week=Count("pk"), safeguarding=Count("pk", filter=Q(safeguarding=True))
                ),
                "repeat": selectors.repeat_offender_count() if full else None,
                "plans_due": selectors.open_plans_due().count() if full else 0,
                "rights": selectors.rights_waiting() if full else None,
                "today": timezone.localdate(),
            },
            "order": 30,
        }
    ]
