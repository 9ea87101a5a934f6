from django.urls import path

from moderation.views import entries, log, people, reports, rights, taxonomy

app_name = "moderation"

urlpatterns = [
    path("community-guidelines/", taxonomy.community_guidelines, name="guidelines"),
    path("moderation/", log.entry_log, name="log"),
    path("moderation/find-author/", log.find_author, name="find_author"),
    path("moderation/export.csv", log.entry_export, name="export"),
    path("moderation/detect/", log.detect, name="detect"),
    path("moderation/new/", entries.entry_create, name="create"),
    path("moderation/<int:pk>/", entries.entry_detail, name="detail"),
    path("moderation/<int:pk>/edit/", entries.entry_edit, name="edit"),
    path("moderation/<int:pk>/reconsider/", entries.entry_reconsider, name="reconsider"),
    path("moderation/<int:pk>/legal-hold/", entries.entry_legal_hold, name="legal_hold"),
    path(
        "moderation/<int:pk>/safeguarding/",
        entries.entry_safeguarding_take_on,
        name="safeguarding_take_on",
    ),
    path(
        "moderation/<int:pk>/legal-hold/keep/",
        entries.entry_keep_legal_hold,
        name="legal_hold_keep",
    ),
    path("moderation/evidence/<int:pk>/", entries.evidence_download, name="evidence"),
    path("moderation/people/", people.repeat_offenders, name="repeat_offenders"),
    path("moderation/people/<int:pk>/", people.commenter_detail, name="commenter"),
    path("moderation/people/<int:pk>/export/", people.commenter_export, name="commenter_export"),
    path("moderation/people/<int:pk>/remove/", people.commenter_erase, name="commenter_erase"),
    path("moderation/people/<int:pk>/plan/", people.plan_create, name="plan_create"),
    path("moderation/plans/<int:pk>/", people.plan_detail, name="plan"),
    path(
        "moderation/people/<int:pk>/request/", rights.rights_request_log, name="rights_request_log"
    ),
    path("moderation/information-rights/", rights.rights, name="rights"),
    path("moderation/information-rights/requests.csv", rights.rights_export, name="rights_export"),
    path(
        "moderation/information-rights/<int:pk>/",
        rights.rights_request,
        name="rights_request",
    ),
    path(
        "moderation/information-rights/<int:pk>/correct/",
        rights.rights_request_correct,
        name="rights_request_correct",
    ),
    path(
        "moderation/information-rights/<int:pk>/close/",
        rights.rights_request_close,
        name="rights_request_close",
    ),
    path("moderation/reports/", reports.report, name="report"),
    path("moderation/categories/", taxonomy.category_list, name="categories"),
    path("moderation/categories/new/", taxonomy.category_create, name="category_create"),
    path("moderation/categories/<int:pk>/edit/", taxonomy.category_edit, name="category_edit"),
    path(
        "moderation/categories/<int:pk>/retire/", taxonomy.category_retire, name="category_retire"
    ),
]
