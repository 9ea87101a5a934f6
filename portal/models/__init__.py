from .notifications import Notification
from .organisation import OrganisationProfile
from .people import Membership, Team, User
from .records import AppendOnlyModel, TransitionRecord

__all__ = [
    "AppendOnlyModel",
    "Membership",
    "Notification",
    "OrganisationProfile",
    "Team",
    "TransitionRecord",
    "User",
]
