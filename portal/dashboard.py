"""What the home page shows from the site app: concerns and training for comms, readership
for those who follow it, each person's own reports and sessions, and the reminders coming
to them."""

from portal import rules, selectors
from portal.models import Concern, Document
from portal.reminders import selectors as reminder_selectors


def panels(user):
    found = []
    if rules.can_see_concern_queue(user):
        found.append(
            {
                "title": "Concerns reported by staff",
                "template": "portal/panels/concerns.html",
                "context": {"counts": selectors.concern_counts()},
                "order": 5,
            }
        )
    if rules.is_comms(user):
        found.append(
            {
                "title": "Training requests",
                "template": "portal/panels/training.html",
                "context": {
                    "counts": selectors.training_counts(),
                    "upcoming": list(selectors.upcoming_sessions(user, 3)),
                },
                "order": 30,
            }
        )
    else:
        upcoming = list(selectors.upcoming_sessions(user, 3))
        if upcoming:
            found.append(
                {
                    "title": "Training sessions coming up",
                    "template": "portal/panels/sessions.html",
                    "context": {"upcoming": upcoming},
                    "order": 30,
                }
            )
    if rules.can_see_readership(user):
        version = selectors.current_version(Document.Kind.PLAYBOOK)
        if version is not None:
            totals = selectors.readership_totals(version)
            total = totals["member_count"]
            totals["percent"] = round(100 * totals["confirmed_count"] / total) if total else 0
            found.append(
                {
                    "title": "Who has read the playbook",
                    "template": "portal/panels/readership.html",
                    "context": {"version": version, "totals": totals},
                    "order": 40,
                }
            )
    if not rules.can_see_concern_queue(user):
        mine = list(
            Concern.objects.visible_to(user)
            .open()
            .filter(reported_by=user)
            .order_by("-created_at")[:5]
        )
        if mine:
            found.append(
                {
                    "title": "Your reports",
                    "template": "portal/panels/my_concerns.html",
                    "context": {"concerns": mine},
                    "order": 50,
                }
            )
    return found


def reminder_panels(user):
    """The reminders coming to the user. A panel of its own for keeping: it reads the
    records of every rule, so it is drawn again after most changes (portal.views.home)."""
    return [
        {
            "title": "Reminders coming up",
            "template": "portal/panels/reminders.html",
            "context": {
                "items": reminder_selectors.upcoming_for(user, limit=6),
                "sees_everything": rules.sees_everything(user),
            },
            "order": 30,
        }
    ]
