from django.apps import AppConfig


class AccountsRequestsConfig(AppConfig):
    name = "accounts_requests"
    verbose_name = "Accounts and proposals"
