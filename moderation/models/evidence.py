import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts_requests.kpi.months import add_months
from portal.models import AppendOnlyModel


class EvidenceFile(models.Model):
    """A screenshot or document kept as evidence for an entry, stored privately.

    When its retention date passes the file, any copy and its history rows are removed;
    this row stays, with ``removed_at`` set, as the record that it existed.
    """

    class Kind(models.TextChoices):
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"
        PDF = "application/pdf", "PDF document"

    entry = models.ForeignKey(
        "moderation.Entry", on_delete=models.PROTECT, related_name="evidence"
    )
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    content_type = models.CharField(max_length=40, choices=Kind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "evidence file"
        indexes = [
            models.Index(
                fields=["entry"],
                condition=models.Q(removed_at__isnull=True),
                name="evidence_kept_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_content_type_display()} for entry {self.entry_id}"

    def get_absolute_url(self):
        return reverse("moderation:evidence", args=[self.pk])

    @property
    def extension(self):
        return {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}[
            self.content_type
        ]

    @property
    def download_name(self):
        return f"entry-{self.entry_id}-evidence-{self.pk}.{self.extension}"


class EvidenceDownload(AppendOnlyModel):
    """Who downloaded which evidence file, and when."""

    evidence = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user_id} downloaded evidence {self.evidence_id}"


def answer_due(received_on):
    """The last day to answer a request about a person's data that reached the trust on
    ``received_on``: a calendar month later (the last day of a shorter month when it has
    no such day), as the law allows."""
    return add_months(received_on, 1)


class AnswerDue(models.Func):
    """``answer_due`` worked out by the database, so that answers can be counted in time
    or late there rather than read out one by one. PostgreSQL adds a month as
    ``answer_due`` does; SQLite runs over into the month after, so there the last day of
    the next month is taken instead whenever the day of the month changes."""

    arity = 1
    output_field = models.DateField()

    def as_postgresql(self, compiler, connection, **extra_context):
        day, params = compiler.compile(self.source_expressions[0])
        return f"(({day}) + interval '1 month')::date", params

    def as_sqlite(self, compiler, connection, **extra_context):
        day, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"CASE WHEN strftime('%%d', {day}, '+1 month') = strftime('%%d', {day}) "
            f"THEN date({day}, '+1 month') "
            f"ELSE date({day}, 'start of month', '+2 months', '-1 day') END"
        )
        return sql, (*params, *params, *params, *params)


class AnsweredWithinAMonth:
    """Whether a request about a person's data (``received_on``) was answered (``at``)
    within the calendar month the law allows. Nothing is known when it was not given."""

    @property
    def answer_due(self):
        return answer_due(self.received_on) if self.received_on else None

    @property
    def days_taken(self):
        if self.received_on is None:
            return None
        return (timezone.localdate(self.at) - self.received_on).days

    @property
    def answered_in_time(self):
        if self.received_on is None:
            return None
        return timezone.localdate(self.at) <= self.answer_due


class ExportRecord(AnsweredWithinAMonth, AppendOnlyModel):
    """Who took a copy of moderation data out of the portal, and what they asked for."""

    class Kind(models.TextChoices):
        LOG_CSV = "log_csv", "Log export (CSV)"
        SUBJECT_ACCESS = "subject_access", "Subject access export"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=500, blank=True)
    commenter = models.ForeignKey(
        "moderation.Commenter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(
        "request received on",
        null=True,
        blank=True,
        help_text="For a subject access export, when the request reached the trust: the "
        "month the law allows for an answer runs from then. Not recorded before it was "
        "asked for.",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The information rights record's exports, newest first, and its year's count.
            models.Index(fields=["kind", "-at", "-id"], name="export_kind_newest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.user_id}"


class Erasure(AnsweredWithinAMonth, AppendOnlyModel):
    """A decision to remove what was held about a commenter before retention would (an
    erasure request or an objection upheld): who decided, when, why and how much went."""

    commenter = models.ForeignKey(
        "moderation.Commenter", on_delete=models.PROTECT, related_name="erasures"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(help_text="As given, with the commenter's handle taken out.")
    received_on = models.DateField(
        "request received on",
        help_text="When the erasure request or objection reached the trust: the month the "
        "law allows for an answer runs from then.",
    )
    entries = models.PositiveIntegerField("entries cleared")
    files = models.PositiveIntegerField("evidence files removed")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The information rights record's removals, newest first, and its year's count.
            models.Index(fields=["-at", "-id"], name="erasure_newest"),
        ]

    def __str__(self):
        return f"Details of commenter {self.commenter_id} removed by {self.user_id}"
