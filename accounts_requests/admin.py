from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts_requests.models import (
    AccountRequest,
    AccountRequestEvent,
    ManagedAccount,
    ManagedAccountEvent,
)


class ReadOnlyEventInline(admin.TabularInline):
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AccountRequestEventInline(ReadOnlyEventInline):
    model = AccountRequestEvent


class ManagedAccountEventInline(ReadOnlyEventInline):
    model = ManagedAccountEvent


@admin.register(AccountRequest)
class AccountRequestAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "team", "platform", "state", "reviewer", "state_changed_at"]
    list_filter = ["state", "platform", "team"]
    list_select_related = ["team", "reviewer"]
    search_fields = ["proposed_name", "proposed_handle", "team__name"]
    readonly_fields = ["state"]
    raw_id_fields = ["applicant", "reviewer", "endorsed_by", "decided_by"]
    inlines = [AccountRequestEventInline]


@admin.register(ManagedAccount)
class ManagedAccountAdmin(SimpleHistoryAdmin):
    list_display = ["name", "platform", "handle", "team", "state"]
    list_filter = ["state", "platform", "team"]
    list_select_related = ["team"]
    search_fields = ["name", "handle", "team__name"]
    readonly_fields = ["state"]
    raw_id_fields = ["source_request"]
    inlines = [ManagedAccountEventInline]


@admin.register(AccountRequestEvent)
class AccountRequestEventAdmin(admin.ModelAdmin):
    list_display = ["request", "action", "actor", "at"]
    list_select_related = ["request", "actor"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ManagedAccountEvent)
class ManagedAccountEventAdmin(AccountRequestEventAdmin):
    list_display = ["account", "action", "actor", "at"]
    list_select_related = ["account", "actor"]


# KPI figures, reviews and closure register their read-only admin views here.
from accounts_requests.kpi import admin as kpi_admin  # noqa: E402, F401
