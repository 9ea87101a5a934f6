from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import (
    Concern,
    DocumentVersion,
    Membership,
    Notification,
    OrganisationProfile,
    Team,
    TrainingRequest,
    User,
)


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
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "directorate", "is_communications", "is_active"]
    list_filter = ["is_communications", "is_active"]
    search_fields = ["name", "directorate"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team"]


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(SimpleHistoryAdmin):
    list_display = ["trust_name", "comms_email", "updated_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "urgent", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "urgent"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records changed only through the portal's own pages and services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
