"""A member of staff's report of a worrying post, comment or account, and its triage.

Only what comms need to find and judge the post is kept: a link and what worries the
reporter. After ``CONCERN_RETENTION_DAYS`` a closed report's link and description are
removed, and the removal is recorded on its timeline.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal import rules

from .records import TransitionRecord

# Hosts people paste links from, and the name a reader knows them by.
KNOWN_SITES = {
    "facebook.com": "Facebook",
    "fb.com": "Facebook",
    "instagram.com": "Instagram",
    "x.com": "X",
    "twitter.com": "X",
    "linkedin.com": "LinkedIn",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "tiktok.com": "TikTok",
    "threads.net": "Threads",
    "threads.com": "Threads",
    "bsky.app": "Bluesky",
    "nextdoor.co.uk": "Nextdoor",
    "reddit.com": "Reddit",
}


def site_name(url):
    """The platform a link points at, by its host name; the host itself when unknown."""
    host = (urlsplit(url or "").hostname or "").lower()
    while host:
        if host in KNOWN_SITES:
            return KNOWN_SITES[host]
        _, _, host = host.partition(".")
        if "." not in host:
            break
    return urlsplit(url or "").hostname or ""


# A number in the trust's incident system (such as Datix), as it shows it: on a staff
# report, a moderation entry and a request about a person's data alike.
INCIDENT_REFERENCE = RegexValidator(
    r"^(?=.*[0-9])[A-Za-z0-9][A-Za-z0-9 ./-]*$",
    "Give the reference as the incident system shows it: a number, perhaps with letters, "
    "spaces, '-', '/' or '.'.",
)


class SafeguardingOutcome(models.TextChoices):
    """What the safeguarding lead did with a concern they took on, from a staff report or
    a moderation entry. Choices, not words: what is written about a person at risk stays
    with the safeguarding team's own records."""

    REFERRED = "referred", "Referred to the local authority's safeguarding team"
    POLICE = "police", "Passed to the police"
    TRUST_TEAM = "trust_team", "Followed up by the trust's safeguarding team"
    NO_FURTHER_ACTION = "no_further_action", "Looked at: no further action needed"


class SafeguardingTakenOn(models.Model):
    """Who took on a safeguarding concern, when and to what end: the safeguarding lead's
    part of a staff report that someone may be at risk, and of a flagged moderation entry.
    Set by the services only."""

    safeguarding_taken_at = models.DateTimeField(
        "safeguarding concern taken on", null=True, blank=True, editable=False
    )
    safeguarding_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    safeguarding_outcome = models.CharField(
        max_length=30,
        choices=SafeguardingOutcome.choices,
        blank=True,
        db_default="",
        editable=False,
    )

    class Meta:
        abstract = True


