"""What the home page shows about reminders: the ones coming to this person."""

from portal import rules
from portal.reminders import selectors


def panels(user):
    items = selectors.upcoming_for(user, limit=6)
    return [
        {
            "title": "Reminders coming up",
            "template": "portal/panels/reminders.html",
            "context": {"items": items, "sees_everything": rules.sees_everything(user)},
            "order": 30,
        }
    ]
