"""The home page: what the user needs to do now."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.models import Concern, TrainingRequest
from portal.notify import notify
from portal.services import concerns, content, training


def extra_panels(user):
    """A panel another app might add, to prove the registry is still read."""
    return [
        {
            "title": "A panel from another app",
            "template": "portal/panels/concerns.html",
            "context": {"counts": {"new": 7, "open": 7, "urgent": 0}},
            "order": 1,
        }
    ]


def _request(member, team, days=10):
    return training.training_request_create(
        actor=member,
        data={
            "team": team,
            "audience": "Everyone",
            "topics": [TrainingRequest.Topic.CONTENT],
            "preferred_date_1": timezone.localdate() + datetime.timedelta(days=days),
        },
    )


def _book(comms, record, days=10):
    training.training_request_act(
        actor=comms,
        request_id=record.pk,
        action="schedule",
        starts_at=timezone.now() + datetime.timedelta(days=days),
        minutes=60,
        location="Room 4, Riverside House",
    )


def test_a_member_is_asked_to_read_the_playbook_until_they_confirm(as_user, member, published):
    client = as_user(member)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Please read the social media playbook" in page
    content.playbook_confirm_read(actor=member, version_number=1)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Please read the social media playbook" not in page


def test_a_member_sees_what_waits_on_them_and_their_notifications(as_user, member, published):
    notify(recipients=[member], kind="test", title="Your proposal was approved")
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert "Proposals waiting for you" in page
    assert "Your proposal was approved" in page
    assert "Report a concern" in page
    assert "Ask for training" in page


def test_comms_see_their_queues(as_user, comms, member, team, published):
    concerns.concern_report(
        actor=member,
        kind=Concern.Kind.COMPROMISED,
        link="https://x.com/our_team",
        what_worries="Posts we did not write.",
    )
    _request(member, team)
    page = as_user(comms).get(reverse("portal:home")).content.decode()
    assert "Concerns reported by staff" in page
    assert "1</strong> urgent" in page
    assert "Training requests" in page
    assert "1</strong> waiting to be scheduled" in page
    assert "Proposals waiting for the communications team" in page
    assert "Who has read the playbook" in page


def test_an_auditor_sees_the_concerns_and_readership_but_no_training_queue(
    as_user, auditor, published
):
    page = as_user(auditor).get(reverse("portal:home")).content.decode()
    assert "Concerns reported by staff" in page
    assert "Who has read the playbook" in page
    assert "waiting to be scheduled" not in page


def test_the_team_sees_its_booked_session(as_user, comms, member, manager, team, published):
    _book(comms, _request(member, team))
    page = as_user(manager).get(reverse("portal:home")).content.decode()
    assert "Training sessions coming up" in page
    assert "Room 4, Riverside House" in page


def test_staff_see_their_open_reports(as_user, staff, published):
    concerns.concern_report(
        actor=staff,
        kind=Concern.Kind.IMITATION,
        link="https://www.instagram.com/fake_trust",
        what_worries="Fake page.",
    )
    page = as_user(staff).get(reverse("portal:home")).content.decode()
    assert "Your reports" in page
    assert "on Instagram" in page


def test_panels_still_come_from_the_dashboard_registry(as_user, member, settings, published):
    settings.DASHBOARD_PANELS = [*settings.DASHBOARD_PANELS, "tests.portal.test_home.extra_panels"]
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert "A panel from another app" in page
    assert page.index("A panel from another app") < page.index("Proposals waiting for you")


@pytest.mark.parametrize("size", [1, 8])
def test_the_home_page_costs_the_same_for_any_number_of_records(
    size, as_user, comms, member, team, published, django_assert_max_num_queries
):
    for n in range(size):
        _book(comms, _request(member, team, days=5 + n), days=5 + n)
        concerns.concern_report(
            actor=member, kind=Concern.Kind.POST, link=f"https://x.com/p/{n}", what_worries="x"
        )
        notify(recipients=[comms], kind="test", title=f"Note {n}")
    client = as_user(comms)
    client.get(reverse("portal:home"))
    # The reminders coming to comms are found in one query for every rule together
    # (a query a rule on a database that cannot limit each part of a union, SQLite).
    together = connection.features.supports_slicing_ordering_in_compound
    with django_assert_max_num_queries(33 if together else 47):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200
