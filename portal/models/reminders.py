from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .records import AppendOnlyModel


class ReminderSent(AppendOnlyModel):
    """One stage of one reminder rule, sent once for one wait of one record.

    The unique key is what makes the sweep safe to run twice, or in two beat processes at
    once: the second insert of the same key fails, and that sweep sends nothing. A record
    that starts waiting again (a proposal sent back for changes a second time) has a new
    ``episode`` and is reminded again. A stage that fell due together with a later one
    telling the same people is written too, sent to nobody (``passed_to``).
    """

    rule = models.CharField(max_length=60)
    stage = models.CharField(max_length=30)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    episode = models.DateTimeField(help_text="When the wait began.")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    recipient_count = models.PositiveIntegerField(default=0)
    passed_to = models.CharField(
        max_length=30,
        blank=True,
        help_text="The later stage, due at the same time, that told everyone this one would "
        "have told; this one was then sent to nobody.",
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "stage", "content_type", "object_id", "episode"],
                name="reminder_once_per_stage",
            ),
        ]

    def __str__(self):
        return f"{self.rule}.{self.stage} for {self.object_id} at {self.sent_at:%Y-%m-%d %H:%M}"
