from .account import ManagedAccount, ManagedAccountEvent
from .platform import Platform
from .proposal import AccountRequest, AccountRequestEvent

__all__ = [
    "AccountRequest",
    "AccountRequestEvent",
    "ManagedAccount",
    "ManagedAccountEvent",
    "Platform",
]
