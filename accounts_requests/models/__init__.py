from .account import ManagedAccount, ManagedAccountEvent
from .notices import CredentialChangeNotice, RotationTask, SecurityIncident
from .platform import Platform
from .proposal import AccountRequest, AccountRequestEvent
from .setup import AccountModerator, AccountSetup
from .vault import Credential, CredentialReveal

__all__ = [
    "AccountModerator",
    "AccountRequest",
    "AccountRequestEvent",
    "AccountSetup",
    "Credential",
    "CredentialChangeNotice",
    "CredentialReveal",
    "ManagedAccount",
    "ManagedAccountEvent",
    "Platform",
    "RotationTask",
    "SecurityIncident",
]
