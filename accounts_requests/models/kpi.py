"""Monthly KPI figures, the rules that flag an account's health, and figure imports."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts_requests.kpi.months import month_end, month_label


class MonthlyFiguresQuerySet(models.QuerySet):
    def visible_to(self, user):
        from accounts_requests.models import ManagedAccount

        return self.filter(account__in=ManagedAccount.objects.visible_to(user))


class MonthlyFigures(models.Model):
    """One account's figures for one calendar month. Entering a month again updates it."""

    class Source(models.TextChoices):
        FORM = "form", "Entered in the form"
        IMPORT = "import", "Imported from a CSV file"

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount", on_delete=models.PROTECT, related_name="figures"
    )
    month = models.DateField(help_text="The first day of the month the figures are for.")
    followers = models.PositiveIntegerField(help_text="Followers at the end of the month.")
    posts = models.PositiveIntegerField(help_text="Posts published during the month.")
    engagements = models.PositiveBigIntegerField(
        help_text="Likes, comments, shares, saves and clicks during the month."
    )
    impressions = models.PositiveBigIntegerField(
        help_text="How many times the account's posts were seen during the month."
    )
    messages_received = models.PositiveIntegerField(
        null=True, blank=True, help_text="Direct messages and comments needing a reply."
    )
    median_reply_hours = models.DecimalField(
        "median reply time (hours)",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Half of the messages had a reply within this many hours.",
    )
    last_post_on = models.DateField(
        "date of the last post",
        null=True,
        blank=True,
        help_text="Optional; makes the dormancy check exact.",
    )
    # Derived when saved, so health can be judged in the database: the latest day the
    # figures show a post (the day given, or the month's first day when only a count is
    # known), and the month's last day.
    active_until = models.DateField(null=True, editable=False)
    period_end = models.DateField(editable=False)

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    import_batch = models.ForeignKey(
        "accounts_requests.FiguresImport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="figures",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    objects = MonthlyFiguresQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["active_until", "period_end", "entered_at"])

    FIGURE_FIELDS = (
        "followers",
        "posts",
        "engagements",
        "impressions",
        "messages_received",
        "median_reply_hours",
        "last_post_on",
    )

    class Meta:
        ordering = ["account", "-month"]
        verbose_name = "monthly figures"
        verbose_name_plural = "monthly figures"
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="one_figures_row_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="figures_month_is_first_day"),
        ]
        indexes = [models.Index(fields=["account", "-month"], name="figures_latest_idx")]

    def __str__(self):
        return f"{self.account_id}: {month_label(self.month)}"

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def derive(self):
        """Fill the derived columns; bulk writes call this because they skip save()."""
        self.period_end = month_end(self.month)
        if self.last_post_on:
            self.active_until = self.last_post_on
        elif self.posts:
            self.active_until = self.month
        else:
            self.active_until = None
        return self

    @property
    def engagement_rate(self):
        """Engagements as a percentage of impressions; None when nothing was seen."""
        if not self.impressions:
            return None
        return self.engagements * 100 / self.impressions


class HealthRules(models.Model):
    """When an account is flagged. One row, edited by the communications team."""

    below_target_months = models.PositiveSmallIntegerField(
        "months below target",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Flag an account whose engagement rate has been below its target for this "
        "many reported months running.",
    )
    dormant_days = models.PositiveSmallIntegerField(
        "days without a post",
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text="Call an account dormant when its figures show no post for this many days.",
    )
    missing_months = models.PositiveSmallIntegerField(
        "months without figures",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Flag an account when figures are missing for this many finished months.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "account health rules"
        verbose_name_plural = "account health rules"

    def __str__(self):
        return "Account health rules"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The one row, created with the defaults the first time it is asked for."""
        try:
            return cls.objects.get(pk=1)
        except cls.DoesNotExist:
            pass
        try:
            with transaction.atomic():
                return cls.objects.create(pk=1)
        except IntegrityError:  # created by another request at the same moment
            return cls.objects.get(pk=1)


class FiguresImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from accounts_requests.models import ManagedAccount
        from portal import rules as portal_rules

        if portal_rules.sees_everything(user):
            return self
        return self.filter(account__in=ManagedAccount.objects.visible_to(user))


class FiguresImport(models.Model):
    """One uploaded CSV file of figures: what was in it, how far it has got, what was wrong.

    Kept as the record of who imported what. The file's text is held only until it has
    been processed.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Checking and importing"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Not imported: the file has problems"

    account = models.ForeignKey(
        "accounts_requests.ManagedAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="figure_imports",
        help_text="Empty when the file holds figures for several accounts.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text="Each bad row: its line number and what is wrong."
    )
    notes = models.JSONField(default=list, blank=True)
    pending_text = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = FiguresImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "figures import"

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("accounts_requests:import_status", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.REJECTED)

    @property
    def percent(self):
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))


class FiguresSummary(models.Model):
    """What an account's figures say, kept beside it so the overview of every account's
    health is one cheap query however many months of figures there are.

    Derived, never edited: ``accounts_requests.kpi.summary.refresh`` rewrites it, for the
    accounts concerned, in the same transaction as every change to figures or targets.
    """

    account = models.OneToOneField(
        "accounts_requests.ManagedAccount",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="figures_summary",
    )
    latest_month = models.DateField(null=True)
    latest_followers = models.PositiveIntegerField(null=True)
    latest_posts = models.PositiveIntegerField(null=True)
    latest_rate = models.FloatField(null=True)
    previous_rate = models.FloatField(null=True)
    latest_period_end = models.DateField(null=True)
    last_active = models.DateField(null=True)
    last_good_month = models.DateField(null=True)
    below_run = models.PositiveIntegerField(
        default=0, help_text="Months reported since the engagement rate last met its target."
    )
    refreshed_at = models.DateTimeField(auto_now=True)

    FACTS = (
        "latest_month",
        "latest_followers",
        "latest_posts",
        "latest_rate",
        "previous_rate",
        "latest_period_end",
        "last_active",
        "last_good_month",
        "below_run",
    )

    class Meta:
        verbose_name_plural = "figures summaries"

    def __str__(self):
        return f"Figures summary of account {self.account_id}"
