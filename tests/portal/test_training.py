"""Bespoke training: a team asks, comms schedule it, the team is told."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification, TrainingRequest, TrainingRequestEvent
from portal.services import ActionError, ActionRefused
from portal.services import training as services
from tests import factories

State = TrainingRequest.State


def _soon(days=10):
    """The first working day at least ``days`` from today: sessions run on working days."""
    from portal.worktime import WorkingCalendar

    calendar = WorkingCalendar.current()
    day = timezone.localdate() + datetime.timedelta(days=days)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _ask(actor, team, **data):
    fields = {
        "team": team,
        "audience": "Eight nurses and two administrators",
        "audience_size": 10,
        "topics": [TrainingRequest.Topic.GETTING_STARTED],
        "preferred_date_1": _soon(),
    }
    fields.update(data)
    return services.training_request_create(actor=actor, data=fields)


def _booking(days=10, **extra):
    return {
        "starts_at": timezone.now() + datetime.timedelta(days=days),
        "minutes": 60,
        "location": "Room 4, Riverside House",
        **extra,
    }


def _in_state(state, member, team, comms):
    record = _ask(member, team)
    if state == State.REQUESTED:
        return record
    if state == State.DECLINED:
        return services.training_request_act(
            actor=comms, request_id=record.pk, action="decline", comment="Full this month."
        )
    if state == State.CANCELLED:
        return services.training_request_act(actor=member, request_id=record.pk, action="cancel")
    services.training_request_act(
        actor=comms, request_id=record.pk, action="schedule", **_booking()
    )
    if state == State.DELIVERED:
        TrainingRequest.objects.filter(pk=record.pk).update(
            session_starts_at=timezone.now() - datetime.timedelta(hours=2)
        )
        services.training_request_act(actor=comms, request_id=record.pk, action="mark_delivered")
    return TrainingRequest.objects.get(pk=record.pk)


# Asking


def test_a_member_asks_for_a_session_for_their_team_and_comms_are_told(
    member, team, comms, comms2, head
):
    record = _ask(member, team)
    assert record.state == State.REQUESTED
    assert record.requested_by == member
    told = set(
        Notification.objects.filter(kind="training.requested").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"comms", "comms2", "head"}
    event = TrainingRequestEvent.objects.get(request=record)
    assert (event.action, event.actor) == ("created", member)


def test_a_member_cannot_ask_for_another_team(member, other_team):
    with pytest.raises(ActionRefused):
        _ask(member, other_team)


def test_staff_in_no_team_name_their_service(staff):
    record = _ask(staff, None, service_name="Estates and facilities")
    assert record.audience_name == "Estates and facilities"
    with pytest.raises(ActionError):
        _ask(staff, None, service_name="  ")


def test_the_form_offers_only_the_members_teams(as_user, member, team, other_team):
    page = as_user(member).get(reverse("portal:training_request_create")).content.decode()
    assert team.name in page
    assert other_team.name not in page


def test_asking_through_the_page(as_user, member, team):
    response = as_user(member).post(
        reverse("portal:training_request_create"),
        {
            "team": team.pk,
            "audience": "The whole team",
            "audience_size": "9",
            "topics": ["content", "negative"],
            "session_format": "online",
            "preferred_date_1": _soon().isoformat(),
            "preferred_date_2": _soon(12).isoformat(),
            "timing_notes": "Tuesday afternoons",
        },
    )
    record = TrainingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert record.topics == ["content", "negative"]
    assert record.preferred_dates() == [_soon(), _soon(12)]


def test_bad_answers_are_marked_and_kept(as_user, member, team):
    response = as_user(member).post(
        reverse("portal:training_request_create"),
        {
            "team": team.pk,
            "audience": "Nurses",
            "session_format": "either",
            "preferred_date_1": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "other_topics": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a date from today on." in page
    assert "Choose at least one topic" in page
    assert "Nurses" in page
    assert not TrainingRequest.objects.exists()


def test_a_preferred_date_on_a_weekend_or_bank_holiday_is_refused(as_user, member, team):
    day = _next_day_off(1)
    response = as_user(member).post(
        reverse("portal:training_request_create"),
        {
            "team": team.pk,
            "audience": "Nurses",
            "audience_size": "5",
            "topics": ["content"],
            "session_format": "either",
            "preferred_date_1": day.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "is not a working day" in response.content.decode()
    assert not TrainingRequest.objects.exists()


def test_another_teams_member_cannot_post_for_a_team_not_theirs(as_user, outsider, team):
    response = as_user(outsider).post(
        reverse("portal:training_request_create"),
        {
            "team": team.pk,
            "audience": "x",
            "topics": ["content"],
            "session_format": "either",
            "preferred_date_1": _soon().isoformat(),
        },
    )
    assert response.status_code == 400
    assert not TrainingRequest.objects.exists()


# Scheduling and the team being told


def test_comms_schedule_and_the_whole_team_is_told(comms, member, manager, team, outsider):
    record = _ask(member, team)
    Notification.objects.all().delete()
    services.training_request_act(
        actor=comms,
        request_id=record.pk,
        action="schedule",
        comment="Bring questions.",
        **_booking(),
    )
    record.refresh_from_db()
    assert record.state == State.SCHEDULED
    assert record.presenter == comms
    assert record.location == "Room 4, Riverside House"
    told = Notification.objects.filter(kind="training.schedule")
    assert set(told.values_list("recipient__username", flat=True)) == {"member", "manager"}
    note = told.get(recipient=manager)
    assert "Room 4, Riverside House" in note.body
    assert "Bring questions." in note.body
    assert note.url == record.get_absolute_url()


def test_a_booking_in_the_past_or_without_a_place_is_refused(comms, member, team):
    record = _ask(member, team)
    with pytest.raises(ActionError) as caught:
        services.training_request_act(
            actor=comms,
            request_id=record.pk,
            action="schedule",
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            minutes=5,
            location=" ",
        )
    assert set(caught.value.errors) == {"starts_at", "minutes", "location"}
    record.refresh_from_db()
    assert record.state == State.REQUESTED


def test_the_presenter_must_be_in_comms(comms, member, manager, team):
    record = _ask(member, team)
    with pytest.raises(ActionError) as caught:
        services.training_request_act(
            actor=comms, request_id=record.pk, action="schedule", **_booking(presenter=manager)
        )
    assert "presenter" in caught.value.errors


def test_rescheduling_tells_the_team_again(comms, comms2, member, team):
    record = _in_state(State.SCHEDULED, member, team, comms)
    services.training_request_act(
        actor=comms,
        request_id=record.pk,
        action="reschedule",
        **_booking(days=20, presenter=comms2),
    )
    record.refresh_from_db()
    assert record.presenter == comms2
    assert Notification.objects.filter(kind="training.reschedule", recipient=member).exists()


def test_declining_needs_a_reason_and_tells_the_person_who_asked(comms, member, team):
    record = _ask(member, team)
    with pytest.raises(ActionError):
        services.training_request_act(actor=comms, request_id=record.pk, action="decline")
    services.training_request_act(
        actor=comms, request_id=record.pk, action="decline", comment="We are full until June."
    )
    record.refresh_from_db()
    assert record.state == State.DECLINED
    assert "June" in Notification.objects.get(kind="training.declined", recipient=member).body


def test_a_session_is_delivered_only_once_it_has_started(comms, member, team):
    record = _in_state(State.SCHEDULED, member, team, comms)
    with pytest.raises(ActionError, match="yet"):
        services.training_request_act(actor=comms, request_id=record.pk, action="mark_delivered")
    TrainingRequest.objects.filter(pk=record.pk).update(
        session_starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    services.training_request_act(actor=comms, request_id=record.pk, action="mark_delivered")
    assert TrainingRequest.objects.get(pk=record.pk).state == State.DELIVERED


def test_the_team_may_cancel_and_the_presenter_is_told(comms, member, manager, team):
    record = _in_state(State.SCHEDULED, member, team, comms)
    services.training_request_act(
        actor=manager, request_id=record.pk, action="cancel", comment="Clash."
    )
    assert TrainingRequest.objects.get(pk=record.pk).state == State.CANCELLED
    assert Notification.objects.filter(kind="training.cancelled", recipient=comms).exists()


ACTIONS = ["schedule", "reschedule", "mark_delivered", "decline", "cancel"]
# Which action each role may take from each state; the rest are refused or conflict.
ALLOWED = {
    State.REQUESTED: {"comms": {"schedule", "decline", "cancel"}, "member": {"cancel"}},
    State.SCHEDULED: {"comms": {"reschedule", "cancel"}, "member": {"cancel"}},
    State.DELIVERED: {},
    State.DECLINED: {},
    State.CANCELLED: {},
}


@pytest.mark.parametrize("state", list(ALLOWED))
@pytest.mark.parametrize("role", ["comms", "member", "auditor", "outsider", "staff"])
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_from_each_state_for_each_role(
    state, role, action, request, comms, member, team
):
    record = _in_state(state, member, team, comms)
    actor = request.getfixturevalue(role)
    allowed = action in ALLOWED[state].get(role, set())
    kwargs = {"comment": "A reason."}
    if action in ("schedule", "reschedule"):
        kwargs.update(_booking(days=30))
    if allowed:
        services.training_request_act(actor=actor, request_id=record.pk, action=action, **kwargs)
        assert TrainingRequest.objects.get(pk=record.pk).state != state or action == "reschedule"
    else:
        with pytest.raises(ActionError):
            services.training_request_act(
                actor=actor, request_id=record.pk, action=action, **kwargs
            )
        assert TrainingRequest.objects.get(pk=record.pk).state == state


# Pages


def test_another_teams_request_is_404(as_user, outsider, staff, member, team):
    record = _ask(member, team)
    for user in (outsider, staff):
        assert as_user(user).get(record.get_absolute_url()).status_code == 404


def test_comms_book_a_session_through_the_page(as_user, comms, member, team):
    record = _ask(member, team)
    client = as_user(comms)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Book it and tell the team" in page
    when = _working_day_at_ten(7)
    response = client.post(
        reverse("portal:training_request_action", args=[record.pk, "schedule"]),
        {"starts_at": when, "minutes": "90", "location": "https://meet.example.nhs.uk/abc"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.state, record.session_minutes) == (State.SCHEDULED, 90)
    page = as_user(member).get(record.get_absolute_url()).content.decode()
    assert "The session is booked" in page
    assert 'href="https://meet.example.nhs.uk/abc"' in page


def _working_day_at_ten(days):
    """10:00 on the first working day at least ``days`` from today, as a form sends it."""
    from portal.worktime import WorkingCalendar

    calendar = WorkingCalendar.current()
    day = timezone.localdate() + datetime.timedelta(days=days)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return f"{day.isoformat()}T10:00"


def _next_day_off(days):
    from portal.worktime import WorkingCalendar

    calendar = WorkingCalendar.current()
    day = timezone.localdate() + datetime.timedelta(days=days)
    while calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def test_a_session_on_a_weekend_or_bank_holiday_is_refused(as_user, comms, member, team):
    record = _ask(member, team)
    day = _next_day_off(2)
    response = as_user(comms).post(
        reverse("portal:training_request_action", args=[record.pk, "schedule"]),
        {"starts_at": f"{day.isoformat()}T10:00", "minutes": "60", "location": "Room 1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a working day" in page
    assert 'value="Room 1"' in page
    assert TrainingRequest.objects.get(pk=record.pk).state == State.REQUESTED


def test_a_bad_booking_is_shown_again_with_errors(as_user, comms, member, team):
    record = _ask(member, team)
    response = as_user(comms).post(
        reverse("portal:training_request_action", args=[record.pk, "schedule"]),
        {"starts_at": "2020-01-01T10:00", "minutes": "60", "location": "Room 1"},
    )
    assert response.status_code == 400
    assert "Choose a time in the future." in response.content.decode()


def test_a_team_member_cannot_schedule_through_the_page(as_user, member, team):
    record = _ask(member, team)
    when = _working_day_at_ten(7)
    response = as_user(member).post(
        reverse("portal:training_request_action", args=[record.pk, "schedule"]),
        {"starts_at": when, "minutes": "60", "location": "Room 1"},
    )
    assert response.status_code == 403
    assert TrainingRequest.objects.get(pk=record.pk).state == State.REQUESTED


def test_an_unknown_action_is_404(as_user, comms, member, team):
    record = _ask(member, team)
    url = reverse("portal:training_request_action", args=[record.pk, "delete"])
    assert as_user(comms).post(url).status_code == 404


def test_actions_need_the_csrf_token(comms, member, team):
    record = _ask(member, team)
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    response = client.post(
        reverse("portal:training_request_action", args=[record.pk, "decline"]), {"comment": "No."}
    )
    assert response.status_code == 403
    assert TrainingRequest.objects.get(pk=record.pk).state == State.REQUESTED


def test_the_list_shows_staff_their_teams_requests_and_comms_all(
    as_user, comms, member, outsider, team, other_team
):
    _ask(member, team)
    _ask(outsider, other_team)
    member_page = as_user(member).get(reverse("portal:training")).content.decode()
    assert team.name in member_page and other_team.name not in member_page
    comms_page = as_user(comms).get(reverse("portal:training")).content.decode()
    assert team.name in comms_page and other_team.name in comms_page


@pytest.mark.parametrize("size", [2, 15])
def test_the_list_costs_the_same_for_any_number_of_requests(
    size, as_user, comms, django_assert_max_num_queries, published
):
    for _ in range(size):
        team = factories.TeamFactory()
        record = _ask(factories.member_of(team), team)
        services.training_request_act(
            actor=comms, request_id=record.pk, action="schedule", **_booking()
        )
    client = as_user(comms)
    client.get(reverse("portal:training"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:training"), {"state": ""})
    assert response.content.decode().count("badge state-badge") == size
