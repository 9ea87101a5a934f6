from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import (
    Membership,
    Notification,
    OrganisationProfile,
    ReminderSent,
    Team,
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
    list_filter = ["kind", "urgent", "reminder"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """The once-only ledger, for looking up what was sent; it is never edited."""

    list_display = ["rule", "stage", "object_id", "due_at", "sent_at", "recipient_count"]
    list_filter = ["rule", "stage"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
