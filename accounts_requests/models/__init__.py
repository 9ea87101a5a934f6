from .account import ManagedAccount, ManagedAccountEvent
from .closure import AccountClosure, ClosureStep
from .kpi import FiguresImport, FiguresSummary, HealthRules, MonthlyFigures
from .notices import CredentialChangeNotice, RotationTask, SecurityIncident
from .platform import Platform
from .proposal import AccountRequest, AccountRequestEvent
from .review import AccountReview, ReviewResponse
from .setup import AccountModerator, AccountSetup
from .vault import Credential, CredentialReveal

__all__ = [
    "AccountClosure",
    "AccountModerator",
    "AccountRequest",
    "AccountRequestEvent",
    "AccountReview",
    "AccountSetup",
    "ClosureStep",
    "Credential",
    "CredentialChangeNotice",
    "CredentialReveal",
    "FiguresImport",
    "FiguresSummary",
    "HealthRules",
    "ManagedAccount",
    "ManagedAccountEvent",
    "MonthlyFigures",
    "Platform",
    "ReviewResponse",
    "RotationTask",
    "SecurityIncident",
]
