"""A form sent with a token its session no longer holds gets the portal's own page, which
says that nothing was saved and how to send it again."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Concern

pytestmark = pytest.mark.django_db


def test_a_form_from_before_signing_in_again_is_refused_with_a_plain_explanation(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(reverse("portal:concern_create"))  # the form, with its token
    client.force_login(member)  # signed in again elsewhere: a new token
    response = client.post(
        reverse("portal:concern_create"),
        {"kind": "post", "what_worries": "A page copying our logo", "csrfmiddlewaretoken": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This form had expired</h1>" in page
    assert "Nothing was sent or saved." in page
    assert "verification failed" not in page
    # In the portal's layout, for the person signed in.
    assert member.display_name in page
    assert f'href="{reverse("portal:home")}">Go to the home page' in page
    assert "no-store" in response["Cache-Control"]
    assert "object-src 'none'" in response["Content-Security-Policy"]
    assert not Concern.objects.exists()


def test_a_stale_sign_in_form_gets_the_same_page_signed_out(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:login"), {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This form had expired</h1>" in page
    assert f'href="{reverse("portal:welcome")}">Go to the start page' in page
