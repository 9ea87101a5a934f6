from .notifications import Notification
from .organisation import OrganisationProfile
from .people import Membership, Team, User
from .records import AppendOnlyModel, TransitionRecord
from .reminders import ReminderSent

__all__ = [
    "AppendOnlyModel",
    "Membership",
    "Notification",
    "OrganisationProfile",
    "ReminderSent",
    "Team",
    "TransitionRecord",
    "User",
]
