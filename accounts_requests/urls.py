from django.urls import path

from accounts_requests import views, views_accounts, views_notices, views_vault
from accounts_requests.kpi import urls as kpi_urls

app_name = "accounts_requests"

urlpatterns = [
    path("proposals/", views.proposal_list, name="list"),
    path("proposals/queue/", views.proposal_queue, name="queue"),
    path("proposals/new/", views.proposal_create, name="create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/approve/", views.proposal_approve, name="approve"),
    path("proposals/<int:pk>/<slug:action>/", views.proposal_action, name="action"),
    # Set-up and security: the register, an account's set-up, the vault and notices.
    path("accounts/", views_accounts.account_list, name="account_list"),
    path("accounts/new/", views_accounts.account_create, name="account_create"),
    path("accounts/export/", views_accounts.account_export, name="account_export"),
    path("accounts/<int:pk>/", views_accounts.account_detail, name="account_detail"),
    path("accounts/<int:pk>/setup/", views_accounts.account_setup, name="account_setup"),
    path("accounts/<int:pk>/moderators/", views_accounts.moderator_add, name="moderator_add"),
    path(
        "accounts/<int:pk>/moderators/<int:moderator_pk>/remove/",
        views_accounts.moderator_remove,
        name="moderator_remove",
    ),
    path("accounts/<int:pk>/verify/", views_accounts.account_verify, name="account_verify"),
    path("accounts/<int:pk>/resolve/", views_accounts.incident_resolve, name="incident_resolve"),
    path("accounts/<int:pk>/login-details/", views_vault.credentials_lodge, name="credentials"),
    path("accounts/<int:pk>/reveal/", views_vault.credentials_reveal, name="reveal"),
    path("accounts/<int:pk>/notices/new/", views_notices.notice_create, name="notice_create"),
    path(
        "notices/<int:pk>/acknowledge/",
        views_notices.notice_acknowledge,
        name="notice_acknowledge",
    ),
    path("official-accounts/", views_accounts.public_register, name="public_register"),
]

# KPI figures, reviews and closure keep their routes in their own module.
urlpatterns += kpi_urls.urlpatterns
