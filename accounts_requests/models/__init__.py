from .account import ManagedAccount, ManagedAccountEvent
from .closure import AccountClosure, ClosureStep
from .kpi import FiguresImport, HealthRules, MonthlyFigures
from .platform import Platform
from .proposal import AccountRequest, AccountRequestEvent
from .review import AccountReminder, AccountReview, ReviewResponse

__all__ = [
    "AccountClosure",
    "AccountReminder",
    "AccountRequest",
    "AccountRequestEvent",
    "AccountReview",
    "ClosureStep",
    "FiguresImport",
    "HealthRules",
    "ManagedAccount",
    "ManagedAccountEvent",
    "MonthlyFigures",
    "Platform",
    "ReviewResponse",
]
