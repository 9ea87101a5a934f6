"""The communications team's people page and deactivating a leaver."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories


def _deactivate_url(user):
    return reverse("portal:user_deactivate", args=[user.pk])


def test_comms_find_people_by_name(comms, member, manager, as_user):
    response = as_user(comms).get(reverse("portal:people"), {"q": member.first_name})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [member]


@pytest.mark.parametrize("role", ["member", "manager", "auditor", "staff"])
def test_only_comms_open_the_people_pages(people, member, role, as_user):
    client = as_user(people[role])
    assert client.get(reverse("portal:people")).status_code == 403
    assert client.post(_deactivate_url(member), {"confirm": "on"}).status_code == 403
    member.refresh_from_db()
    assert member.is_active


def test_deactivating_asks_for_confirmation_first(comms, member, as_user):
    client = as_user(comms)
    page = client.get(_deactivate_url(member)).content.decode()
    assert f"Deactivate {member}?" in page
    member.refresh_from_db()
    assert member.is_active
    response = client.post(_deactivate_url(member), {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    member.refresh_from_db()
    assert member.is_active


def test_a_confirmed_deactivation_stops_the_person_signing_in(comms, member, as_user):
    victim_client = as_user(member)
    response = as_user(comms).post(_deactivate_url(member), {"confirm": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert victim_client.get(reverse("portal:home")).status_code == 302  # signed out


def test_comms_cannot_deactivate_themselves_or_an_administrator(comms, as_user):
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client = as_user(comms)
    client.post(_deactivate_url(comms), {"confirm": "on"})
    client.post(_deactivate_url(admin), {"confirm": "on"})
    comms.refresh_from_db()
    admin.refresh_from_db()
    assert comms.is_active and admin.is_active


def test_deactivating_needs_the_csrf_token(comms, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    assert client.post(_deactivate_url(member), {"confirm": "on"}).status_code == 403
    member.refresh_from_db()
    assert member.is_active


@pytest.mark.parametrize("size", [3, 30])
def test_the_people_list_costs_the_same_at_any_size(
    size, comms, team, as_user, django_assert_max_num_queries
):
    for _ in range(size):
        factories.member_of(team)
    client = as_user(comms)
    client.get(reverse("portal:people"))
    # Two of them read the roles the page's people hold (who may change whom).
    with django_assert_max_num_queries(14):
        client.get(reverse("portal:people"))
