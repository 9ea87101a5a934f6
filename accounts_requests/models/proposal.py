from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts_requests import rules
from portal.models import TransitionRecord

from .platform import Platform


class AccountRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides which proposals a user may see."""
        from portal import rules as portal_rules

        if portal_rules.sees_everything(user):
            return self
        return self.filter(portal_rules.team_scope(user))


class AccountRequest(ConcurrentTransitionMixin, models.Model):
    """A team's proposal for a social media account of its own."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_ENDORSEMENT = "awaiting_endorsement", "Awaiting manager's endorsement"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    EDITABLE_STATES = (State.DRAFT, State.CHANGES_REQUESTED)
    OPEN_STATES = (
        State.DRAFT,
        State.AWAITING_ENDORSEMENT,
        State.SUBMITTED,
        State.IN_REVIEW,
        State.CHANGES_REQUESTED,
    )

    team = models.ForeignKey("portal.Team", on_delete=models.PROTECT, related_name="proposals")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )

    # About the account
    platform = models.CharField(
        max_length=20,
        choices=Platform.choices,
        blank=True,
        help_text="Where the account would be.",
    )
    proposed_name = models.CharField(
        "account name",
        max_length=120,
        blank=True,
        help_text="The name people would see, for example 'Perinatal Mental Health Service'.",
    )
    proposed_handle = models.CharField(
        "handle",
        max_length=100,
        blank=True,
        help_text="The @name or web address you would like, if you know it.",
    )

    # Why
    goals = models.TextField(
        blank=True,
        help_text="What you want the account to do: inform, promote the service, answer "
        "questions, recruit.",
    )
    service_user_benefit = models.TextField(
        "benefit to service users and the public",
        blank=True,
        help_text="How people who use the service, or the public, would be better off.",
    )
    service_benefit = models.TextField(
        "benefit to the service",
        blank=True,
        help_text="How the account would help the team do its work.",
    )
    audience_demand = models.TextField(
        "evidence people want it",
        blank=True,
        help_text="What shows that your audience wants to hear from you on this platform: "
        "requests, surveys, numbers.",
    )
    why_not_existing = models.TextField(
        "why the trust's own accounts won't do",
        blank=True,
        help_text="The trust's main accounts can share your news. Say why that is not enough.",
    )

    # Audience
    audience = models.TextField(
        "who the account is for",
        blank=True,
        help_text="The people you want to reach, for example parents of young children in "
        "the borough.",
    )
    audience_channels = models.TextField(
        "where your audience is",
        blank=True,
        help_text="Which platforms they use, and whether they use social media at all.",
    )
    audience_discovery = models.TextField(
        "how they will find the account",
        blank=True,
        help_text="Leaflets, clinic posters, the trust website, partner accounts.",
    )
    similar_accounts = models.TextField(
        "similar accounts",
        blank=True,
        help_text="Accounts already doing something like this, and what you like about them. "
        "Write 'none found' if you looked and found none.",
    )

    # Keeping it going
    posts_per_week = models.PositiveSmallIntegerField(
        "posts a week",
        null=True,
        blank=True,
        help_text="How often you will post, on average.",
    )
    who_posts = models.TextField(
        "who will post",
        blank=True,
        help_text="Names or roles of the people who will write and publish posts.",
    )
    who_monitors = models.TextField(
        "who will monitor and reply",
        blank=True,
        help_text="At least two people, so the account is covered when one is away.",
    )
    monitoring_frequency = models.CharField(
        "how often it is checked",
        max_length=200,
        blank=True,
        help_text="For example 'twice a day, morning and afternoon'.",
    )
    office_hours_commitment = models.BooleanField(
        "we will update and monitor the account in office hours",
        default=False,
        help_text="The team commits to keeping the account up to date and watching it from "
        "Monday to Friday during office hours.",
    )

    # Costs, risks and exit
    costs = models.TextField(
        "costs in time and resources",
        blank=True,
        help_text="Staff hours each week, and any money for design, photography or adverts.",
    )
    risks = models.TextField(
        "risks and issues",
        blank=True,
        help_text="What could go wrong (negative comments, confidentiality, staff leaving) "
        "and how you would handle it.",
    )
    exit_strategy = models.TextField(
        "exit strategy",
        blank=True,
        help_text="How you would close the account well if it stops being useful or the "
        "service ends.",
    )

    # Planning
    business_plan = models.TextField(
        "how it serves your business plan",
        blank=True,
        help_text="Which aims of the service's business plan the account supports.",
    )
    business_plan_url = models.URLField(
        "business plan document",
        blank=True,
        help_text="A link to the plan, if it is online.",
    )
    stakeholder_consultation = models.TextField(
        "who you have consulted",
        blank=True,
        help_text="Service users, carers, partners and colleagues you have asked, and what "
        "they said.",
    )
    timeframes = models.TextField(
        "timeframes",
        blank=True,
        help_text="When you would like to start, and any dates that matter.",
    )
    proposed_launch = models.DateField(
        "preferred start date", null=True, blank=True, help_text="Optional."
    )

    # Workflow: set by the services only, never by a form.
    state = FSMField(
        max_length=30, choices=State.choices, default=State.DRAFT, protected=True, db_index=True
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals_to_review",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountRequestQuerySet.as_manager()
    history = HistoricalRecords()

    # The fields a team may write; everything else belongs to the workflow.
    CONTENT_FIELDS = (
        "platform",
        "proposed_name",
        "proposed_handle",
        "goals",
        "service_user_benefit",
        "service_benefit",
        "audience_demand",
        "why_not_existing",
        "audience",
        "audience_channels",
        "audience_discovery",
        "similar_accounts",
        "posts_per_week",
        "who_posts",
        "who_monitors",
        "monitoring_frequency",
        "office_hours_commitment",
        "costs",
        "risks",
        "exit_strategy",
        "business_plan",
        "business_plan_url",
        "stakeholder_consultation",
        "timeframes",
        "proposed_launch",
    )
    # What must be answered before a proposal can be submitted.
    OPTIONAL_AT_SUBMISSION = ("proposed_handle", "business_plan_url", "proposed_launch")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "account proposal"
        indexes = [
            models.Index(fields=["state", "state_changed_at"], name="proposal_queue_idx"),
            models.Index(fields=["team", "-created_at"], name="proposal_team_idx"),
            # The comms queue's default view, oldest first, read 50 rows at a time
            # without sorting every waiting proposal.
            models.Index(
                fields=["state_changed_at", "id"],
                name="proposal_waiting_idx",
                condition=models.Q(
                    state__in=[
                        "awaiting_endorsement",
                        "submitted",
                        "in_review",
                        "changes_requested",
                    ]
                ),
            ),
        ]

    def __str__(self):
        name = self.proposed_name or "Untitled proposal"
        platform = self.get_platform_display()
        return f"{name} ({platform})" if platform else name

    def get_absolute_url(self):
        return reverse("accounts_requests:detail", args=[self.pk])

    @property
    def is_video_channel(self):
        return Platform.is_video(self.platform)

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES

    def missing_for_submission(self):
        """{field name: message} for every answer a submission still needs."""
        missing = {}
        for name in self.CONTENT_FIELDS:
            if name in self.OPTIONAL_AT_SUBMISSION:
                continue
            value = getattr(self, name)
            if name == "office_hours_commitment":
                if not value:
                    missing[name] = "Tick this to commit to office-hours cover before submitting."
            elif value in (None, ""):
                missing[name] = "Answer this before submitting."
            elif name == "posts_per_week" and value < 1:
                missing[name] = "Plan at least one post a week."
        return missing

    def is_complete(self):
        return not self.missing_for_submission()

    def _mark(self, moment=None):
        self.state_changed_at = moment or timezone.now()

    def _submission_target(self, *, by, **kwargs):
        if rules.is_manager_of_team(by, self):
            return self.State.SUBMITTED
        return self.State.AWAITING_ENDORSEMENT

    # Transitions: each only sets fields. Services lock the row, call one, record it and
    # send the notifications after the commit.

    @transition(
        field=state,
        source=State.DRAFT,
        target=GET_STATE(_submission_target, states=[State.AWAITING_ENDORSEMENT, State.SUBMITTED]),
        conditions=[is_complete],
        permission=rules.can_submit,
        custom={"label": "Submit", "style": "primary"},
    )
    def submit(self, *, by, comment=""):
        self._mark()
        if rules.is_manager_of_team(by, self):
            self.submitted_at = self.state_changed_at
            self.endorsed_by = by
            self.endorsed_at = self.state_changed_at

    @transition(
        field=state,
        source=State.AWAITING_ENDORSEMENT,
        target=State.SUBMITTED,
        permission=rules.can_endorse,
        custom={"label": "Endorse", "style": "primary"},
    )
    def endorse(self, *, by, comment=""):
        self._mark()
        self.submitted_at = self.state_changed_at
        self.endorsed_by = by
        self.endorsed_at = self.state_changed_at

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.IN_REVIEW,
        permission=rules.can_review,
        custom={"label": "Start review", "style": "primary"},
    )
    def start_review(self, *, by, reviewer=None, comment=""):
        self._mark()
        self.reviewer = reviewer or by

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.CHANGES_REQUESTED,
        permission=rules.can_review,
        custom={"label": "Request changes", "style": "warning", "comment": "required"},
    )
    def request_changes(self, *, by, comment):
        self._mark()

    @transition(
        field=state,
        source=State.CHANGES_REQUESTED,
        target=State.SUBMITTED,
        conditions=[is_complete],
        permission=rules.can_submit,
        custom={"label": "Resubmit", "style": "primary"},
    )
    def resubmit(self, *, by, comment=""):
        self._mark()
        self.submitted_at = self.state_changed_at

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.APPROVED,
        permission=rules.can_review,
        custom={"label": "Approve", "style": "success", "page": "accounts_requests:approve"},
    )
    def approve(self, *, by, comment=""):
        self._mark()
        self.decided_by = by
        self.decided_at = self.state_changed_at
        self.decision_comment = comment

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.REJECTED,
        permission=rules.can_review,
        custom={"label": "Reject", "style": "danger", "comment": "required"},
    )
    def reject(self, *, by, comment):
        self._mark()
        self.decided_by = by
        self.decided_at = self.state_changed_at
        self.decision_comment = comment

    @transition(
        field=state,
        source=[
            State.DRAFT,
            State.AWAITING_ENDORSEMENT,
            State.SUBMITTED,
            State.CHANGES_REQUESTED,
        ],
        target=State.WITHDRAWN,
        permission=rules.can_withdraw,
        custom={"label": "Withdraw", "style": "outline-danger", "comment": "optional"},
    )
    def withdraw(self, *, by, comment=""):
        self._mark()


class AccountRequestEvent(TransitionRecord):
    request = models.ForeignKey(AccountRequest, on_delete=models.CASCADE, related_name="events")

    STATES = AccountRequest.State
    RECORD_MODEL = AccountRequest
    ACTION_LABELS = {
        "created": "started the proposal",
        "edited": "edited the proposal",
        "submit": "submitted it",
        "endorse": "endorsed it",
        "start_review": "started the review",
        "request_changes": "asked for changes",
        "resubmit": "resubmitted it",
        "approve": "approved it",
        "reject": "rejected it",
        "withdraw": "withdrew it",
    }

    class Meta(TransitionRecord.Meta):
        verbose_name = "proposal event"
        indexes = [models.Index(fields=["request", "at"], name="proposal_event_idx")]

    def __str__(self):
        return f"{self.action} on {self.request_id} at {self.at:%Y-%m-%d %H:%M}"
