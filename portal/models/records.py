from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Records in this log are kept; they cannot be deleted.")

    def update(self, **kwargs):
        raise PermissionError("Records in this log are kept as written; they cannot be changed.")


class AppendOnlyModel(models.Model):
    """A log row: written once, never changed or deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(
                "Records in this log are kept as written; they cannot be changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Records in this log are kept; they cannot be deleted.")


class TransitionRecord(AppendOnlyModel):
    """What happened to a record with a state machine: who, when, from, to, and why.

    Subclasses add the foreign key to the record. Together the rows are the timeline a
    user reads on the record's page.
    """

    actor = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    comment = models.TextField(blank=True)
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    # Subclasses say how their actions and states read on the timeline.
    ACTION_LABELS: dict = {}
    STATES = None
    RECORD_MODEL = None

    def get_action_label(self):
        return self.ACTION_LABELS.get(self.action, self.action.replace("_", " "))

    def _state_label(self, value):
        if self.STATES is None:
            return value
        try:
            return self.STATES(value).label
        except ValueError:
            return value

    @property
    def from_state_label(self):
        return self._state_label(self.from_state)

    @property
    def to_state_label(self):
        return self._state_label(self.to_state)

    @property
    def changed_labels(self):
        labels = []
        for name in self.changed_fields:
            try:
                labels.append(str(self.RECORD_MODEL._meta.get_field(name).verbose_name))
            except Exception:
                labels.append(name)
        return labels
