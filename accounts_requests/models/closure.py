"""Closing an account: why, the exit checklist, and the head of communications' sign-off."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class AccountClosureQuerySet(models.QuerySet):
    def visible_to(self, user):
        from accounts_requests.models import ManagedAccount

        return self.filter(account__in=ManagedAccount.objects.visible_to(user))

    def open(self):
        return self.filter(signed_off_at__isnull=True, cancelled_at__isnull=True)


class AccountClosure(models.Model):
    """A proposal to close an account, from proposal to sign-off (or to being withdrawn)."""

    class Reason(models.TextChoices):
        LOW_ENGAGEMENT = "low_engagement", "Low engagement"
        INAPPROPRIATE_CONTENT = "inappropriate_content", "Inappropriate content"
        TEAM_REQUEST = "team_request", "The team asked for it to close"
        SERVICE_ENDED = "service_ended", "The service has ended"

    # The reasons a team may give when it asks for its own account to close.
    TEAM_REASONS = (Reason.TEAM_REQUEST, Reason.SERVICE_ENDED)

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount", on_delete=models.PROTECT, related_name="closures"
    )
    review = models.ForeignKey(
        "accounts_requests.AccountReview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closures",
        help_text="The review that proposed it, if one did.",
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    explanation = models.TextField()
    previous_state = models.CharField(
        max_length=30, help_text="Where the account goes back to if the closure is not signed off."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = models.TextField(blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    objects = AccountClosureQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "account closure"
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(signed_off_at__isnull=True, cancelled_at__isnull=True),
                name="one_open_closure_per_account",
            ),
        ]

    def __str__(self):
        return f"Closure of {self.account}"

    def get_absolute_url(self):
        return reverse("accounts_requests:closure_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.signed_off_at is None and self.cancelled_at is None

    @property
    def status_label(self):
        if self.signed_off_at:
            return "Signed off: the account is closed"
        if self.cancelled_at:
            return "Withdrawn: the account stayed open"
        return "Open: working through the exit checklist"


class ClosureStep(models.Model):
    """One exit step done, by whom and when, with what it came to."""

    class Step(models.TextChoices):
        FINAL_POST = "final_post", "Final post pointing followers to the trust's main accounts"
        CONTENT_ARCHIVED = "content_archived", "Content archived"
        LOGIN_DETAILS = "login_details", "Login details revoked or handed back"
        PLATFORM_ACCOUNT = "platform_account", "Platform account deleted or deactivated"

    class Outcome(models.TextChoices):
        REVOKED = "revoked", "Revoked"
        HANDED_BACK = "handed_back", "Handed back"
        DELETED = "deleted", "Deleted"
        DEACTIVATED = "deactivated", "Deactivated"

    # The outcomes each step may record; a step absent here takes none.
    STEP_OUTCOMES = {
        Step.LOGIN_DETAILS: (Outcome.REVOKED, Outcome.HANDED_BACK),
        Step.PLATFORM_ACCOUNT: (Outcome.DELETED, Outcome.DEACTIVATED),
    }

    closure = models.ForeignKey(AccountClosure, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=30, choices=Step.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["closure", "done_at"]
        verbose_name = "exit step"
        constraints = [
            models.UniqueConstraint(fields=["closure", "step"], name="one_row_per_exit_step"),
        ]

    def __str__(self):
        return f"{self.get_step_display()} ({self.closure_id})"
