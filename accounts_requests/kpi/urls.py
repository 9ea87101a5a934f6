"""Routes for KPI figures, reviews and closure, in the accounts_requests namespace."""

from django.urls import path

from accounts_requests.kpi import review_views, views

urlpatterns = [
    path("accounts/performance/", views.kpi_overview, name="kpi_overview"),
    path("accounts/performance/rules/", views.health_rules, name="health_rules"),
    path("accounts/performance/import/", views.figures_import_all, name="figures_import_all"),
    path(
        "accounts/performance/import/template.csv",
        views.figures_template_all,
        name="figures_template_all",
    ),
    path("accounts/figure-imports/<int:pk>/", views.import_status, name="import_status"),
    path("accounts/<int:pk>/figures/", views.figures, name="figures"),
    path("accounts/<int:pk>/figures/import/", views.figures_import, name="figures_import"),
    path(
        "accounts/<int:pk>/figures/template.csv",
        views.figures_template,
        name="figures_template",
    ),
    path("accounts/<int:pk>/targets/", views.targets, name="targets"),
    path("accounts/<int:pk>/reviews/start/", review_views.review_start, name="review_start"),
    path("accounts/<int:pk>/closure/", review_views.closure_propose, name="closure_propose"),
    path("accounts/reviews/<int:pk>/", review_views.review_detail, name="review_detail"),
    path(
        "accounts/reviews/<int:pk>/decide/<slug:outcome>/",
        review_views.review_decide,
        name="review_decide",
    ),
    path("accounts/reviews/<int:pk>/respond/", review_views.review_respond, name="review_respond"),
    path("accounts/closures/<int:pk>/", review_views.closure_detail, name="closure_detail"),
    path(
        "accounts/closures/<int:pk>/steps/<slug:step>/",
        review_views.closure_step,
        name="closure_step",
    ),
    path(
        "accounts/closures/<int:pk>/sign-off/",
        review_views.closure_sign_off,
        name="closure_sign_off",
    ),
    path("accounts/closures/<int:pk>/cancel/", review_views.closure_cancel, name="closure_cancel"),
]
