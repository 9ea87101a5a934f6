from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts_requests import rules
from portal.models import TransitionRecord

from .platform import Platform
from .review import REVIEW_AND_CLOSURE_LABELS

REVIEW_INTERVAL_MONTHS = 12


def annual_review_due(moment):
    """The annual review after going live or a review's outcome at ``moment``."""
    from accounts_requests.kpi.months import add_months

    return add_months(timezone.localdate(moment), REVIEW_INTERVAL_MONTHS)


class ManagedAccountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides which accounts a user may see."""
        from portal import rules as portal_rules

        if portal_rules.sees_everything(user):
            return self
        return self.filter(portal_rules.team_scope(user))


class ManagedAccount(ConcurrentTransitionMixin, models.Model):
    """A social media account the trust governs: a team's approved one or a corporate one."""

    class State(models.TextChoices):
        SETTING_UP = "setting_up", "Setting up"
        ACTIVE = "active", "Active"
        UNDER_REVIEW = "under_review", "Under review"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"
        CLOSURE_PROPOSED = "closure_proposed", "Closure proposed"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    team = models.ForeignKey("portal.Team", on_delete=models.PROTECT, related_name="accounts")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    name = models.CharField("account name", max_length=120)
    handle = models.CharField(max_length=100, blank=True)
    url = models.URLField("address", blank=True)
    source_request = models.OneToOneField(
        "accounts_requests.AccountRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
        help_text="The approved proposal, when the account came from one.",
    )

    # KPI targets, set at approval and changed later by the communications team.
    target_followers = models.PositiveIntegerField(
        "followers target", help_text="Followers the account should have within a year."
    )
    target_posts_per_month = models.PositiveIntegerField(
        "posts a month target", help_text="How many posts a month the team commits to."
    )
    target_engagement_rate = models.DecimalField(
        "engagement rate target (%)",
        max_digits=5,
        decimal_places=2,
        help_text="Engagements as a percentage of impressions, for example 2.5.",
    )
    target_reply_hours = models.PositiveIntegerField(
        "reply time target (working hours)",
        default=8,
        help_text="How quickly messages should get a reply, in working hours.",
    )

    state = FSMField(
        max_length=30,
        choices=State.choices,
        default=State.SETTING_UP,
        protected=True,
        db_index=True,
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    # The live state the latest suspected compromise interrupted, so resolving it returns
    # the account there: a review, an improvement plan or a proposed closure carries on.
    suspended_from = models.CharField(
        max_length=30, choices=State.choices, blank=True, editable=False
    )
    # When the account entered the state it was suspended from: lifting the suspension
    # puts it back, so a review or a proposed closure waits from when it began and its
    # reminders are not sent a second time.
    suspended_from_since = models.DateTimeField(null=True, blank=True, editable=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    # When the next review falls due: a year after going live or after the last review's
    # outcome, or the re-review date of an improvement plan. Stored, so the reminder sweep
    # and the pages ask the database one indexed question (see accounts_requests/reminders).
    review_due_on = models.DateField("next review due", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ManagedAccountQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "managed account"
        indexes = [
            # The reminder sweep's question: which accounts have been in a state since when.
            models.Index(fields=["state", "state_changed_at"], name="account_state_since_idx"),
            models.Index(fields=["state", "review_due_on"], name="account_review_due_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_platform_display()})"

    def get_absolute_url(self):
        return reverse("accounts_requests:account_detail", args=[self.pk])

    # ----- Set-up and security ---------------------------------------------------------
    # Set-up verification (setting_up -> active) and a suspected compromise
    # (active -> suspended -> active). Each only sets fields; the services in
    # services_accounts and services_notices lock the row, run it, record and notify.

    # The states in which an account is live: shown on the public register (unless a
    # security incident is open on it).
    LIVE_STATES = (
        State.ACTIVE,
        State.UNDER_REVIEW,
        State.IMPROVEMENT_PLAN,
        State.CLOSURE_PROPOSED,
    )

    def setup_is_complete(self):
        from accounts_requests import checklist

        return checklist.is_complete(self)

    @transition(
        field=state,
        source=State.SETTING_UP,
        target=State.ACTIVE,
        conditions=[setup_is_complete],
        permission=rules.can_verify_setup,
        custom={
            "label": "Verify the set-up and make the account active",
            "style": "success",
            "url": "accounts_requests:account_verify",
        },
    )
    def verify_setup(self, *, by, at, comment=""):
        self.state_changed_at = at
        self.activated_at = at
        self.review_due_on = annual_review_due(at)

    @transition(
        field=state,
        source=LIVE_STATES,
        target=State.SUSPENDED,
        permission=rules.can_report_compromise,
        custom={
            "label": "Report a suspected compromise",
            "style": "outline-danger",
            "page": "accounts_requests:notice_create",
            "query": "?reason=compromise",
        },
    )
    def suspend(self, *, by, at, comment=""):
        # Called before the state changes, so self.state is still the live state.
        self.suspended_from = self.state
        self.suspended_from_since = self.state_changed_at
        self.state_changed_at = at

    def _state_before_suspension(self, *, by, at, comment=""):
        return self.suspended_from or self.State.ACTIVE

    @transition(
        field=state,
        source=State.SUSPENDED,
        target=GET_STATE(_state_before_suspension, states=LIVE_STATES),
        permission=rules.can_resolve_incident,
        custom={
            "label": "Resolve the incident and lift the suspension",
            "style": "success",
            "url": "accounts_requests:incident_resolve",
            "comment": "required",
        },
    )
    def resolve(self, *, by, at, comment):
        # suspended_from stays: GET_STATE reads it after this body runs, and it keeps
        # saying where the latest suspension began.
        self.state_changed_at = self.suspended_from_since or at

    # ----- end of set-up and security ---------------------------------------------------

    # ---- Reviews and closure -------------------------------------------------------------
    # The annual review, its outcomes, and closing an account. Each transition only sets
    # fields; the services in accounts_requests.kpi lock the row, check what must be true
    # (an exit checklist complete before sign-off), record the event and notify.

    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.UNDER_REVIEW,
        permission=rules.can_run_reviews,
        custom={"label": "Start the annual review", "style": "primary"},
    )
    def start_review(self, *, by, at, comment=""):
        self.state_changed_at = at

    @transition(
        field=state,
        source=State.IMPROVEMENT_PLAN,
        target=State.UNDER_REVIEW,
        permission=rules.can_run_reviews,
        custom={"label": "Start the re-review", "style": "primary"},
    )
    def start_re_review(self, *, by, at, comment=""):
        self.state_changed_at = at

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.ACTIVE,
        permission=rules.can_run_reviews,
        custom={"label": "Continue", "style": "success", "comment": "required"},
    )
    def continue_after_review(self, *, by, at, comment):
        self.state_changed_at = at
        self.review_due_on = annual_review_due(at)

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.IMPROVEMENT_PLAN,
        permission=rules.can_run_reviews,
        custom={"label": "Set an improvement plan", "style": "warning", "comment": "required"},
    )
    def set_improvement_plan(self, *, by, at, comment, re_review_on):
        self.state_changed_at = at
        self.review_due_on = re_review_on

    @transition(
        field=state,
        source=[State.ACTIVE, State.UNDER_REVIEW, State.IMPROVEMENT_PLAN],
        target=State.CLOSURE_PROPOSED,
        permission=rules.can_propose_closure,
        custom={"label": "Propose closure", "style": "outline-danger", "comment": "required"},
    )
    def propose_closure(self, *, by, at, comment):
        if self.state == self.State.UNDER_REVIEW:
            # A review's outcome: should the closure be cancelled, the next review is a
            # year from this one, as after any other outcome.
            self.review_due_on = annual_review_due(at)
        self.state_changed_at = at

    def _state_before_closure(self, *, by, at, return_to, comment=""):
        return return_to

    @transition(
        field=state,
        source=State.CLOSURE_PROPOSED,
        target=GET_STATE(
            _state_before_closure,
            states=[State.ACTIVE, State.IMPROVEMENT_PLAN],
        ),
        permission=rules.can_cancel_closure,
        custom={
            "label": "Keep the account open",
            "style": "outline-primary",
            "comment": "required",
        },
    )
    def cancel_closure(self, *, by, at, return_to, comment):
        self.state_changed_at = at

    @transition(
        field=state,
        source=State.CLOSURE_PROPOSED,
        target=State.CLOSED,
        permission=rules.can_sign_off_closure,
        custom={"label": "Sign off and close the account", "style": "danger"},
    )
    def close(self, *, by, at, comment=""):
        self.state_changed_at = at

    # ---- end of reviews and closure -------------------------------------------------------


class ManagedAccountEvent(TransitionRecord):
    account = models.ForeignKey(ManagedAccount, on_delete=models.CASCADE, related_name="events")

    STATES = ManagedAccount.State
    RECORD_MODEL = ManagedAccount
    ACTION_LABELS = {
        "opened": "opened the account",
        # Set-up and security
        "registered": "registered the account",
        "setup_updated": "updated the set-up details",
        "moderator_added": "named a moderator",
        "moderator_removed": "removed a named moderator",
        "credentials_lodged": "lodged login details",
        "verify_setup": "verified the set-up; the account is active",
        "notice_filed": "filed a credential-change notice",
        "notice_acknowledged": "acknowledged a credential-change notice",
        "suspend": "suspended the account after a suspected compromise",
        "incident_opened": "reported a suspected compromise",
        "resolve": "resolved the incident and lifted the suspension",
        "incident_resolved": "resolved the security incident",
        "rotation_raised": "raised a task to change the login details",
        **REVIEW_AND_CLOSURE_LABELS,
    }

    class Meta(TransitionRecord.Meta):
        verbose_name = "account event"
        indexes = [models.Index(fields=["account", "at"], name="account_event_idx")]

    def __str__(self):
        return f"{self.action} on {self.account_id} at {self.at:%Y-%m-%d %H:%M}"
