from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class CategoryQuerySet(models.QuerySet):
    def live(self):
        return self.filter(retired_at__isnull=True)


class Category(models.Model):
    """One kind of breach of the community guidelines.

    Retiring a category takes it off the form and the public page; entries that used it
    keep it, so the log still says what was breached at the time.
    """

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(
        help_text="What the category covers, for the people who moderate."
    )
    public_wording = models.TextField(
        "wording on the public guidelines",
        help_text="How the public guidelines page explains it, in plain words.",
    )
    sources = models.CharField(
        max_length=200,
        blank=True,
        help_text="Which source guidelines the category comes from.",
    )
    raises_safeguarding = models.BooleanField(
        default=False,
        help_text="Choosing this category flags the entry as a safeguarding concern.",
    )
    zero_tolerance = models.BooleanField(
        default=False,
        help_text="A comment that breaks this guideline comes down and its author is "
        "blocked at the first breach, without working up the ladder. An entry that does "
        "otherwise must say why in its notes.",
    )
    order = models.PositiveSmallIntegerField(default=100)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CategoryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("moderation:category_edit", args=[self.pk])

    @property
    def is_retired(self):
        return self.retired_at is not None
