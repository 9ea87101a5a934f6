"""The Django admin shows the moderation log read-only: changes go through the portal."""

from django.contrib import admin

from moderation.models import (
    Category,
    Commenter,
    Entry,
    EntryAction,
    EntryCategory,
    EntryEvent,
    Erasure,
    EvidenceDownload,
    EvidenceFile,
    ExportRecord,
    ManagementPlan,
    MonthlyCount,
    PlanStep,
    RightsRequest,
)
from portal.admin import HistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(HistoryAdmin):
    list_display = ["name", "slug", "sources", "retired_at", "order"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ["pk", "occurred_at", "account", "platform", "safeguarding", "moderator"]
    list_filter = ["platform", "safeguarding"]
    list_select_related = ["account", "moderator"]
    show_full_result_count = False


@admin.register(Commenter)
class CommenterAdmin(ReadOnlyAdmin):
    list_display = ["handle", "platform", "first_seen_at", "repeat_offender_since"]
    show_full_result_count = False


@admin.register(EvidenceDownload)
class EvidenceDownloadAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "user", "at"]
    list_select_related = ["evidence", "user"]


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    list_display = ["kind", "user", "at", "received_on", "detail"]
    list_select_related = ["user"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["at", "received_on", "user", "commenter", "entries", "files"]
    list_select_related = ["user", "commenter"]


@admin.register(EntryCategory)
class EntryCategoryAdmin(ReadOnlyAdmin):
    list_display = ["entry", "category"]
    list_select_related = ["category"]
    show_full_result_count = False


@admin.register(EntryAction)
class EntryActionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "action"]
    show_full_result_count = False


@admin.register(EntryEvent)
class EntryEventAdmin(ReadOnlyAdmin):
    list_display = ["entry", "action", "actor", "at"]
    list_select_related = ["actor"]
    show_full_result_count = False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ["pk", "entry", "content_type", "size", "uploaded_at", "removed_at"]


@admin.register(ManagementPlan)
class ManagementPlanAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ["pk", "commenter", "owner", "review_on", "status"]
    list_select_related = ["commenter", "owner"]


@admin.register(PlanStep)
class PlanStepAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ["plan", "position", "description", "done_at"]


@admin.register(RightsRequest)
class RightsRequestAdmin(HistoryAdmin, ReadOnlyAdmin):
    list_display = ["pk", "kind", "received_on", "due_on", "status", "closure", "commenter"]
    list_filter = ["status", "kind"]
    list_select_related = ["commenter"]


@admin.register(MonthlyCount)
class MonthlyCountAdmin(ReadOnlyAdmin):
    list_display = ["month", "account_id", "dimension", "value", "safeguarding", "n"]
    list_filter = ["dimension", "safeguarding"]
    show_full_result_count = False
