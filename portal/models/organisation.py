import datetime

from django.core.cache import cache
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

CACHE_KEY = "portal:organisation-profile"


class OrganisationProfile(models.Model):
    """The trust's details, one row, shown wherever a page needs them."""

    trust_name = models.CharField(max_length=200, default="NHS Foundation Trust")
    short_name = models.CharField(
        max_length=40, default="the Trust", help_text="Used in e-mail subjects and headings."
    )
    comms_email = models.EmailField(
        "communications team e-mail", default="communications@example.nhs.uk"
    )
    comms_phone = models.CharField("communications team phone", max_length=40, blank=True)
    office_opens = models.TimeField(default=datetime.time(9, 0))
    office_closes = models.TimeField(default=datetime.time(17, 0))
    crisis_line = models.CharField(
        "crisis line",
        max_length=200,
        default="NHS 111, option 2 (open day and night)",
        help_text="What someone in a mental health crisis should call.",
    )
    crisis_url = models.URLField("crisis information page", blank=True)
    pals_contact = models.CharField(
        "PALS contact", max_length=200, blank=True, help_text="Patient Advice and Liaison Service."
    )
    pals_url = models.URLField("PALS page", blank=True)
    complaints_contact = models.CharField(max_length=200, blank=True)
    complaints_url = models.URLField("complaints page", blank=True)
    website = models.URLField("trust website", blank=True)
    privacy_url = models.URLField(
        "privacy notice page",
        blank=True,
        help_text="The trust's privacy notice, linked at the foot of every page.",
    )
    policy_url = models.URLField(
        "published social media policy",
        blank=True,
        help_text="Where the public can read the trust's social media policy. Linked from "
        "the help page and the community guidelines.",
    )
    policy_review_due = models.DateField(
        "social media policy review due",
        null=True,
        blank=True,
        help_text="When the social media policy is next due for review. The head of "
        "communications is reminded as the date approaches.",
    )
    accessibility_reviewed_on = models.DateField(
        "accessibility statement last reviewed",
        null=True,
        blank=True,
        help_text="The day the trust last reviewed the portal's accessibility statement, "
        "shown on the statement.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation profile"

    def __str__(self):
        return self.trust_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        self.forget()

    def get_absolute_url(self):
        return reverse("portal:organisation")

    @classmethod
    def forget(cls):
        """Drop the kept copy (in this process, or shared with CACHE_URL), so the next
        ``load`` reads the row."""
        cache.delete(CACHE_KEY)

    @classmethod
    def load(cls):
        profile = cache.get(CACHE_KEY)
        if profile is None:
            profile, _ = cls.objects.get_or_create(pk=1)
            cache.set(CACHE_KEY, profile, 60)
        return profile

    @property
    def office_hours_text(self):
        return (
            f"{self.office_opens:%H:%M} to {self.office_closes:%H:%M}, "
            "Monday to Friday, except bank holidays"
        )
