"""A waiting request's day received or reference put right, with the reason: the day its
answer is due moves with it, what it said before stays on its page, and the head of
communications hears when the answer becomes due later. One logged about the wrong
person, or for the wrong thing, is closed as logged in error."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from moderation import selectors, services, services_rights
from moderation.models import RightsRequest
from moderation.models.evidence import answer_due
from portal import roles
from portal.models import Notification
from portal.reminders import engine
from tests import factories
from tests.moderation.helpers import log_entry

pytestmark = pytest.mark.django_db

Kind = RightsRequest.Kind
Why = RightsRequest.Correction
LONDON = ZoneInfo("Europe/London")
DEADLINE = "moderation.rights_deadline"


@pytest.fixture
def commenter(comms, team):
    account = factories.managed_account(team=team)
    return log_entry(comms, account, handle="@asks_about_me").commenter


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _log(actor, commenter, received_on, kind=Kind.ACCESS, reference=""):
    return services_rights.request_log(
        actor=actor, commenter=commenter, kind=kind, received_on=received_on, reference=reference
    )


def _correct(actor, request, received_on=None, reference=None, why=Why.MISTYPED):
    return services_rights.request_correct(
        actor=actor,
        request_id=request.pk,
        received_on=received_on or request.received_on,
        reference=request.reference if reference is None else reference,
        why=why,
    )


# The rule


def test_a_corrected_day_received_moves_the_day_due_and_the_page_keeps_the_old_one(
    comms, head, commenter
):
    with freeze_time("2026-03-10 12:00"):
        request = _log(comms, commenter, datetime.date(2026, 3, 9), reference="IG-7")
        assert request.due_on == datetime.date(2026, 4, 9)
        corrected = _correct(head, request, datetime.date(2026, 1, 31), why=Why.ANOTHER_DAY)
    assert (corrected.received_on, corrected.due_on) == (
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
    )
    corrected.refresh_from_db()
    assert corrected.due_on == datetime.date(2026, 2, 28)
    [fix] = selectors.rights_request_corrections(corrected)
    assert fix.by == head
    assert fix.why == "It turned out to have reached the trust on another day"
    assert fix.changes == [
        ("Received", "9 Mar 2026", "31 Jan 2026"),
        ("Answer due by", "9 Apr 2026", "28 Feb 2026"),
    ]


def test_a_reference_is_given_later_and_each_correction_is_listed_in_turn(comms, commenter):
    request = _log(comms, commenter, _days_ago(3))
    _correct(comms, request, reference="  IG   2026/88 ", why=Why.REFERENCE)
    request.refresh_from_db()
    assert request.reference == "IG 2026/88"
    _correct(comms, request, received_on=_days_ago(4))
    first, second = selectors.rights_request_corrections(request)
    assert first.changes == [("Reference", "none", "IG 2026/88")]
    assert first.why == Why.REFERENCE.label
    assert [what for what, _, _ in second.changes] == ["Received", "Answer due by"]
    assert second.why == Why.MISTYPED.label


def test_closing_or_answering_is_not_listed_as_a_correction(comms, commenter):
    request = _log(comms, commenter, _days_ago(3))
    services_rights.request_close(
        actor=comms, request_id=request.pk, closure=RightsRequest.Closure.WITHDRAWN
    )
    assert selectors.rights_request_corrections(request) == []


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"received_on": "tomorrow"}, "received_on", "The day received cannot be in the future."),
        ({"received_on": "after logging"}, "received_on", "so it had reached the trust by then"),
        ({}, "__all__", "Nothing was changed"),
        ({"reference": "Jo Bloggs"}, "reference", "a number, perhaps with letters"),
        ({"reference": "1" * 41}, "reference", "at most 40 characters"),
        ({"why": "felt like it"}, "why", "Choose one."),
    ],
)
def test_bad_corrections_are_refused_on_their_field_and_nothing_changes(
    comms, commenter, change, field, said
):
    with freeze_time(timezone.now() - datetime.timedelta(days=3)):
        request = _log(comms, commenter, _days_ago(5), reference="IG-1")
    days = {"tomorrow": _days_ago(-1), "after logging": _days_ago(1)}
    if "received_on" in change:
        change["received_on"] = days[change["received_on"]]
    with pytest.raises(services.ActionError) as refused:
        _correct(comms, request, **change)
    assert refused.value.status == 400
    assert said in refused.value.errors[field]
    after = RightsRequest.objects.get()
    assert (after.received_on, after.reference, after.history.count()) == (
        request.received_on,
        "IG-1",
        1,
    )


def test_only_those_who_handle_requests_correct_one(comms, manager, member, commenter):
    request = _log(comms, commenter, _days_ago(3))
    for who in (manager, member):
        with pytest.raises(services.ActionRefused):
            _correct(who, request, received_on=_days_ago(4))
    assert RightsRequest.objects.get().received_on == _days_ago(3)


@pytest.mark.parametrize("outcome", ["answered", "closed"])
def test_an_answered_or_closed_request_stays_as_it_was(comms, commenter, outcome):
    request = _log(comms, commenter, _days_ago(40))
    if outcome == "answered":
        services.subject_access_export(
            actor=comms, commenter=commenter, received_on=request.received_on
        ).close()
    else:
        services_rights.request_close(
            actor=comms, request_id=request.pk, closure=RightsRequest.Closure.ELSEWHERE
        )
    request.refresh_from_db()
    with pytest.raises(services.ActionConflict):
        _correct(comms, request, received_on=_days_ago(3))
    after = RightsRequest.objects.get()
    assert (after.received_on, after.answered_in_time) == (_days_ago(40), False)


# Who is told


def test_the_head_hears_when_the_answer_becomes_due_later_by_its_number(
    comms, head, auditor, commenter
):
    request = _log(comms, commenter, _days_ago(10))
    _correct(comms, request, received_on=_days_ago(12))  # earlier: no less hurry
    assert not Notification.objects.filter(kind=DEADLINE).exists()
    later = _correct(comms, request, received_on=_days_ago(2), why=Why.ANOTHER_DAY)
    [note] = Notification.objects.filter(kind=DEADLINE)
    assert note.recipient == head
    assert note.url == later.get_absolute_url()
    assert note.title == f"{later} now due by {later.due_on:%-d %B %Y}"
    assert f"instead of {answer_due(_days_ago(12)):%-d %B %Y}" in note.body
    assert "asks_about_me" not in note.title + note.body


def test_the_head_who_moves_the_day_due_later_is_not_told_of_it(head, commenter):
    request = _log(head, commenter, _days_ago(10))
    _correct(head, request, received_on=_days_ago(2))
    assert not Notification.objects.filter(kind=DEADLINE).exists()


def test_reminders_follow_the_corrected_day_due(comms, head, commenter):
    def sweep(day, hour=9):
        with freeze_time(datetime.datetime(2026, day.month, day.day, hour, tzinfo=LONDON)):
            engine.sweep()

    def told(stage):
        return Notification.objects.filter(
            kind=f"reminder.moderation.rights_request.{stage}"
        ).count()

    with freeze_time("2026-10-12 10:00"):
        request = _log(comms, commenter, datetime.date(2026, 10, 3))
    sweep(datetime.date(2026, 10, 27))
    assert told("approaching") == 2  # comms and the head, a week before 3 November
    with freeze_time("2026-10-28 10:00"):
        _correct(comms, request, received_on=datetime.date(2026, 10, 10), why=Why.ANOTHER_DAY)
    sweep(datetime.date(2026, 11, 2))
    assert told("approaching") == 2
    sweep(datetime.date(2026, 11, 4))
    assert (told("approaching"), told("overdue")) == (4, 0)  # a week before 10 November
    sweep(datetime.date(2026, 11, 11))
    assert told("overdue") == 2


# The pages


def test_correcting_from_the_requests_page(as_user, comms, auditor, head, commenter):
    request = _log(comms, commenter, _days_ago(6), reference="IG-3")
    url = reverse("moderation:rights_request_correct", args=[request.pk])
    page = as_user(comms).get(request.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page and "Corrections" not in page
    form = as_user(comms).get(url).content.decode()
    assert f'value="{_days_ago(6).isoformat()}"' in form and 'value="IG-3"' in form
    # Auditors read the request and change nothing in it.
    page = as_user(auditor).get(request.get_absolute_url()).content.decode()
    assert f'href="{url}"' not in page and "The communications team answers it" in page
    sent = {"received_on": _days_ago(2).isoformat(), "reference": "IG-3", "why": Why.MISTYPED}
    assert as_user(auditor).post(url, sent).status_code == 403

    response = as_user(comms).post(url, sent)
    request.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.received_on == _days_ago(2)
    page = as_user(auditor).get(request.get_absolute_url()).content.decode()
    section = page[page.index('id="corrections-heading"') :]
    assert f"by {comms}. {Why.MISTYPED.label}." in section
    day = selectors.short_day
    assert f"Received: {day(_days_ago(6))}, now {day(_days_ago(2))}" in section
    assert Notification.objects.filter(kind=DEADLINE, recipient=head).exists()


def test_a_bad_correction_is_shown_on_its_field_with_what_was_typed(as_user, comms, commenter):
    request = _log(comms, commenter, _days_ago(6))
    url = reverse("moderation:rights_request_correct", args=[request.pk])
    future = _days_ago(-2).isoformat()
    response = as_user(comms).post(
        url, {"received_on": future, "reference": "IG-2026-9", "why": Why.MISTYPED}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The day received cannot be in the future." in page
    assert f'value="{future}"' in page and 'value="IG-2026-9"' in page
    unchanged = as_user(comms).post(
        url, {"received_on": _days_ago(6).isoformat(), "reference": "", "why": Why.MISTYPED}
    )
    assert unchanged.status_code == 400
    assert "Nothing was changed" in unchanged.content.decode()
    assert RightsRequest.objects.get().history.count() == 1


def test_an_answered_request_has_no_correction_page(as_user, comms, commenter):
    request = _log(comms, commenter, _days_ago(6))
    services.subject_access_export(
        actor=comms, commenter=commenter, received_on=request.received_on
    ).close()
    url = reverse("moderation:rights_request_correct", args=[request.pk])
    page = as_user(comms).get(request.get_absolute_url()).content.decode()
    assert url not in page
    response = as_user(comms).post(
        url, {"received_on": _days_ago(3).isoformat(), "reference": "", "why": Why.MISTYPED}
    )
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert RightsRequest.objects.get().received_on == _days_ago(6)


def test_the_page_asks_as_many_queries_however_often_it_was_corrected(
    as_user, comms, commenter, django_assert_max_num_queries, django_assert_num_queries
):
    request = _log(comms, commenter, _days_ago(20))
    client = as_user(comms)
    _correct(comms, request, received_on=_days_ago(21))
    client.get(request.get_absolute_url())
    with django_assert_max_num_queries(11) as once:
        client.get(request.get_absolute_url())
    for days in range(22, 27):
        _correct(comms, request, received_on=_days_ago(days))
    with django_assert_num_queries(len(once.captured_queries)):
        page = client.get(request.get_absolute_url()).content.decode()
    assert page.count("now ") >= 12  # each of six corrections, its received and due days


def test_one_logged_in_error_is_closed_as_such(as_user, comms, commenter):
    request = _log(comms, commenter, _days_ago(1), kind=Kind.ERASURE)
    url = reverse("moderation:rights_request_close", args=[request.pk])
    response = as_user(comms).post(url, {"closure": RightsRequest.Closure.ERROR})
    assert response.status_code == 302
    page = as_user(comms).get(request.get_absolute_url()).content.decode()
    assert "Logged in error: about someone else, or for something else" in page
    # The right one can now be logged about them.
    assert _log(comms, commenter, _days_ago(1), kind=Kind.ERASURE).status == "open"


IN_ERROR = "moderation.rights_in_error"


def _close(actor, request, closure=RightsRequest.Closure.ERROR):
    return services_rights.request_close(actor=actor, request_id=request.pk, closure=closure)


def test_one_closed_in_error_leaves_the_years_figures_and_the_heads_hear_of_it(
    as_user, head, comms, commenter
):
    """Closed late as logged in error: counted on its own, not as late, and since that
    takes a late request out of the figures, the heads of communications are told."""
    with freeze_time(timezone.now() - datetime.timedelta(days=40)):
        wrong = _log(comms, commenter, _days_ago(40))
        other = _log(comms, commenter, _days_ago(40), kind=Kind.ERASURE)
    Notification.objects.all().delete()  # the erasure request's own
    closed = _close(comms, wrong)
    assert (closed.in_error, closed.answered_in_time) == (True, None)
    _close(comms, other, RightsRequest.Closure.ELSEWHERE)
    year = selectors.rights_answered(timezone.now() - datetime.timedelta(days=365))
    assert year["closed"] == {"total": 1, "in_time": 0, "late": 1, "not_recorded": 0}
    assert year["in_error"] == 1
    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind, note.url) == (head, IN_ERROR, wrong.get_absolute_url())
    assert note.title == f"{wrong} closed as logged in error"
    assert "already late" in note.body and str(comms) in note.body
    assert "asks_about_me" not in note.title + note.body

    page = as_user(comms).get(reverse("moderation:rights")).content.decode()
    figures = page[page.index('id="year-heading"') : page.index('id="removals-heading"')]
    assert "Left out of these figures: 1 request closed in this time as logged in error" in (
        " ".join(figures.split())
    )
    row = page[page.index(f'id="request-{wrong.pk}"') :].split("</tr>")[0]
    assert "Not counted" in row and "text-bg-danger" not in row
    row = page[page.index(f'id="request-{other.pk}"') :].split("</tr>")[0]
    assert "text-bg-danger" in row  # the other, closed late, still shows it
    own = as_user(comms).get(wrong.get_absolute_url()).content.decode()
    assert "as logged in error, so it is not counted" in own and "text-bg-danger" not in own


def test_a_head_closing_one_in_error_is_not_told_of_it_and_in_time_says_nothing_late(
    head, comms, commenter
):
    other_head = factories.with_role(roles.HEAD_OF_COMMS, username="other_head")
    request = _log(comms, commenter, _days_ago(2))
    _close(head, request)
    (note,) = Notification.objects.filter(kind=IN_ERROR)
    assert note.recipient == other_head and "late" not in note.body
    year = selectors.rights_answered(timezone.now() - datetime.timedelta(days=365))
    assert (year["closed"]["total"], year["in_error"]) == (0, 1)


def test_a_request_closed_in_error_stays_open_if_the_heads_cannot_be_told(
    monkeypatch, comms, head, commenter
):
    """The closure and the note to the heads are written together or not at all."""
    request = _log(comms, commenter, _days_ago(2))

    def fails(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("moderation.notifications.notify", fails)
    with pytest.raises(RuntimeError):
        _close(comms, request)
    request.refresh_from_db()
    assert (request.status, request.closure, request.closed_at) == ("open", "", None)


def test_the_close_page_says_what_logged_in_error_does_and_links_to_a_correction(
    as_user, comms, commenter
):
    request = _log(comms, commenter, _days_ago(2))
    page = as_user(comms).get(reverse("moderation:rights_request_close", args=[request.pk]))
    text = page.content.decode()
    assert "tells the heads of communications at once" in text
    assert reverse("moderation:rights_request_correct", args=[request.pk]) in text
