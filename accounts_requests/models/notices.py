"""Credential-change notices, security incidents and "rotate the login details" tasks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts_requests import rules

from .setup import _scoped


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user)

    def awaiting_acknowledgement(self):
        return self.filter(state=CredentialChangeNotice.State.OPEN)


class CredentialChangeNotice(ConcurrentTransitionMixin, models.Model):
    """A team telling the communications team that an account's login details changed."""

    class What(models.TextChoices):
        PASSWORD = "password", "Password"
        LOGIN_EMAIL = "login_email", "Login e-mail address"
        TWO_FACTOR = "two_factor", "Two-step verification or phone number"
        ADMIN = "admin", "An admin added or removed"
        HANDLE = "handle", "Handle or account name"

    class Reason(models.TextChoices):
        ROUTINE = "routine", "Routine change"
        LEAVER = "leaver", "A member of staff left"
        COMPROMISE = "compromise", "Suspected compromise (hacked or posts we did not write)"
        PLATFORM_RESET = "platform_reset", "The platform reset it"

    class State(models.TextChoices):
        OPEN = "open", "Awaiting acknowledgement"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount", on_delete=models.PROTECT, related_name="notices"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    what_changed = models.CharField(max_length=20, choices=What.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    changed_at = models.DateTimeField("when it changed")
    reported_at = models.DateTimeField("when it was reported", db_index=True)
    report_due_by = models.DateTimeField(
        help_text="One working day after the change: reported later than this is late."
    )
    is_late = models.BooleanField("reported late", default=False)
    details = models.TextField(
        blank=True,
        help_text="Anything the communications team should know. Never the password itself.",
    )
    new_secret_lodged = models.BooleanField("new login details lodged", default=False)

    state = FSMField(
        max_length=20, choices=State.choices, default=State.OPEN, protected=True, db_index=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_comment = models.TextField(blank=True)

    objects = NoticeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = "credential-change notice"
        indexes = [
            models.Index(fields=["account", "-reported_at"], name="notice_account_idx"),
        ]

    def __str__(self):
        # Named by its account: reminders and the admin show it where people read it.
        return f"{self.get_what_changed_display()} changed on {self.account}"

    def get_absolute_url(self):
        return reverse("accounts_requests:account_detail", args=[self.account_id]) + (
            f"#notice-{self.pk}"
        )

    @property
    def is_compromise(self):
        return self.reason == self.Reason.COMPROMISE

    @transition(
        field=state,
        source=State.OPEN,
        target=State.ACKNOWLEDGED,
        permission=rules.can_acknowledge_notice,
        custom={"label": "Acknowledge", "style": "primary", "comment": "optional"},
    )
    def acknowledge(self, *, by, at, comment=""):
        self.acknowledged_by = by
        self.acknowledged_at = at
        self.acknowledgement_comment = comment


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user)

    def open(self):
        return self.filter(resolved_at__isnull=True)


class SecurityIncident(models.Model):
    """A suspected compromise of an account, from the report until comms resolve it."""

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount", on_delete=models.PROTECT, related_name="incidents"
    )
    notice = models.OneToOneField(
        CredentialChangeNotice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    suspended_account = models.BooleanField(
        default=False, help_text="Whether reporting it suspended the account."
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    objects = IncidentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "security incident"
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_incident_per_account",
            ),
        ]
        # The reminder sweep's question: which incidents are still open, oldest first.
        indexes = [
            models.Index(
                fields=["opened_at"],
                condition=Q(resolved_at__isnull=True),
                name="incident_open_idx",
            ),
        ]

    def __str__(self):
        return f"Incident on account {self.account_id} opened {self.opened_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.account.get_absolute_url()

    @property
    def is_open(self):
        return self.resolved_at is None


class RotationTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user)

    def open(self):
        return self.filter(closed_at__isnull=True)


class RotationTask(models.Model):
    """Someone who could get into the account has left: change its password.

    Raised when a named moderator or admin, or someone who revealed the login details,
    is deactivated; closed by the next notice of a password change on the account.
    """

    class Reason(models.TextChoices):
        NAMED = "named", "A named moderator or admin was deactivated"
        LODGED = "lodged", "Someone who lodged the login details was deactivated"
        REVEALED = "revealed", "Someone who had seen the login details was deactivated"

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount",
        on_delete=models.PROTECT,
        related_name="rotation_tasks",
    )
    departed_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    raised_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_notice = models.ForeignKey(
        CredentialChangeNotice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="closed_tasks",
    )

    objects = RotationTaskQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = "rotate-the-login-details task"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "departed_user"],
                condition=Q(closed_at__isnull=True),
                name="one_open_rotation_per_leaver",
            ),
        ]
        # The reminder sweep's question: which tasks are still open, oldest first.
        indexes = [
            models.Index(
                fields=["raised_at"],
                condition=Q(closed_at__isnull=True),
                name="rotation_open_idx",
            ),
        ]

    def __str__(self):
        return f"Rotate the login details of account {self.account_id}"

    def get_absolute_url(self):
        return self.account.get_absolute_url()
