"""Read-only admin views of KPI figures, imports, reviews and closures, for support staff.

Every change goes through the portal's own pages and services, so these are for looking.
"""

from django.contrib import admin

from accounts_requests.models import (
    AccountClosure,
    AccountReview,
    ClosureStep,
    FiguresImport,
    FiguresSummary,
    HealthRules,
    MonthlyFigures,
    ReviewResponse,
)
from portal.admin import HistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonthlyFigures)
class MonthlyFiguresAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["account", "month", "followers", "posts", "engagements", "impressions"]
    list_filter = ["source", "month"]
    list_select_related = ["account"]
    search_fields = ["account__name", "account__handle"]
    date_hierarchy = "month"


@admin.register(HealthRules)
class HealthRulesAdmin(ReadOnlyAdmin, HistoryAdmin):
    list_display = ["below_target_months", "dormant_days", "missing_months", "updated_at"]


@admin.register(FiguresImport)
class FiguresImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "account", "created_by", "created_at", "status"]
    list_filter = ["status"]
    list_select_related = ["account", "created_by"]
    exclude = ["pending_text"]


class ReviewResponseInline(admin.TabularInline):
    model = ReviewResponse
    extra = 0
    can_delete = False
    fields = ["at", "author", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccountReview)
class AccountReviewAdmin(ReadOnlyAdmin):
    list_display = ["account", "kind", "started_at", "outcome", "decided_at"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["account"]
    inlines = [ReviewResponseInline]


class ClosureStepInline(admin.TabularInline):
    model = ClosureStep
    extra = 0
    can_delete = False
    fields = ["step", "outcome", "detail", "done_by", "done_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccountClosure)
class AccountClosureAdmin(ReadOnlyAdmin):
    list_display = ["account", "reason", "proposed_at", "signed_off_at", "cancelled_at"]
    list_filter = ["reason"]
    list_select_related = ["account"]
    inlines = [ClosureStepInline]


@admin.register(FiguresSummary)
class FiguresSummaryAdmin(ReadOnlyAdmin):
    list_display = ["account", "latest_month", "latest_rate", "below_run", "refreshed_at"]
    list_select_related = ["account"]
