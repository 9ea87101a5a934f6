from django.urls import path

from accounts_requests import views
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
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
]

# KPI figures, reviews and closure keep their routes in their own module.
urlpatterns += kpi_urls.urlpatterns
