"""Annual reviews of an account's performance, and the team's responses to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from portal.models import AppendOnlyModel

# How the review and closure steps read on the account's timeline.
REVIEW_AND_CLOSURE_LABELS = {
    "targets_changed": "changed the KPI targets",
    "figures_entered": "entered figures",
    "figures_imported": "imported figures",
    "start_review": "started the annual review",
    "start_re_review": "started the re-review",
    "continue_after_review": "decided the account continues",
    "set_improvement_plan": "set an improvement plan",
    "propose_closure": "proposed closing the account",
    "closure_step": "completed an exit step",
    "cancel_closure": "kept the account open",
    "close": "signed off the closure",
}


class AccountReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        from accounts_requests.models import ManagedAccount

        return self.filter(account__in=ManagedAccount.objects.visible_to(user))

    def open(self):
        return self.filter(outcome="")


class AccountReview(models.Model):
    """One review of an account against its KPI targets, from start to outcome."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual review"
        RE_REVIEW = "re_review", "Re-review after an improvement plan"

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "Continue"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"
        PROPOSE_CLOSURE = "propose_closure", "Propose closure"

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount", on_delete=models.PROTECT, related_name="reviews"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    due_on = models.DateField(null=True, blank=True, help_text="When the review fell due.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()

    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    actions = models.TextField(
        "improvement actions", blank=True, help_text="What the team will do, for a plan."
    )
    re_review_on = models.DateField("re-review date", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # What the figures said when the outcome was decided, so the record stays true later.
    health_at_decision = models.JSONField(default=dict, blank=True)

    objects = AccountReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "account review"
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(outcome=""), name="one_open_review_per_account"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="improvement_plan") | Q(re_review_on__isnull=False),
                name="improvement_plan_has_re_review_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.account}"

    def get_absolute_url(self):
        return reverse("accounts_requests:review_detail", args=[self.pk])

    @property
    def is_open(self):
        return not self.outcome


class ReviewResponse(AppendOnlyModel):
    """A message on a review's page, from the team or the communications team. Kept."""

    review = models.ForeignKey(AccountReview, on_delete=models.PROTECT, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    body = models.TextField()
    from_team = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "review response"

    def __str__(self):
        return f"Response by {self.author_id} on review {self.review_id}"
