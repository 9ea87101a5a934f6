"""Pages anyone may read: crisis and contact signposting, and the welcome page."""

from django.urls import reverse

from portal.models import OrganisationProfile


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
