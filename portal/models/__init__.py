from .changes import TableVersion
from .concerns import Concern, ConcernEvent, SafeguardingOutcome, SafeguardingTakenOn
from .content import Document, DocumentVersion, ReadConfirmation
from .notifications import Notification
from .organisation import OrganisationProfile
from .people import SIGN_IN_STATUS_QUERIES, Membership, SignInStatus, Team, User
from .records import AppendOnlyModel, TransitionRecord
from .reminders import ReminderSent
from .sessions import ResetRequest, Session
from .training import TrainingRequest, TrainingRequestEvent

__all__ = [
    "SIGN_IN_STATUS_QUERIES",
    "AppendOnlyModel",
    "Concern",
    "ConcernEvent",
    "Document",
    "DocumentVersion",
    "Membership",
    "Notification",
    "OrganisationProfile",
    "ReadConfirmation",
    "ReminderSent",
    "ResetRequest",
    "SafeguardingOutcome",
    "SafeguardingTakenOn",
    "Session",
    "SignInStatus",
    "TableVersion",
    "Team",
    "TrainingRequest",
    "TrainingRequestEvent",
    "TransitionRecord",
    "User",
]
