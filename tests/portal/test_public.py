"""Pages anyone may read: crisis and contact signposting, and the welcome page."""

import datetime

import pytest
from django.urls import reverse

from portal.models import OrganisationProfile
from portal.views import public


def _profile(**fields):
    profile = OrganisationProfile.load()
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()


def test_the_help_page_signposts_from_the_organisation_profile(client, db):
    _profile(
        crisis_line="Riverside crisis line, 0800 123 4567, day and night",
        crisis_url="https://riverside.example.nhs.uk/crisis",
        pals_contact="pals@riverside.example.nhs.uk",
        complaints_contact="complaints@riverside.example.nhs.uk",
        comms_email="comms@riverside.example.nhs.uk",
    )
    response = client.get(reverse("portal:get_help"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "call 999" in page
    assert (
        '<a href="https://riverside.example.nhs.uk/crisis">Riverside crisis line, 0800 123 4567'
        in page
    )
    assert "pals@riverside.example.nhs.uk" in page
    assert "complaints@riverside.example.nhs.uk" in page
    assert "mailto:comms@riverside.example.nhs.uk" in page
    assert "We never discuss anyone's care" in page
    assert "Staff sign in" in page
    assert "Notifications" not in page


def test_the_help_page_works_with_an_empty_profile(client, db):
    _profile(pals_contact="", complaints_contact="", complaints_url="", comms_phone="")
    page = client.get(reverse("portal:get_help")).content.decode()
    assert "Patient Advice and Liaison Service (PALS)" in page
    assert "Ask PALS how to make a complaint." in page


def test_links_to_pages_not_built_yet_are_left_out(client, db):
    """The register and the guidelines come from other apps; until they exist the pages
    render without them instead of failing."""
    from django.urls import NoReverseMatch

    page = client.get(reverse("portal:welcome")).content.decode()
    for name in ("moderation:guidelines", "accounts_requests:public_register"):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        assert url in page


def test_the_welcome_page_is_for_signed_out_visitors(client, db):
    page = client.get(reverse("portal:welcome")).content.decode()
    assert "Staff sign in" in page
    assert reverse("portal:get_help") in page


def test_the_sign_in_page_links_to_help(client, db):
    assert reverse("portal:get_help") in client.get(reverse("portal:login")).content.decode()


# The accessibility statement


def test_the_accessibility_statement_is_open_to_anyone_and_says_how_to_report(client, db):
    _profile(comms_email="comms@riverside.example.nhs.uk", comms_phone="020 7946 0000")
    response = client.get(reverse("portal:accessibility"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Accessibility statement</h1>" in page
    assert "WCAG" in page and "2.2" in page
    assert 'href="mailto:comms@riverside.example.nhs.uk"' in page
    assert "020 7946 0000" in page
    assert "Equality Advisory and Support Service" in page
    # Not reviewed yet: no date is made up.
    assert "last reviewed this statement" not in page


def test_the_statement_gives_the_idle_limit_in_force_and_the_review_date(client, db, settings):
    settings.SESSION_COOKIE_AGE = 90 * 60
    _profile(accessibility_reviewed_on=datetime.date(2026, 11, 30))
    page = client.get(reverse("portal:accessibility")).content.decode()
    assert "signed out only after 90 minutes without using the portal" in page
    assert "The trust last reviewed this statement on 30 November 2026." in page
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    assert "signed out only after 8 hours without using the portal" in (
        client.get(reverse("portal:accessibility")).content.decode()
    )


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (3600, "1 hour"),
        (28800, "8 hours"),
        (5400, "90 minutes"),
        (60, "1 minute"),
        (20, "1 minute"),
    ],
)
def test_an_idle_limit_in_words(seconds, said):
    assert public._duration(seconds) == said


def test_every_page_links_to_the_statement_and_to_a_privacy_notice_once_given(
    client, db, as_user, member
):
    statement = f'href="{reverse("portal:accessibility")}"'
    for page in (
        client.get(reverse("portal:welcome")),
        client.get(reverse("portal:login")),
        as_user(member).get(reverse("portal:home")),
    ):
        assert statement in page.content.decode()
        assert "Privacy notice" not in page.content.decode()
    _profile(privacy_url="https://riverside.example.nhs.uk/privacy")
    page = client.get(reverse("portal:welcome")).content.decode()
    assert '<a href="https://riverside.example.nhs.uk/privacy">Privacy notice</a>' in page


def test_comms_give_the_privacy_notice_and_the_review_date_on_the_profile(as_user, comms):
    client = as_user(comms)
    form = client.get(reverse("portal:organisation")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        office_opens="09:00",
        office_closes="17:00",
        privacy_url="not an address",
        policy_url="https://riverside.example.nhs.uk/social-media-policy",
        accessibility_reviewed_on="2026-11-30",
    )
    response = client.post(reverse("portal:organisation"), data)
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert OrganisationProfile.objects.get().accessibility_reviewed_on is None
    data["privacy_url"] = "https://riverside.example.nhs.uk/privacy"
    assert client.post(reverse("portal:organisation"), data).status_code == 302
    saved = OrganisationProfile.objects.get()
    assert saved.privacy_url == "https://riverside.example.nhs.uk/privacy"
    assert saved.policy_url == "https://riverside.example.nhs.uk/social-media-policy"
    assert saved.accessibility_reviewed_on == datetime.date(2026, 11, 30)


def test_the_statement_and_the_health_check_ask_next_to_nothing(
    client, db, django_assert_max_num_queries
):
    client.get(reverse("portal:accessibility"))
    with django_assert_max_num_queries(1):
        assert client.get(reverse("portal:accessibility")).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(reverse("portal:health")).status_code == 200


def test_the_published_policy_is_linked_from_the_help_page_and_the_guidelines_once_given(
    client, db
):
    pages = (reverse("portal:get_help"), reverse("moderation:guidelines"))
    for url in pages:
        assert "social media policy</a>" not in client.get(url).content.decode()
    policy = "https://riverside.example.nhs.uk/social-media-policy"
    _profile(policy_url=policy)
    for url in pages:
        assert f'<a href="{policy}">social media policy</a>' in client.get(url).content.decode()
