"""The health check a load balancer or a monitor asks: this process reaches the database."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from portal.models import Session

pytestmark = pytest.mark.django_db

URL = reverse("portal:health")


def test_it_says_ok_to_anyone_and_starts_no_session(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_it_says_unavailable_and_nothing_more_when_the_database_cannot_be_reached(client):
    with mock.patch(
        "portal.views.health.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"refused" not in response.content


def test_plain_http_is_not_redirected_for_the_health_check_alone(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    client = Client()
    assert client.get(URL).status_code == 200
    assert client.get(reverse("portal:welcome")).status_code == 301
