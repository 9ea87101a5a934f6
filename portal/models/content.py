"""The playbook and the training slides: a shared draft, and every published version kept.

Comms edit one draft per document; publishing copies it into a new, numbered, append-only
``DocumentVersion``. The newest version is the one staff read. Staff confirm they have
read a playbook version with a ``ReadConfirmation``; a new version asks them again.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .records import AppendOnlyModel


class Document(models.Model):
    class Kind(models.TextChoices):
        PLAYBOOK = "playbook", "Playbook"
        SLIDES = "slides", "Training slides"

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)

    # The one shared draft. ``draft_revision`` goes up on every save, discard and publish,
    # so an editor working from an older page is told instead of overwriting someone.
    has_draft = models.BooleanField(default=False)
    draft_title = models.CharField(max_length=200, blank=True)
    draft_body = models.TextField(blank=True)
    draft_based_on = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version number the draft was started from."
    )
    draft_revision = models.PositiveIntegerField(default=0)
    draft_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    draft_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        if self.kind == self.Kind.SLIDES:
            return reverse("portal:slides")
        return reverse("portal:playbook")

    @property
    def is_slides(self):
        return self.kind == self.Kind.SLIDES

    def current_version(self):
        return self.versions.order_by("-number").select_related("published_by").first()


class DocumentVersion(AppendOnlyModel):
    """One published version, kept as written for as long as the portal runs."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown, as written by the communications team.")
    change_summary = models.CharField(
        "what changed",
        max_length=300,
        blank=True,
        help_text="One or two sentences for staff who read the last version.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_version_number"),
        ]

    def __str__(self):
        return f"{self.document} version {self.number}"

    def get_absolute_url(self):
        return reverse("portal:content_version", args=[self.document.kind, self.number])


class ReadConfirmation(AppendOnlyModel):
    """A member of staff has read and understood one version of the playbook."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_confirmations"
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="confirmations"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="one_confirmation_per_version"
            ),
        ]
        indexes = [models.Index(fields=["version", "user"], name="confirmation_version_idx")]

    def __str__(self):
        return f"{self.user} read {self.version}"
