"""Form fields other apps use to choose a managed account."""

from accounts_requests.models import Platform
from portal.fields import QuickModelChoiceField

# Looked up once: the enum's own lookups cost more than everything else in a long list.
PLATFORM_LABELS = dict(Platform.choices)


def account_label(name, platform):
    """An account as every list names it: name (platform)."""
    label = PLATFORM_LABELS.get(platform)
    return f"{name} ({label})" if label else name


def account_choice_field(**kwargs):
    """A choice among managed accounts, listed from plain values so long lists stay quick."""
    return QuickModelChoiceField(
        label_fields=("name", "platform"), label_from_values=account_label, **kwargs
    )
