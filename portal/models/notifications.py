import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

# An ordinary reminder for someone who chose the daily digest: it waits for the digest.
HELD_FOR_DIGEST = Q(reminder=True, urgent=False, recipient__wants_daily_digest=True)


def claim_timeout():
    """How long a delivery may hold a claim before another may take the row over."""
    return datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def _claimable(self, now):
        """Not sent nor given up on, and not claimed by a delivery that may still be
        running."""
        return self.filter(emailed_at__isnull=True, email_given_up_at__isnull=True).filter(
            Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - claim_timeout())
        )

    def awaiting_email(self, now):
        """Rows whose own e-mail is due and not sent, nor claimed by a live delivery."""
        return (
            self._claimable(now)
            .filter(Q(send_after__isnull=True) | Q(send_after__lte=now))
            .exclude(HELD_FOR_DIGEST)
        )

    def awaiting_digest(self, now, written_before):
        """Reminders held for their recipient's daily digest, written before ``written_before``."""
        return (
            self._claimable(now)
            .filter(HELD_FOR_DIGEST)
            .filter(created_at__lt=written_before)
            .filter(Q(send_after__isnull=True) | Q(send_after__lte=now))
        )


class Notification(models.Model):
    """One message to one person: shown in the portal and sent by e-mail.

    The row is written in the same transaction as the change it reports, so the database
    is the outbox: if the broker is down the e-mail is sent later by the sweep.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    reminder = models.BooleanField(
        default=False,
        help_text="An ordinary reminder: e-mailed in office hours, or in the daily digest "
        "for people who chose one.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    send_after = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Ordinary reminders wait for office hours; an e-mail the mail server "
        "refused waits to be tried again.",
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Sends the mail server refused, and when the last allowed one failed
    # (``NOTIFICATION_EMAIL_ATTEMPTS``): no more are tried; the portal still shows it.
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_given_up_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["send_after", "id"],
                condition=Q(emailed_at__isnull=True),
                name="notification_outbox_idx",
            ),
        ]

    def __str__(self):
        return self.title
