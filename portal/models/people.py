from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class SignInStatus(models.TextChoices):
    """Where someone is with their sign-in, as the People page shows and filters it."""

    INVITED = "invited", "Invited, no password yet"
    NOT_SIGNED_IN = "not_signed_in", "Not signed in yet"
    ACTIVE = "active", "Active"
    DEACTIVATED = "deactivated", "Deactivated"


# ``User.awaits_first_password`` as a query: no usable password and never signed in.
AWAITS_FIRST_PASSWORD = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX, last_login__isnull=True)

# Each SignInStatus as a query, the same tests as ``User.sign_in_status``.
SIGN_IN_STATUS_QUERIES = {
    SignInStatus.INVITED: Q(AWAITS_FIRST_PASSWORD, is_active=True),
    SignInStatus.NOT_SIGNED_IN: Q(is_active=True, last_login__isnull=True)
    & ~AWAITS_FIRST_PASSWORD,
    SignInStatus.ACTIVE: Q(is_active=True, last_login__isnull=False),
    SignInStatus.DEACTIVATED: Q(is_active=False),
}


class User(AbstractUser):
    wants_daily_digest = models.BooleanField(
        "one daily digest",
        default=False,
        help_text="Collect ordinary reminders into one e-mail a day. "
        "Urgent alerts still come at once.",
    )
    email_refused_at = models.DateTimeField(
        "e-mail refused since",
        null=True,
        blank=True,
        editable=False,
        help_text="When the mail server refused e-mail to this address for good and the "
        "portal gave up on it. Cleared when the address is changed.",
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_email = user.__dict__.get("email")
        return user

    def save(self, *args, **kwargs):
        # A new address is worth trying: whatever refused the old one says nothing of it.
        loaded = getattr(self, "_loaded_email", None)
        if self.email_refused_at and loaded is not None and self.email != loaded:
            self.email_refused_at = None
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "email_refused_at"}
        super().save(*args, **kwargs)
        self._loaded_email = self.email

    @property
    def display_name(self):
        return str(self)

    @property
    def awaits_first_password(self):
        """Added in the portal and not yet signed in: no password until they choose one
        from the link they are e-mailed (``portal.passwords``)."""
        return not self.has_usable_password() and self.last_login is None

    @property
    def sign_in_status(self):
        if not self.is_active:
            return SignInStatus.DEACTIVATED
        if self.awaits_first_password:
            return SignInStatus.INVITED
        if self.last_login is None:
            return SignInStatus.NOT_SIGNED_IN
        return SignInStatus.ACTIVE


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        from portal import rules

        if rules.sees_everything(user):
            return self
        return self.filter(pk__in=rules.team_ids(user))


class Team(models.Model):
    name = models.CharField(max_length=150, unique=True)
    directorate = models.CharField(max_length=150, blank=True)
    is_communications = models.BooleanField(
        "communications team",
        default=False,
        help_text="The team that owns the trust's corporate accounts.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("act_as_comms", "Acts as the communications team"),
            ("act_as_head_of_comms", "Signs off closures and receives escalations"),
            ("audit_everything", "Reads every record without changing any"),
            ("receive_safeguarding", "Receives safeguarding referrals at once"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:team_detail", args=[self.pk])


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Team member"
        MANAGER = "manager", "Service manager"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["team__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.team})"
