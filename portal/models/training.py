"""A team's request for a bespoke social media training session, and its timeline."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal import rules

from .records import TransitionRecord


class TrainingRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides which training requests a user may see."""
        if rules.sees_everything(user):
            return self
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(rules.team_scope(user) | Q(requested_by=user))


class TrainingRequest(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SCHEDULED = "scheduled", "Scheduled"
        DELIVERED = "delivered", "Delivered"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATES = (State.REQUESTED, State.SCHEDULED)

    class Topic(models.TextChoices):
        GETTING_STARTED = "getting_started", "What social media can do for a service"
        PROPOSING = "proposing", "Proposing an account for your team"
        CONTENT = "content", "Writing good posts, accessibly"
        PERSONAL_USE = "personal_use", "Your own accounts: confidentiality and boundaries"
        NEGATIVE = "negative", "Mistakes, negative comments and trolls"
        MESSAGING = "messaging", "Messaging apps at work"
        MEASURING = "measuring", "Measuring how an account is doing"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        EITHER = "either", "Either"

    team = models.ForeignKey(
        "portal.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_requests",
        help_text="The team the session is for.",
    )
    service_name = models.CharField(
        "team or service",
        max_length=150,
        blank=True,
        help_text="Who the session is for, when you are not in a team in the portal.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_requests"
    )
    audience = models.TextField(
        "who will come",
        max_length=1000,
        help_text="Roles and rough numbers, for example 'ten nurses and two administrators'.",
    )
    audience_size = models.PositiveSmallIntegerField("how many people", null=True, blank=True)
    topics = models.JSONField(default=list, blank=True)
    other_topics = models.TextField(
        "anything else to cover",
        max_length=1000,
        blank=True,
        help_text="Questions your team would like answered.",
    )
    session_format = models.CharField(
        "in person or online", max_length=20, choices=Format.choices, default=Format.EITHER
    )
    preferred_date_1 = models.DateField("first choice of date")
    preferred_date_2 = models.DateField("second choice of date", null=True, blank=True)
    preferred_date_3 = models.DateField("third choice of date", null=True, blank=True)
    timing_notes = models.CharField(
        "times that suit you",
        max_length=300,
        blank=True,
        help_text="For example 'our team meeting, Tuesdays 14:00 to 15:00'.",
    )

    # Set by the communications team, through the services only.
    state = FSMField(
        max_length=20,
        choices=State.choices,
        default=State.REQUESTED,
        protected=True,
        db_index=True,
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    session_starts_at = models.DateTimeField(null=True, blank=True)
    session_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(
        "place or link",
        max_length=500,
        blank=True,
        help_text="A room and building, or the link to join online.",
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    decision_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "state_changed_at"], name="training_queue_idx"),
        ]

    def __str__(self):
        return f"Training for {self.audience_name}"

    def get_absolute_url(self):
        return reverse("portal:training_request_detail", args=[self.pk])

    @property
    def audience_name(self):
        return str(self.team) if self.team_id else self.service_name or "a team"

    def topic_labels(self):
        labels = dict(self.Topic.choices)
        return [labels.get(value, value) for value in self.topics]

    def preferred_dates(self):
        return [
            d for d in (self.preferred_date_1, self.preferred_date_2, self.preferred_date_3) if d
        ]

    @property
    def session_ends_at(self):
        if self.session_starts_at and self.session_minutes:
            return self.session_starts_at + datetime.timedelta(minutes=self.session_minutes)
        return None

    def session_has_started(self):
        return bool(self.session_starts_at and self.session_starts_at <= timezone.now())

    def _mark(self):
        self.state_changed_at = timezone.now()

    def _book(self, *, by, starts_at, minutes, location, presenter=None):
        self.session_starts_at = starts_at
        self.session_minutes = minutes
        self.location = location
        self.presenter = presenter or by

    # Transitions only set fields; portal.services.training runs them.

    @transition(
        field=state,
        source=State.REQUESTED,
        target=State.SCHEDULED,
        permission=rules.can_arrange_training,
        custom={"label": "Schedule", "style": "primary", "form": "schedule"},
    )
    def schedule(self, *, by, starts_at, minutes, location, presenter=None, comment=""):
        self._mark()
        self._book(
            by=by, starts_at=starts_at, minutes=minutes, location=location, presenter=presenter
        )

    @transition(
        field=state,
        source=State.SCHEDULED,
        target=State.SCHEDULED,
        permission=rules.can_arrange_training,
        custom={"label": "Change date or place", "style": "outline-primary", "form": "schedule"},
    )
    def reschedule(self, *, by, starts_at, minutes, location, presenter=None, comment=""):
        self._mark()
        self._book(
            by=by, starts_at=starts_at, minutes=minutes, location=location, presenter=presenter
        )

    @transition(
        field=state,
        source=State.SCHEDULED,
        target=State.DELIVERED,
        conditions=[session_has_started],
        permission=rules.can_arrange_training,
        custom={"label": "Mark as delivered", "style": "success", "comment": "optional"},
    )
    def mark_delivered(self, *, by, comment=""):
        self._mark()

    @transition(
        field=state,
        source=State.REQUESTED,
        target=State.DECLINED,
        permission=rules.can_arrange_training,
        custom={"label": "Decline", "style": "outline-danger", "comment": "required"},
    )
    def decline(self, *, by, comment):
        self._mark()
        self.decision_comment = comment

    @transition(
        field=state,
        source=[State.REQUESTED, State.SCHEDULED],
        target=State.CANCELLED,
        permission=rules.can_cancel_training,
        custom={"label": "Cancel the request", "style": "outline-danger", "comment": "optional"},
    )
    def cancel(self, *, by, comment=""):
        self._mark()
        self.decision_comment = comment


class TrainingRequestEvent(TransitionRecord):
    request = models.ForeignKey(TrainingRequest, on_delete=models.CASCADE, related_name="events")

    STATES = TrainingRequest.State
    RECORD_MODEL = TrainingRequest
    ACTION_LABELS = {
        "created": "asked for a session",
        "schedule": "scheduled the session",
        "reschedule": "changed the date or place",
        "mark_delivered": "marked the session as delivered",
        "decline": "declined the request",
        "cancel": "cancelled the request",
    }

    class Meta(TransitionRecord.Meta):
        verbose_name = "training request event"
        indexes = [models.Index(fields=["request", "at"], name="training_event_idx")]

    def __str__(self):
        return f"{self.action} on training request {self.request_id}"
