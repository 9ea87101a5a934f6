from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import (
    Concern,
    ConcernEvent,
    Document,
    DocumentVersion,
    Membership,
    Notification,
    OrganisationProfile,
    ReadConfirmation,
    ReminderSent,
    ResetRequest,
    Session,
    TableVersion,
    Team,
    TrainingRequest,
    TrainingRequestEvent,
    User,
)


class HistoryAdmin(SimpleHistoryAdmin):
    """A record's history in the admin, each row named without a query of its own.

    Each row of django-simple-history's page names the record as it was, built afresh from
    the row; a name that reads a related record (a notice names its account) then asked
    for it once per row, although the page had already read it with the rows.
    """

    def render_history_view(self, request, template, context, **kwargs):
        for record in context["page_obj"].object_list:
            shown = record.history_object
            for field in self.model._meta.concrete_fields:
                if field.is_relation and field.is_cached(record):
                    field.set_cached_value(shown, field.get_cached_value(record))
            record.history_object = shown
        return super().render_history_view(request, template, context, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records changed only through the portal's own pages and services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResetRequest)
class ResetRequestAdmin(ReadOnlyAdmin):
    """Password reset requests counted against the hourly limits, by a keyed hash of the
    address asked from: how many and when, for spotting a flood."""

    list_display = ["at", "kind", "key"]
    list_filter = ["kind"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    """Who is signed in, until when. The session key is the cookie that signs them in,
    so it is never shown: no link to a session, and no checkbox carrying its key."""

    list_display = ["user_id", "expire_date"]
    list_display_links = None
    actions = None
    ordering = ["-expire_date"]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Reminders", {"fields": ("wants_daily_digest",)}),
    )


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    list_display = ["name", "directorate", "is_communications", "is_active"]
    list_filter = ["is_communications", "is_active"]
    search_fields = ["name", "directorate"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team"]


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(HistoryAdmin):
    list_display = ["trust_name", "comms_email", "updated_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "urgent", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "urgent", "reminder"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(TableVersion)
class TableVersionAdmin(ReadOnlyAdmin):
    """Each table's count of committed changes, which tells kept pages to redraw
    (portal.freshness)."""

    list_display = ["name", "value"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    """The once-only ledger, for looking up what was sent; it is never edited."""

    list_display = [
        "rule",
        "stage",
        "object_id",
        "due_at",
        "sent_at",
        "recipient_count",
        "passed_to",
    ]
    list_filter = ["rule", "stage"]
    date_hierarchy = "sent_at"


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["document", "number", "title", "published_by", "published_at"]
    list_filter = ["document"]
    list_select_related = ["document", "published_by"]


@admin.register(TrainingRequest)
class TrainingRequestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "requested_by", "session_starts_at", "created_at"]
    list_filter = ["state"]
    list_select_related = ["team", "requested_by"]


@admin.register(Concern)
class ConcernAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "someone_at_risk", "created_at", "closed_at"]
    list_filter = ["state", "kind", "someone_at_risk"]
    exclude = ["what_worries", "link"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "has_draft", "draft_updated_by", "draft_updated_at"]
    list_select_related = ["draft_updated_by"]
    exclude = ["draft_body"]


@admin.register(ReadConfirmation)
class ReadConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["user", "version", "confirmed_at"]
    list_select_related = ["user", "version__document"]
    date_hierarchy = "confirmed_at"


@admin.register(TrainingRequestEvent)
class TrainingRequestEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "action", "actor", "at"]
    list_select_related = ["request__team", "actor"]


@admin.register(ConcernEvent)
class ConcernEventAdmin(ReadOnlyAdmin):
    list_display = ["concern", "action", "actor", "at"]
    list_select_related = ["concern", "actor"]
