from django.apps import AppConfig
from django.core import checks


class AccountsRequestsConfig(AppConfig):
    name = "accounts_requests"
    verbose_name = "Accounts and proposals"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the leaver rule

        checks.register(check_credential_keys, checks.Tags.security)


def check_credential_keys(app_configs, **kwargs):
    """Refuse to run with a credential key that cannot encrypt or decrypt."""
    from accounts_requests import vault

    try:
        vault.check_keys()
    except vault.VaultError as error:
        return [checks.Error(str(error), hint="Fix CREDENTIAL_KEYS.", id="accounts_requests.E001")]
    return []
