import importlib

import pytest
from django.urls import reverse

from moderation.models import Category
from tests import factories
from tests.moderation.helpers import category, log_entry

# The categories the guidelines require, by slug.
REQUIRED = {
    "hateful-discriminatory",
    "swearing-obscenity",
    "abuse",
    "targeting-staff",
    "threats-violence",
    "sexual-content",
    "inappropriate-links",
    "illegal-activity",
    "defamation",
    "personal-information",
    "irrelevant-advertising",
    "misinformation",
    "impersonation",
    "spam-bots",
    "repetitive-provocation",
    "offensive-profile",
    "encouraging-breaches",
    "platform-terms",
    "safeguarding-concern",
}
SEEDS = {"000", "002", "003", "004"}


@pytest.mark.django_db
def test_the_migration_creates_every_required_category_with_its_sources():
    categories = {c.slug: c for c in Category.objects.all()}
    assert set(categories) >= REQUIRED
    for slug in REQUIRED:
        found = categories[slug]
        assert found.description and found.public_wording, slug
        cited = {part.strip().split(" ")[0] for part in found.sources.split(",")}
        assert cited & (SEEDS | {"001"}), slug
        assert not found.is_retired
    # Every guideline document is the source of at least one category.
    all_sources = ",".join(c.sources for c in categories.values())
    for seed in SEEDS:
        assert seed in all_sources
    assert categories["safeguarding-concern"].raises_safeguarding
    assert sum(c.raises_safeguarding for c in categories.values()) == 1


@pytest.mark.django_db
def test_the_migration_can_be_run_again_without_duplicates():
    migration = importlib.import_module("moderation.migrations.0002_guideline_taxonomy")
    from django.apps import apps

    before = Category.objects.count()
    migration.add_categories(apps, None)
    assert Category.objects.count() == before


@pytest.mark.django_db
def test_comms_add_a_category(comms, as_user):
    response = as_user(comms).post(
        reverse("moderation:category_create"),
        {
            "name": "Medical misinformation about a service",
            "description": "False claims about how one of our services works.",
            "public_wording": "False claims about our services.",
            "sources": "Local decision",
            "order": 300,
        },
    )
    assert response.status_code == 302
    added = Category.objects.get(name="Medical misinformation about a service")
    assert added.slug == "medical-misinformation-about-a-service"
    assert added.history.count() == 1


@pytest.mark.django_db
def test_a_category_needs_its_wording(comms, as_user):
    response = as_user(comms).post(reverse("moderation:category_create"), {"name": "Thin"})
    assert response.status_code == 400
    assert not Category.objects.filter(name="Thin").exists()
    assert "Enter an answer." in response.content.decode()


@pytest.mark.django_db
def test_comms_edit_a_category_and_the_change_is_kept(comms, as_user):
    spam = category("spam-bots")
    response = as_user(comms).post(
        reverse("moderation:category_edit", args=[spam.pk]),
        {
            "name": spam.name,
            "description": "Automated or fake accounts, and floods of repeated messages.",
            "public_wording": spam.public_wording,
            "sources": spam.sources,
            "order": spam.order,
        },
    )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.description.startswith("Automated")
    assert spam.history.first().history_change_reason == "edited"


@pytest.mark.django_db
def test_a_retired_category_stays_on_old_entries_but_leaves_the_form_and_public_page(
    comms, as_user, team
):
    account = factories.managed_account(team=team)
    spam = category("spam-bots")
    entry = log_entry(comms, account, categories=[spam])
    client = as_user(comms)
    retire = reverse("moderation:category_retire", args=[spam.pk])
    assert client.post(retire, {"intent": "retire"}).status_code == 302
    # A second press from a page that still offered it changes nothing.
    assert client.post(retire, {"intent": "retire"}).status_code == 409
    assert client.post(retire).status_code == 400
    spam.refresh_from_db()
    assert spam.is_retired
    assert list(entry.categories.all()) == [spam]
    new_form = client.get(reverse("moderation:create")).content.decode()
    assert f'value="{spam.pk}"' not in new_form
    # Editing the old entry still shows it, marked retired, so saving does not lose it.
    edit_form = client.get(reverse("moderation:edit", args=[entry.pk])).content.decode()
    assert "Spam and bots (retired)" in edit_form
    guidelines = as_user(None).get(reverse("moderation:guidelines")).content.decode()
    assert "Spam and bots" not in guidelines
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "category since retired" in detail
    # And it can come back.
    client.post(reverse("moderation:category_retire", args=[spam.pk]), {"intent": "bring_back"})
    spam.refresh_from_db()
    assert not spam.is_retired


@pytest.mark.django_db
def test_only_comms_change_categories(auditor, safeguarding_lead, member, as_user):
    spam = category("spam-bots")
    for user in (auditor, safeguarding_lead, member):
        response = as_user(user).post(
            reverse("moderation:category_retire", args=[spam.pk]), {"intent": "retire"}
        )
        assert response.status_code == 403
    spam.refresh_from_db()
    assert not spam.is_retired


@pytest.mark.django_db
def test_the_public_guidelines_page_is_open_to_anyone_and_signposts_help(as_user):
    from portal.models import OrganisationProfile

    profile = OrganisationProfile.load()
    profile.crisis_line = "Riverside crisis line 0800 000 0000"
    profile.pals_contact = "pals@riverside.example"
    profile.complaints_contact = "complaints@riverside.example"
    profile.save()
    response = as_user(None).get(reverse("moderation:guidelines"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Riverside crisis line 0800 000 0000" in page
    assert "pals@riverside.example" in page
    assert "complaints@riverside.example" in page
    assert profile.comms_email in page
    for found in Category.objects.live():
        assert found.public_wording.split(".")[0].replace("'", "&#x27;") in page
    # Written for the public: the moderators' notes are not on it.
    assert category("safeguarding-concern").description not in page


@pytest.mark.django_db
def test_the_guidelines_say_which_accounts_are_ours_and_what_happens_to_messages(as_user):
    from portal.models import OrganisationProfile

    page = as_user(None).get(reverse("moderation:guidelines")).content.decode()
    assert (
        f'href="{reverse("accounts_requests:public_register")}">list of official accounts' in page
    )
    assert "privacy policy and terms" in page
    assert "#MentalHealthAwareness" in page
    assert "does not mean we endorse it" in page
    assert "Privacy notice" not in page and "privacy notice</a>" not in page
    profile = OrganisationProfile.load()
    profile.privacy_url = "https://riverside.example/privacy"
    profile.save()
    page = as_user(None).get(reverse("moderation:guidelines")).content.decode()
    assert '<a href="https://riverside.example/privacy">privacy notice</a>' in page