# A report that someone may be at risk which the safeguarding lead has not yet taken on:
# the reminder's waiting rows. Once its link and description are removed there is
# nothing left to act on.
SAFEGUARDING_WAITING = Q(
    someone_at_risk=True, safeguarding_taken_at__isnull=True, redacted_at__isnull=True
)


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comms and auditors see every report; staff their own; safeguarding leads
        also those that say someone may be at risk."""
        if rules.sees_everything(user):
            return self
        if not (user and user.is_authenticated):
            return self.none()
        scope = Q(reported_by=user)
        if rules.is_safeguarding_lead(user):
            scope |= Q(someone_at_risk=True)
        return self.filter(scope)

    def open(self):
        return self.exclude(state=Concern.State.CLOSED)


class Concern(ConcurrentTransitionMixin, SafeguardingTakenOn):
    class Kind(models.TextChoices):
        POST = "post", "A post"
        COMMENT = "comment", "A comment or reply"
        IMITATION = "imitation", "An account pretending to be the trust or one of its services"
        COMPROMISED = "compromised", "One of our own accounts may have been hacked"
        # A colleague's own account: a breach of confidentiality, bullying or harassment,
        # or something that may break the law. Its page lists what comms do next.
        STAFF_POST = "staff_post", "A member of staff's own post"
        OTHER = "other", "Something else"

    # Reports of these kinds reach comms at once, whatever the hour.
    URGENT_KINDS = (Kind.COMPROMISED,)

    class State(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Being looked at"
        ACTION_TAKEN = "action_taken", "Action taken"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        DEALT_WITH = "dealt_with", "Dealt with"
        REPORTED = "reported_to_platform", "Reported to the platform"
        PASSED_ON = "passed_on", "Passed to another team"
        NO_ACTION = "no_action", "No action needed"
        DUPLICATE = "duplicate", "Already reported"

    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_reported"
    )
    kind = models.CharField("what it is", max_length=20, choices=Kind.choices)
    link = models.URLField(
        max_length=500,
        help_text="The address of the post, comment or account. Use the platform's "
        "'copy link' or 'share' button, or copy it from your browser's address bar.",
    )
    what_worries = models.TextField(
        "what worries you",
        max_length=2000,
        help_text="Say what you saw and why it worries you. Leave out names and personal "
        "details unless comms need them to find the post.",
    )
    someone_at_risk = models.BooleanField(
        "someone may be at risk of harm",
        default=False,
        help_text="Tick this if the post suggests someone may hurt themselves or others. "
        "The safeguarding lead is told at once.",
    )

    # Triage, set by the services only.
    state = FSMField(
        max_length=20, choices=State.choices, default=State.NEW, protected=True, db_index=True
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns_handled",
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    incident_reference = models.CharField(
        max_length=40,
        blank=True,
        db_default="",
        validators=[INCIDENT_REFERENCE],
        help_text="If it was reported in the trust's incident system (such as Datix), the "
        "incident's number, so the two records can be matched.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Where the concern went next, e.g. the moderation entry made from it.
    linked_url = models.CharField(max_length=300, blank=True)
    linked_label = models.CharField(max_length=200, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="concern_queue_idx"),
            models.Index(
                fields=["closed_at"],
                condition=Q(redacted_at__isnull=True, state="closed"),
                name="concern_retention_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=SAFEGUARDING_WAITING,
                name="concern_safeguarding_idx",
            ),
        ]

    def __str__(self):
        site = self.site
        return f"{self.get_kind_display()}{f' on {site}' if site else ''}"

    def get_absolute_url(self):
        return reverse("portal:concern_detail", args=[self.pk])

    @property
    def site(self):
        return site_name(self.link) if not self.redacted_at else ""

    @property
    def is_urgent(self):
        return self.someone_at_risk or self.kind in self.URGENT_KINDS

    @property
    def private_notes(self):
        """Comms' notes on a colleague's own post stay with comms: the reporter is told
        where it stands, not what is happening to the colleague."""
        return self.kind == self.Kind.STAFF_POST

    @property
    def safeguarding_waiting(self):
        """Someone may be at risk and the safeguarding lead has not yet taken it on."""
        return self.someone_at_risk and self.safeguarding_taken_at is None and not self.redacted_at

    @property
    def is_open(self):
        return self.state != self.State.CLOSED

    def _mark(self, by):
        self.state_changed_at = timezone.now()
        if self.handled_by_id is None:
            self.handled_by = by

    def _refer(self, incident_reference):
        # A reference given once stays: a later step without one does not clear it.
        if incident_reference:
            self.incident_reference = incident_reference

    # Transitions only set fields; portal.services.concerns runs them.

    @transition(
        field=state,
        source=State.NEW,
        target=State.ACKNOWLEDGED,
        permission=rules.can_triage_concern,
        custom={"label": "Acknowledge", "style": "primary", "comment": "optional"},
    )
    def acknowledge(self, *, by, comment=""):
        self._mark(by)

    @transition(
        field=state,
        source=[State.NEW, State.ACKNOWLEDGED, State.ACTION_TAKEN],
        target=State.ACTION_TAKEN,
        permission=rules.can_triage_concern,
        custom={
            "label": "Record action taken",
            "style": "outline-primary",
            "comment": "required",
            "form": "record",
        },
    )
    def record_action(self, *, by, comment, incident_reference=""):
        self._mark(by)
        self._refer(incident_reference)

    @transition(
        field=state,
        source=[State.NEW, State.ACKNOWLEDGED, State.ACTION_TAKEN],
        target=State.CLOSED,
        permission=rules.can_triage_concern,
        custom={"label": "Close", "style": "success", "comment": "optional", "form": "close"},
    )
    def close(self, *, by, outcome, comment="", incident_reference=""):
        self._mark(by)
        self._refer(incident_reference)
        self.outcome = outcome
        self.closed_at = self.state_changed_at


class ConcernEvent(TransitionRecord):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    # The incident reference given with this step, also written after its comment: kept
    # on its own so that it stays when the team's note goes with the report's details.
    incident_reference = models.CharField(max_length=40, blank=True, db_default="")

    STATES = Concern.State
    RECORD_MODEL = Concern
    ACTION_LABELS = {
        "created": "reported it",
        "acknowledge": "acknowledged it",
        "record_action": "recorded action taken",
        "close": "closed it",
        "linked": "linked it to a record",
        "safeguarding_taken_on": "took on the safeguarding concern",
        "redacted": "removed the link and description at the end of the retention period",
        "erased": "removed the link and description with the commenter's details",
    }

    class Meta(TransitionRecord.Meta):
        verbose_name = "concern event"
        indexes = [models.Index(fields=["concern", "at"], name="concern_event_idx")]

    def __str__(self):
        return f"{self.action} on concern {self.concern_id}"
