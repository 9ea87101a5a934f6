from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts_requests.models import Platform

# The key of a commenter whose handle the retention job removed, followed by their id. It
# starts with a space, which ``handle_key`` strips from every handle typed, so no new
# entry is ever matched to a forgotten commenter.
FORGOTTEN_KEY = " removed-"


def handle_key(handle):
    """The form of a handle used to match one person's entries: no @, no case, no spaces."""
    return (handle or "").strip().lstrip("@").strip().casefold()


def display_handle(handle):
    """A handle as pages show it: with its @ unless it is a display name, and said to be
    removed once the retention job has forgotten it."""
    handle = (handle or "").strip()
    if not handle:
        return "(handle removed)"
    return handle if handle.startswith("@") or " " in handle else f"@{handle}"


class CommenterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Commenters with at least one entry the user may read."""
        from moderation import rules
        from moderation.models import Entry

        if rules.can_read_everything(user):
            return self
        if rules.can_read_log(user):
            return self.filter(pk__in=Entry.objects.visible_to(user).values("commenter_id"))
        return self.none()


class Commenter(models.Model):
    """Someone who comments on the trust's accounts, known by platform and handle."""

    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=100, help_text="As first logged.")
    handle_key = models.CharField(max_length=100, editable=False)
    first_seen_at = models.DateTimeField()
    repeat_offender_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while their breaches within the window reach the threshold.",
    )

    objects = CommenterQuerySet.as_manager()

    class Meta:
        ordering = ["handle_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle_key"], name="one_commenter_per_platform_handle"
            ),
        ]
        indexes = [
            models.Index(
                fields=["repeat_offender_since"],
                condition=models.Q(repeat_offender_since__isnull=False),
                name="commenter_repeat_idx",
            ),
        ]

    def __str__(self):
        return f"{self.display_handle} ({self.get_platform_display()})"

    def save(self, *args, **kwargs):
        self.handle_key = handle_key(self.handle)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("moderation:commenter", args=[self.pk])

    @property
    def display_handle(self):
        return display_handle(self.handle)

    @property
    def is_forgotten(self):
        return not self.handle.strip()

    @property
    def is_repeat_offender(self):
        return self.repeat_offender_since is not None


class ManagementPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        from moderation import rules

        if rules.can_read_plans(user):
            return self
        return self.none()


class ManagementPlan(models.Model):
    """A phased plan for a persistently personal or abusive poster (policy 5.3)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    commenter = models.ForeignKey(Commenter, on_delete=models.PROTECT, related_name="plans")
    summary = models.TextField(
        "what the plan is for",
        help_text="The issue the plan manages, in a sentence or two. Keep personal details out.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderation_plans",
        help_text="Who in the communications team leads the plan.",
    )
    review_on = models.DateField("review date")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(blank=True, help_text="What the plan achieved, when it closes.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ManagementPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commenter"],
                condition=models.Q(status="open"),
                name="one_open_plan_per_commenter",
            ),
        ]
        # The reminder sweep's question: which open plans are due to be looked at.
        indexes = [
            models.Index(
                fields=["review_on"],
                condition=models.Q(status="open"),
                name="plan_open_review_idx",
            ),
        ]

    def __str__(self):
        return f"Management plan for {self.commenter}"

    def get_absolute_url(self):
        return reverse("moderation:plan", args=[self.pk])


class PlanStep(models.Model):
    """One phase of a plan, done in order: message privately, signpost, escalate."""

    plan = models.ForeignKey(ManagementPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="one_step_per_position"),
        ]

    def __str__(self):
        return self.description
