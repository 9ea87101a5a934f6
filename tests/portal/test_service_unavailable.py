"""A database that is restarting or unreachable gets a clean 503, wherever it fails."""

from unittest import mock

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError

from portal.models import OrganisationProfile, Session


@pytest.fixture
def browser(client):
    # What a visitor's browser gets: the page the portal answers with, not the exception.
    client.raise_request_exception = False
    return client


def assert_clean_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"].split(", ")
    page = response.content.decode()
    assert "The portal is briefly unavailable" in page
    for leak in ("Traceback", "OperationalError", "InterfaceError", "connection", "5432"):
        assert leak not in page


def test_it_answers_503_when_the_database_fails_while_rendering_a_page(browser, member):
    browser.force_login(member)
    with mock.patch.object(
        OrganisationProfile,
        "load",
        side_effect=OperationalError('connection to server at "127.0.0.1", port 5432 failed'),
    ):
        response = browser.get("/")
    assert_clean_503(response)


def test_it_answers_503_when_the_connection_was_closed_under_a_request(browser, member):
    browser.force_login(member)
    with mock.patch.object(
        OrganisationProfile, "load", side_effect=InterfaceError("connection already closed")
    ):
        response = browser.get("/playbook/")
    assert_clean_503(response)


def test_it_answers_503_when_the_database_fails_in_middleware_after_the_view(browser, member):
    browser.force_login(member)
    # A signed-in session is saved on every response, after the view has run.
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.save",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = browser.get("/playbook/")
    assert_clean_503(response)


def test_it_answers_503_when_the_database_goes_away_as_the_session_is_saved(browser, member):
    browser.force_login(member)
    # Django's own session store would call this a deleted session and answer 400.
    with mock.patch.object(
        Session,
        "save",
        side_effect=OperationalError("terminating connection due to administrator command"),
    ):
        response = browser.get("/playbook/")
    assert_clean_503(response)


def test_a_session_deleted_under_a_request_is_still_a_bad_request(browser, member):
    browser.force_login(member)
    with mock.patch.object(
        Session, "save", side_effect=DatabaseError("Forced update did not affect any rows.")
    ):
        response = browser.get("/playbook/")
    assert response.status_code == 400


def test_any_other_failure_still_gets_the_500_page(browser, member):
    browser.force_login(member)
    with mock.patch.object(OrganisationProfile, "load", side_effect=RuntimeError("a bug")):
        response = browser.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "a bug" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "title", "heading"),
    [
        ("400.html", "Request not accepted", "The portal could not accept that"),
        ("413.html", "Too large to send", "This upload is too large"),
        ("500.html", "Something went wrong", "Something went wrong"),
        ("503.html", "Briefly unavailable", "The portal is briefly unavailable"),
    ],
)
def test_the_pages_answered_without_a_session_share_one_layout_and_read_nothing(
    name, title, heading, django_assert_num_queries
):
    from django.template import loader

    with django_assert_num_queries(0):
        page = loader.get_template(name).render({"limit": "50 MB"})
    assert page.startswith("<!doctype html>")
    assert f"<h1>{heading}</h1>" in page
    assert f"<title>{title} \u2013 social media portal</title>" in page
    assert '<html lang="en-GB">' in page
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in page
    assert '<a href="/">Go to the home page</a>' in page
