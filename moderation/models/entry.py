from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts_requests.models import Platform
from portal.models import SafeguardingTakenOn, TransitionRecord
from portal.models.concerns import INCIDENT_REFERENCE


class Action(models.TextChoices):
    """What the communications team did about a comment."""

    RECORD_ONLY = "record_only", "Recorded only, no action on the platform"
    HIDE = "hide", "Hid the comment"
    DELETE = "delete", "Deleted the comment"
    BLOCK = "block", "Blocked or banned the author"
    REPORT_PLATFORM = "report_platform", "Reported to the platform"
    REPLY_PRIVATELY = "reply_privately", "Replied privately or took it offline"
    SIGNPOST = "signpost", "Signposted to PALS or complaints"
    SCREENSHOT = "screenshot", "Kept a screenshot"
    POLICE = "police", "Forwarded to the police"
    SERVICE_MANAGER = "service_manager", "Forwarded to a service manager"
    PARTNER = "partner", "Forwarded to a partner organisation"
    SAFEGUARDING = "safeguarding_referral", "Made a safeguarding referral"
    LEGAL = "legal", "Referred for legal advice or action"
    INCIDENT = "incident", "Reported in the trust's incident system"


class AuthorTold(models.TextChoices):
    """Whether, and how, the author was told why action was taken."""

    NOT_YET = "not_yet", "Not yet"
    PUBLIC_REPLY = "public_reply", "Yes, in a public reply"
    PRIVATE_MESSAGE = "private_message", "Yes, by private message"
    OTHER_CHANNEL = "other_channel", "Yes, another way (say how in the notes)"
    NOT_TOLD = "not_told", "No, and we will not (give the reason)"

    @classmethod
    def told(cls):
        return (cls.PUBLIC_REPLY, cls.PRIVATE_MESSAGE, cls.OTHER_CHANNEL)


class HateCrimeStrand(models.TextChoices):
    """The five strands of hate crime the law recognises."""

    RACE = "race", "Race"
    RELIGION = "religion", "Religion"
    DISABILITY = "disability", "Disability"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    TRANSGENDER = "transgender_identity", "Transgender identity"


class Reconsideration(models.TextChoices):
    REINSTATED = "reinstated", "Edited and reinstated"
    KEPT_HIDDEN = "kept_hidden", "Edited but kept hidden"


# A safeguarding concern nobody has taken on yet: the reminder's waiting rows, the log's
# "not yet taken on" filter and their partial index all ask this.
SAFEGUARDING_WAITING = models.Q(safeguarding=True, safeguarding_taken_at__isnull=True)


class EntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides which entries a user may read."""
        from moderation import rules

        if rules.can_read_everything(user):
            return self
        if rules.is_safeguarding_reader(user):
            return self.filter(safeguarding=True)
        return self.none()

    def delete(self):
        raise PermissionError("Moderation entries are kept; they cannot be deleted.")


class Entry(SafeguardingTakenOn):
    """What was done about one public comment, and why.

    Entries are never deleted: edits are kept in the history and the timeline, and only
    the retention job removes anything: the evidence files, and what the entry holds of
    the commenter, once its retention date has passed.
    """

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount",
        on_delete=models.PROTECT,
        related_name="moderation_entries",
        db_index=False,  # led by the composite indexes below
    )
    platform = models.CharField(max_length=20, choices=Platform.choices)
    occurred_at = models.DateTimeField(
        "when", default=timezone.now, help_text="When the comment was posted or seen."
    )
    post_url = models.URLField("link to the post", max_length=500, blank=True)
    comment_url = models.URLField("link to the comment", max_length=500, blank=True)
    commenter = models.ForeignKey(
        "moderation.Commenter", on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    excerpt = models.TextField(
        blank=True,
        help_text="Only the words needed to show the breach. Personal details are removed "
        "when it is saved.",
    )
    categories = models.ManyToManyField(
        "moderation.Category", through="moderation.EntryCategory", related_name="entries"
    )
    author_told = models.CharField(
        "author told why",
        max_length=20,
        choices=AuthorTold.choices,
        default=AuthorTold.NOT_YET,
    )
    not_told_reason = models.CharField("why they will not be told", max_length=300, blank=True)
    hate_crime_strand = models.CharField(
        max_length=30, choices=HateCrimeStrand.choices, blank=True
    )
    safeguarding = models.BooleanField("safeguarding concern", default=False)
    # When the flag went up (the safeguarding lead was told then); who took it on, when
    # and to what end are SafeguardingTakenOn's. The reminder engine chases the concerns
    # nobody has taken on.
    safeguarding_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    incident_reference = models.CharField(
        max_length=40,
        blank=True,
        db_default="",
        validators=[INCIDENT_REFERENCE],
        help_text="If it was reported in the trust's incident system (such as Datix), the "
        "incident's number, so the two records can be matched.",
    )
    notes = models.TextField(blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderation_entries",
        db_index=False,
    )
    made_repeat_offender = models.BooleanField(
        default=False, help_text="This entry took the author to the repeat-offender threshold."
    )

    # Retention, for every file on the entry and for what it holds of the commenter: the
    # day after this date the retention job removes both, unless the entry is on hold.
    evidence_retain_until = models.DateField("keep evidence until")
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=300, blank=True)
    # A hold keeps a person's details past their date, so it is looked at again by this
    # day (``MODERATION_LEGAL_HOLD_REVIEW_MONTHS`` after it was placed or last kept).
    legal_hold_review_on = models.DateField(
        "review the legal hold by", null=True, blank=True, editable=False
    )
    personal_data_removed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "When the excerpt, the link to the comment (and to the post, when it was not on "
            "the trust's account), the notes and the reasons given about the commenter were "
            "removed."
        ),
    )

    reconsideration = models.CharField(max_length=20, choices=Reconsideration.choices, blank=True)
    reconsidered_at = models.DateTimeField(null=True, blank=True)
    reconsidered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The member of staff's report this entry was made from, if any.
    concern = models.ForeignKey(
        "portal.Concern",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_entries",
        editable=False,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "entries"
        # The log pages by (occurred_at, id), newest first, under each filter it offers.
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="entry_log_idx"),
            models.Index(fields=["account", "-occurred_at", "-id"], name="entry_account_idx"),
            models.Index(fields=["commenter", "-occurred_at", "-id"], name="entry_commenter_idx"),
            models.Index(fields=["moderator", "-occurred_at", "-id"], name="entry_moderator_idx"),
            models.Index(fields=["platform", "-occurred_at", "-id"], name="entry_platform_idx"),
            models.Index(
                fields=["-occurred_at", "-id"],
                condition=models.Q(safeguarding=True),
                name="entry_safeguarding_idx",
            ),
            # What the retention job still has to do: entries that went through it drop
            # out, so its sweep does not grow with the years of the log.
            models.Index(
                fields=["evidence_retain_until"],
                condition=models.Q(legal_hold=False, personal_data_removed_at__isnull=True),
                name="entry_retention_due_idx",
            ),
            # Safeguarding concerns nobody has taken on yet: a handful at any time.
            models.Index(
                fields=["safeguarding_flagged_at"],
                condition=SAFEGUARDING_WAITING,
                name="entry_safeguarding_open_idx",
            ),
            # The legal holds to look at again, soonest first: only entries on hold.
            models.Index(
                fields=["legal_hold_review_on"],
                condition=models.Q(legal_hold=True),
                name="entry_hold_review_idx",
            ),
        ]

    def __str__(self):
        return f"Moderation entry {self.pk}"

    def get_absolute_url(self):
        return reverse("moderation:detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermissionError("Moderation entries are kept; they cannot be deleted.")

    @property
    def action_values(self):
        """The actions, from prefetched rows when there are some."""
        return [row.action for row in self.action_rows.all()]

    @property
    def action_labels(self):
        return [Action(value).label for value in self.action_values]

    @property
    def police_referral(self):
        return Action.POLICE in self.action_values

    @property
    def is_past_retention(self):
        """The retention job has been through it: what it held of the commenter is gone,
        and nothing more may be recorded on it."""
        return self.personal_data_removed_at is not None

    @property
    def retention_date_passed(self):
        """Its retention date is behind it: once not on hold, what it holds of the
        commenter goes at the next sweep."""
        return (
            self.evidence_retain_until is not None
            and self.evidence_retain_until < timezone.localdate()
        )

    @property
    def legal_hold_review_due(self):
        """On legal hold, and the day to look at the hold again has come."""
        return (
            self.legal_hold
            and self.legal_hold_review_on is not None
            and self.legal_hold_review_on <= timezone.localdate()
        )

    @property
    def safeguarding_waiting(self):
        """Flagged as a safeguarding concern and not yet taken on by the safeguarding lead."""
        return self.safeguarding and self.safeguarding_taken_at is None

    @property
    def can_be_reconsidered(self):
        return (
            Action.HIDE in self.action_values
            and not self.reconsideration
            and not self.is_past_retention
        )


class EntryCategory(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="category_rows")
    category = models.ForeignKey(
        "moderation.Category", on_delete=models.PROTECT, related_name="entry_rows"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "category"], name="one_row_per_category"),
        ]
        indexes = [models.Index(fields=["category", "entry"], name="entry_category_idx")]

    def __str__(self):
        return f"{self.entry_id}: {self.category_id}"


class EntryAction(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="action_rows")
    action = models.CharField(max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "action"], name="one_row_per_action"),
        ]
        indexes = [models.Index(fields=["action", "entry"], name="entry_action_idx")]

    def __str__(self):
        return f"{self.entry_id}: {self.action}"


class EntryEvent(TransitionRecord):
    """The entry's timeline: logged, edited, reconsidered, put on hold, evidence gone."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="events")

    RECORD_MODEL = Entry
    ACTION_LABELS = {
        "created": "logged the entry",
        "from_concern": "made the entry from a staff report",
        "edited": "edited the entry",
        "evidence_added": "added evidence",
        "reconsidered": "recorded a reconsideration",
        "legal_hold_placed": "put the evidence on legal hold",
        "legal_hold_lifted": "lifted the legal hold",
        "legal_hold_kept": "looked at the legal hold and kept it",
        "safeguarding_taken_on": "took on the safeguarding concern",
        "evidence_removed": "removed expired evidence",
        "personal_data_removed": "removed the commenter's details",
        "evidence_erased": "removed evidence early, by decision",
        "details_erased": "removed the commenter's details early, by decision",
    }

    class Meta(TransitionRecord.Meta):
        indexes = [models.Index(fields=["entry", "at"], name="entry_event_idx")]

    def __str__(self):
        return f"{self.action} on entry {self.entry_id}"
