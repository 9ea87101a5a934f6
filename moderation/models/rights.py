from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal.models.concerns import INCIDENT_REFERENCE

from .evidence import answer_due

# An information governance case number, of the same shape as an incident number: a
# digit at least, and no room for a name.
RIGHTS_REFERENCE = RegexValidator(
    INCIDENT_REFERENCE.regex,
    "Give the reference as information governance wrote it: a number, perhaps with "
    "letters, spaces, '-', '/' or '.'.",
)


class RightsRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        from moderation import rules

        if rules.can_read_rights_requests(user):
            return self
        return self.none()

    def open(self):
        return self.filter(status=RightsRequest.Status.OPEN)


def access_requesters():
    """The commenters, by id, whose request for a copy of what is held about them waits
    for its answer: for ``exclude(commenter_id__in=...)``. Retention keeps what such a
    request would be answered with until it is answered or closed. Asked as ``NOT IN``
    a list read once from the partial index of open requests, not as a join, so that
    the planner keeps each query's own plan."""
    return RightsRequest.objects.filter(
        status=RightsRequest.Status.OPEN, kind=RightsRequest.Kind.ACCESS
    ).values("commenter_id")


class RightsRequest(models.Model):
    """A request from a member of the public about what the log holds on them, kept from
    the day it reached the trust until it is answered, so that it is answered within the
    calendar month the law allows and reminders go before that month runs out.

    It is answered by a subject access export or an early removal of their details, which
    it then names, or closed without either, with the reason.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", "Subject access: a copy of what is held"
        ERASURE = "erasure", "Erasure or objection: remove what is held"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed without an export or removal"

    class Closure(models.TextChoices):
        WITHDRAWN = "withdrawn", "They withdrew it"
        IDENTITY = "identity", "Their identity could not be confirmed"
        REFUSED = "refused", "Refused, and they were told why"
        ELSEWHERE = "elsewhere", "Answered by information governance outside the portal"
        ERROR = "error", "Logged in error: about someone else, or for something else"

    class Correction(models.TextChoices):
        """Why a waiting request's day received or reference was put right, kept in its
        history as the reason for the change. A choice, not free text, so that nothing
        about the person is written there."""

        MISTYPED = "mistyped", "It was entered wrongly when it was logged"
        ANOTHER_DAY = "another_day", "It turned out to have reached the trust on another day"
        REFERENCE = "reference", "Information governance gave it a reference, or changed it"

    commenter = models.ForeignKey(
        "moderation.Commenter", on_delete=models.PROTECT, related_name="rights_requests"
    )
    kind = models.CharField("what they asked for", max_length=10, choices=Kind.choices)
    received_on = models.DateField("request received on")
    due_on = models.DateField(
        "answer due by",
        editable=False,
        help_text="A calendar month after the day received (the last day of a shorter month "
        "when it has no such day).",
    )
    reference = models.CharField(
        "information governance reference",
        max_length=40,
        blank=True,
        validators=[RIGHTS_REFERENCE],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closure = models.CharField(
        "why it was closed", max_length=10, choices=Closure.choices, blank=True
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    export = models.OneToOneField(
        "moderation.ExportRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rights_request",
    )
    erasure = models.OneToOneField(
        "moderation.Erasure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rights_request",
    )

    # The reason a correction is saved with in the request's history, before its label.
    CORRECTED = "corrected: "

    objects = RightsRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # The reminder sweep and the open list: only the requests still waiting.
            models.Index(
                fields=["due_on", "id"], condition=models.Q(status="open"), name="rights_open_due"
            ),
            # The information rights record's requests closed without an answer, latest first.
            models.Index(
                fields=["-closed_at", "-id"],
                condition=models.Q(status="closed"),
                name="rights_closed_newest",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["commenter", "kind"],
                condition=models.Q(status="open"),
                name="one_open_rights_request_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True, closure="")
                | models.Q(status="answered", closed_at__isnull=False, closure="")
                | (models.Q(status="closed", closed_at__isnull=False) & ~models.Q(closure="")),
                name="rights_request_closed_consistently",
            ),
        ]

    def __str__(self):
        return f"Information rights request {self.pk}"

    def save(self, *args, **kwargs):
        self.due_on = answer_due(self.received_on)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("moderation:rights_request", args=[self.pk])

    @property
    def kind_label(self):
        """For reminders: what was asked for, without who asked."""
        return "subject access" if self.kind == self.Kind.ACCESS else "erasure or objection"

    @property
    def days_left(self):
        """Days from today to the day the answer is due: negative once it is overdue."""
        return (self.due_on - timezone.localdate()).days

    @property
    def days_overdue(self):
        return max(0, -self.days_left)

    @property
    def days_taken(self):
        """Days from the day received to the day it was answered or closed."""
        if self.closed_at is None:
            return None
        return (timezone.localdate(self.closed_at) - self.received_on).days

    @property
    def in_error(self):
        """Closed because it was logged in error: about someone else or for something
        else, so not a request to count in the year's figures."""
        return self.closure == self.Closure.ERROR

    @property
    def answered_in_time(self):
        """Whether it was answered or closed by its day due, on the trust's clock; None
        while it waits, or when it was logged in error and so had nothing to answer."""
        if self.closed_at is None or self.in_error:
            return None
        return timezone.localdate(self.closed_at) <= self.due_on
