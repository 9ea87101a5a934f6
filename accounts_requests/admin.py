from django.contrib import admin

from accounts_requests.models import (
    AccountRequest,
    AccountRequestEvent,
    ManagedAccount,
    ManagedAccountEvent,
)
from portal.admin import HistoryAdmin


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
class AccountRequestAdmin(HistoryAdmin):
    list_display = ["__str__", "team", "platform", "state", "reviewer", "state_changed_at"]
    list_filter = ["state", "platform", "team"]
    list_select_related = ["team", "reviewer"]
    search_fields = ["proposed_name", "proposed_handle", "team__name"]
    readonly_fields = ["state"]
    raw_id_fields = ["applicant", "reviewer", "endorsed_by", "decided_by"]
    inlines = [AccountRequestEventInline]


@admin.register(ManagedAccount)
class ManagedAccountAdmin(HistoryAdmin):
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


# Set-up and security. The ciphertext of lodged login details is never shown or edited
# here; reveals and notices are records, read-only.
from accounts_requests.models import (  # noqa: E402
    AccountModerator,
    AccountSetup,
    Credential,
    CredentialChangeNotice,
    CredentialReveal,
    RotationTask,
    SecurityIncident,
)


class ReadOnlyAdmin(HistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ["account", "lodged_by", "lodged_at"]
    list_select_related = ["account", "lodged_by"]
    fields = ["account", "lodged_by", "lodged_at"]
    readonly_fields = fields
    exclude = ["ciphertext"]


@admin.register(CredentialReveal)
class CredentialRevealAdmin(admin.ModelAdmin):
    list_display = ["at", "account", "actor", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["account", "actor"]
    fields = ["at", "account", "actor", "outcome", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CredentialChangeNotice)
class CredentialChangeNoticeAdmin(ReadOnlyAdmin):
    list_display = ["account", "what_changed", "reason", "reported_at", "is_late", "state"]
    list_filter = ["state", "reason", "what_changed", "is_late"]
    list_select_related = ["account"]


@admin.register(SecurityIncident)
class SecurityIncidentAdmin(ReadOnlyAdmin):
    list_display = ["account", "opened_at", "opened_by", "resolved_at", "resolved_by"]
    list_select_related = ["account", "opened_by", "resolved_by"]


@admin.register(RotationTask)
class RotationTaskAdmin(ReadOnlyAdmin):
    list_display = ["account", "departed_user", "reason", "raised_at", "closed_at"]
    list_select_related = ["account", "departed_user"]


@admin.register(AccountModerator)
class AccountModeratorAdmin(HistoryAdmin):
    list_display = ["user", "account", "role", "added_at"]
    list_select_related = ["user", "account"]
    raw_id_fields = ["account", "user", "added_by"]


@admin.register(AccountSetup)
class AccountSetupAdmin(HistoryAdmin):
    list_display = ["account", "comms_admin_confirmed_at", "verified_badge"]
    list_select_related = ["account"]
    raw_id_fields = ["account", "comms_admin_confirmed_by", "badge_confirmed_by"]


# KPI figures, reviews and closure register their read-only admin views here.
from accounts_requests.kpi import admin as kpi_admin  # noqa: E402, F401
