"""What a team records while setting an account up (Appendix A 1.5)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


def _scoped(queryset, user, field="account__team"):
    from portal import rules as portal_rules

    if portal_rules.sees_everything(user):
        return queryset
    return queryset.filter(portal_rules.team_scope(user, field))


class AccountSetupQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user)


class AccountSetup(models.Model):
    """The set-up checklist answers that are not already fields of the account."""

    account = models.OneToOneField(
        "accounts_requests.ManagedAccount", on_delete=models.CASCADE, related_name="setup"
    )
    comms_admin_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who confirmed the communications team has admin rights on the platform.",
    )
    comms_admin_confirmed_at = models.DateTimeField(null=True, blank=True)
    verified_badge = models.BooleanField(
        "shows the platform's verified badge",
        default=False,
        help_text="The account carries the platform's badge that marks it as authentic.",
    )
    badge_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    badge_confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the communications team was told the checklist is complete, so it is told once.
    ready_notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountSetupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "account set-up"

    def __str__(self):
        return f"Set-up of account {self.account_id}"

    @property
    def comms_admin_confirmed(self):
        return self.comms_admin_confirmed_at is not None


class AccountModeratorQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, user)

    def current(self):
        """Named people who can still act: signed-in accounts not deactivated."""
        return self.filter(user__is_active=True)


class AccountModerator(models.Model):
    """A person named as moderating, or administering, an account on the platform."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", "Moderator"
        ADMIN = "admin", "Admin and moderator"

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount", on_delete=models.CASCADE, related_name="moderators"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderated_accounts"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MODERATOR)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    objects = AccountModeratorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__username"]
        verbose_name = "named moderator"
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="one_naming_per_person"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) on account {self.account_id}"
