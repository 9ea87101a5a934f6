"""Requests about a person's data, from the day each arrives until it is answered: logged
against the commenter, due a calendar month later, reminded of before and after that
day, answered by the export or the removal, or closed with the reason."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.db.models import DateField, Value
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from moderation import selectors, services, services_rights
from moderation.models import Commenter, Erasure, ExportRecord, RightsRequest
from moderation.models.evidence import AnswerDue, answer_due
from moderation.templatetags import rights_tags
from portal.models import Notification
from portal.reminders import engine
from tests import factories
from tests.moderation.helpers import log_entry

pytestmark = pytest.mark.django_db

Kind = RightsRequest.Kind
Status = RightsRequest.Status
Closure = RightsRequest.Closure
LONDON = ZoneInfo("Europe/London")
RIGHTS = reverse("moderation:rights")


@pytest.fixture
def account(team):
    return factories.managed_account(team=team)


@pytest.fixture
def commenter(comms, account):
    return log_entry(comms, account, handle="@asks_about_me").commenter


def log(actor, commenter, kind=Kind.ACCESS, received_on=None, **extra):
    return services_rights.request_log(
        actor=actor,
        commenter=commenter,
        kind=kind,
        received_on=received_on or timezone.localdate(),
        **extra,
    )


# The record


def test_the_answer_is_due_a_calendar_month_after_the_day_received(comms, commenter):
    with freeze_time("2026-03-02 12:00"):
        short = log(comms, commenter, received_on=datetime.date(2026, 1, 31))
        usual = log(comms, commenter, Kind.ERASURE, received_on=datetime.date(2026, 2, 14))
    assert short.due_on == datetime.date(2026, 2, 28)
    assert usual.due_on == datetime.date(2026, 3, 14)


def test_one_open_request_of_each_kind_for_a_commenter(comms, commenter):
    log(comms, commenter)
    log(comms, commenter, Kind.ERASURE)
    with pytest.raises(services.ActionError) as refused:
        log(comms, commenter)
    assert "subject access request about them is already open" in refused.value.errors["kind"]
    with pytest.raises(IntegrityError), transaction.atomic():
        RightsRequest.objects.create(
            commenter=commenter,
            kind=Kind.ACCESS,
            received_on=timezone.localdate(),
            logged_by=comms,
        )
    assert RightsRequest.objects.count() == 2


def test_a_closed_request_must_say_why_and_when(comms, commenter):
    request = log(comms, commenter)
    request.status = Status.CLOSED
    with pytest.raises(IntegrityError), transaction.atomic():
        request.save()
    request.closed_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        request.save()
    request.closure = Closure.REFUSED
    request.save()


# Logging one


@pytest.mark.parametrize(
    ("received_on", "reference", "field"),
    [
        (None, "", "received_on"),
        (datetime.date.today() + datetime.timedelta(days=2), "", "received_on"),
        ("today", "Jane Smith", "reference"),
        ("today", "IG/2026/" + "1" * 40, "reference"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_logged(
    comms, commenter, received_on, reference, field
):
    if received_on == "today":
        received_on = timezone.localdate()
    with pytest.raises(services.ActionError) as refused:
        services_rights.request_log(
            actor=comms,
            commenter=commenter,
            kind=Kind.ACCESS,
            received_on=received_on,
            reference=reference,
        )
    assert field in refused.value.errors
    assert not RightsRequest.objects.exists()


def test_only_the_communications_team_logs_or_closes_one(
    comms, head, auditor, safeguarding_lead, member, manager, commenter
):
    # Auditors read the record and change nothing in it.
    for person in (auditor, safeguarding_lead, member, manager):
        with pytest.raises(services.ActionRefused):
            log(person, commenter)
    request = log(comms, commenter, reference=" IG  2026-7 ")
    assert request.reference == "IG 2026-7"
    for person in (auditor, safeguarding_lead, member, manager):
        with pytest.raises(services.ActionRefused):
            services_rights.request_close(
                actor=person, request_id=request.pk, closure=Closure.WITHDRAWN
            )
    services_rights.request_close(actor=head, request_id=request.pk, closure=Closure.WITHDRAWN)
    request.refresh_from_db()
    assert (request.status, request.closure, request.closed_by) == (
        Status.CLOSED,
        Closure.WITHDRAWN,
        head,
    )
    with pytest.raises(services.ActionConflict):
        services_rights.request_close(actor=head, request_id=request.pk, closure=Closure.REFUSED)


def test_no_request_is_logged_about_a_commenter_whose_details_are_gone(comms, head, commenter):
    services.commenter_erase(
        actor=head,
        commenter_id=commenter.pk,
        reason="Upheld",
        received_on=timezone.localdate(),
    )
    commenter.refresh_from_db()
    with pytest.raises(services.ActionConflict):
        log(comms, commenter)


# Answering it


def test_the_export_answers_the_open_access_request(comms, commenter):
    received = timezone.localdate() - datetime.timedelta(days=3)
    request = log(comms, commenter, received_on=received)
    services.subject_access_export(actor=comms, commenter=commenter, received_on=received).close()
    request.refresh_from_db()
    export = ExportRecord.objects.get(kind=ExportRecord.Kind.SUBJECT_ACCESS)
    assert (request.status, request.export, request.closed_by) == (Status.ANSWERED, export, comms)
    assert request.answered_in_time
    assert request.history.first().history_change_reason == "answered"


def test_an_export_for_another_day_than_the_open_request_is_refused_before_it_is_made(
    comms, commenter
):
    log(comms, commenter, received_on=timezone.localdate() - datetime.timedelta(days=3))
    with pytest.raises(services.ActionError) as refused:
        services.subject_access_export(
            actor=comms, commenter=commenter, received_on=timezone.localdate()
        )
    assert "was received on" in refused.value.errors["received_on"]
    assert not ExportRecord.objects.exists()
    assert RightsRequest.objects.get().status == Status.OPEN


def test_an_answer_for_another_day_leaves_a_request_logged_meanwhile_open(comms, commenter):
    """The export checks the open request's day before it starts; one logged while it was
    being written, for another day, is not taken as answered."""
    request = log(comms, commenter, received_on=timezone.localdate())
    answered = services_rights.answer_open(
        actor=comms,
        commenter=commenter,
        kind=Kind.ACCESS,
        received_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert answered is None
    request.refresh_from_db()
    assert request.status == Status.OPEN


def test_removing_their_details_answers_the_open_erasure_request_not_the_access_one(
    comms, head, commenter
):
    received = timezone.localdate() - datetime.timedelta(days=1)
    erasure_request = log(comms, commenter, Kind.ERASURE, received_on=received)
    access_request = log(comms, commenter, received_on=received)
    with pytest.raises(services.ActionError):
        services.commenter_erase(
            actor=head,
            commenter_id=commenter.pk,
            reason="Upheld",
            received_on=timezone.localdate(),
        )
    # Not before they have had their copy: that would leave nothing to give them.
    with pytest.raises(services.ActionConflict) as refused:
        services.commenter_erase(
            actor=head, commenter_id=commenter.pk, reason="Upheld", received_on=received
        )
    assert f"{access_request} asks for a copy" in str(refused.value)
    assert not Erasure.objects.exists()
    services.subject_access_export(actor=comms, commenter=commenter, received_on=received).close()
    services.commenter_erase(
        actor=head, commenter_id=commenter.pk, reason="Upheld", received_on=received
    )
    erasure_request.refresh_from_db()
    access_request.refresh_from_db()
    assert erasure_request.status == Status.ANSWERED
    assert erasure_request.erasure == Erasure.objects.get()
    assert access_request.status == Status.ANSWERED and access_request.erasure is None


# Reminders


def _sweep(moment):
    with freeze_time(moment):
        return engine.sweep()


def _told(stage):
    return sorted(
        Notification.objects.filter(
            kind=f"reminder.moderation.rights_request.{stage}"
        ).values_list("recipient__username", flat=True)
    )


def test_a_week_before_it_is_due_and_the_day_after_comms_and_the_head_are_told(
    comms, head, auditor, member, commenter
):
    with freeze_time("2026-10-05 10:00"):
        request = log(comms, commenter, received_on=datetime.date(2026, 10, 3))
    assert request.due_on == datetime.date(2026, 11, 3)

    _sweep(datetime.datetime(2026, 10, 26, 23, 59, tzinfo=LONDON))
    assert _told("approaching") == []
    _sweep(datetime.datetime(2026, 10, 27, 0, 5, tzinfo=LONDON))
    assert _told("approaching") == ["comms", "head"]
    _sweep(datetime.datetime(2026, 10, 28, 9, 0, tzinfo=LONDON))
    assert _told("approaching") == ["comms", "head"]  # once only

    _sweep(datetime.datetime(2026, 11, 3, 23, 59, tzinfo=LONDON))
    assert _told("overdue") == []
    _sweep(datetime.datetime(2026, 11, 4, 0, 5, tzinfo=LONDON))
    assert _told("overdue") == ["comms", "head"]
    late = Notification.objects.filter(kind__endswith="rights_request.overdue").first()
    assert late.urgent and late.url == reverse("moderation:rights_request", args=[request.pk])
    assert late.title == f"Overdue: Information rights request {request.pk}"
    for note in Notification.objects.filter(kind__contains="rights_request"):
        # Named by its number, never by whom it is about.
        assert "asks_about_me" not in note.title + note.body


def test_an_answered_request_is_not_reminded_of(comms, commenter):
    with freeze_time("2026-10-05 10:00"):
        request = log(comms, commenter, received_on=datetime.date(2026, 10, 3))
        services.subject_access_export(
            actor=comms, commenter=commenter, received_on=request.received_on
        ).close()
    _sweep(datetime.datetime(2026, 11, 10, 9, 0, tzinfo=LONDON))
    assert not Notification.objects.filter(kind__contains="rights_request").exists()


# The pages


def test_logging_a_request_from_the_commenters_page(as_user, comms, auditor, commenter):
    page = as_user(comms).get(commenter.get_absolute_url()).content.decode()
    url = reverse("moderation:rights_request_log", args=[commenter.pk])
    assert f'href="{url}"' in page
    received = timezone.localdate() - datetime.timedelta(days=2)
    sent = {"kind": Kind.ERASURE, "received_on": received.isoformat(), "reference": "IG-31"}
    # Auditors are not offered it, and are refused it.
    assert (
        f'href="{url}"' not in as_user(auditor).get(commenter.get_absolute_url()).content.decode()
    )
    assert as_user(auditor).post(url, sent).status_code == 403
    assert not RightsRequest.objects.exists()
    response = as_user(comms).post(url, sent)
    request = RightsRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == request.get_absolute_url()
    assert (request.kind, request.logged_by, request.reference) == (Kind.ERASURE, comms, "IG-31")
    # They read that it is open.
    page = as_user(auditor).get(commenter.get_absolute_url()).content.decode()
    assert f"{request} is open:" in page
    assert f"({request.days_left} days left)" in page


def test_bad_input_on_the_page_is_shown_on_its_field_with_what_was_typed(
    as_user, comms, commenter
):
    url = reverse("moderation:rights_request_log", args=[commenter.pk])
    response = as_user(comms).post(
        url, {"kind": Kind.ACCESS, "received_on": "", "reference": "IG-2026-5"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the day the request was received." in page
    assert 'value="IG-2026-5"' in page
    log(comms, commenter)
    response = as_user(comms).post(
        url, {"kind": Kind.ACCESS, "received_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400
    assert "already open" in response.content.decode()
    assert RightsRequest.objects.count() == 1


def test_the_record_lists_open_requests_soonest_due_first_with_what_is_late(
    as_user, comms, head, account
):
    today = timezone.localdate()
    late = log(
        comms,
        log_entry(comms, account, handle="@asked_long_ago").commenter,
        received_on=today - datetime.timedelta(days=40),
    )
    soon = log(
        comms,
        log_entry(comms, account, handle="@asked_lately").commenter,
        Kind.ERASURE,
        received_on=today - datetime.timedelta(days=2),
    )
    page = as_user(head).get(RIGHTS).content.decode()
    waiting = page[page.index('id="waiting-heading"') : page.index('id="year-heading"')]
    assert "2 open requests, soonest due first" in waiting
    assert waiting.index(f'id="request-{late.pk}"') < waiting.index(f'id="request-{soon.pk}"')
    assert f'href="{late.get_absolute_url()}"' in waiting
    assert f"overdue by {late.days_overdue} day" in waiting
    assert reverse("moderation:commenter_export", args=[late.commenter_id]) in waiting
    assert reverse("moderation:commenter_erase", args=[soon.commenter_id]) in waiting
    assert reverse("moderation:rights_request_close", args=[soon.pk]) in waiting
    # Only the head of communications is offered the removal.
    waiting = as_user(comms).get(RIGHTS).content.decode()
    assert reverse("moderation:commenter_erase", args=[soon.commenter_id]) not in waiting


def test_the_export_page_answers_the_open_request_with_its_day(as_user, comms, commenter):
    received = timezone.localdate() - datetime.timedelta(days=5)
    request = log(comms, commenter, received_on=received, reference="IG-77")
    url = reverse("moderation:commenter_export", args=[commenter.pk])
    page = as_user(comms).get(url).content.decode()
    assert f"This answers {request}" in page and "reference IG-77" in page
    assert f'value="{received.isoformat()}"' in page
    response = as_user(comms).post(url, {"received_on": received.isoformat()})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    b"".join(response.streaming_content)
    request.refresh_from_db()
    assert request.status == Status.ANSWERED


def test_closing_a_request_from_the_record(as_user, comms, auditor, commenter):
    request = log(comms, commenter, received_on=timezone.localdate() - datetime.timedelta(days=35))
    url = reverse("moderation:rights_request_close", args=[request.pk])
    page = as_user(comms).get(url).content.decode()
    assert f"Close {request}" in page and "@asks_about_me" in page
    refused = as_user(comms).post(url, {"closure": "gone fishing"})
    assert refused.status_code == 400
    assert as_user(auditor).post(url, {"closure": Closure.IDENTITY}).status_code == 403
    assert RightsRequest.objects.get().status == Status.OPEN
    response = as_user(comms).post(url, {"closure": Closure.IDENTITY})
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    request.refresh_from_db()
    assert (request.status, request.closed_by, request.answered_in_time) == (
        Status.CLOSED,
        comms,
        False,
    )
    page = as_user(auditor).get(RIGHTS).content.decode()
    closed = page[page.index('id="closed-heading"') :]
    assert "1 request closed, newest first" in closed
    assert "Their identity could not be confirmed" in closed and "text-bg-danger" in closed
    assert "No request is waiting for an answer." in page
    year = selectors.rights_answered(timezone.now() - datetime.timedelta(days=365))
    assert year["closed"] == {"total": 1, "in_time": 0, "late": 1, "not_recorded": 0}
    assert as_user(comms).get(url).status_code == 302  # nothing left to close


def test_the_year_counts_a_closed_request_late_by_the_trusts_clock(comms, commenter):
    """Closed at half past midnight in London on the day after it was due (still the due
    day in UTC): late, in the figures as on the row."""
    with freeze_time("2026-06-12 10:00"):
        late = log(comms, commenter, received_on=datetime.date(2026, 6, 10))
        prompt = log(comms, commenter, Kind.ERASURE, received_on=datetime.date(2026, 6, 10))
    for request, moment in (
        (late, datetime.datetime(2026, 7, 10, 23, 30, tzinfo=datetime.UTC)),
        (prompt, datetime.datetime(2026, 7, 10, 22, 30, tzinfo=datetime.UTC)),
    ):
        with freeze_time(moment):
            services_rights.request_close(
                actor=comms, request_id=request.pk, closure=Closure.ELSEWHERE
            )
        request.refresh_from_db()
    assert (late.answered_in_time, prompt.answered_in_time) == (False, True)
    since = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert selectors.rights_answered(since)["closed"] == {
        "total": 2,
        "in_time": 1,
        "late": 1,
        "not_recorded": 0,
    }


def test_the_head_hears_of_an_erasure_request_at_once_by_its_number(
    comms, head, auditor, commenter
):
    log(comms, commenter)  # subject access: the team answers it, nobody is told
    assert not Notification.objects.exists()
    request = log(comms, commenter, Kind.ERASURE, received_on=datetime.date(2026, 11, 30))
    (note,) = Notification.objects.all()
    assert (note.recipient, note.kind, note.urgent) == (head, "moderation.erasure_request", False)
    assert note.title == "Erasure request to answer by 30 December 2026"
    assert str(request) in note.body and note.url == request.get_absolute_url()
    assert "asks_about_me" not in note.title + note.body


def test_the_head_who_logs_an_erasure_request_is_not_told_of_it(head, commenter):
    log(head, commenter, Kind.ERASURE)
    assert not Notification.objects.exists()


# A page of its own


def test_each_request_has_a_page_of_its_own_wherever_it_falls_on_the_record(
    as_user, comms, account
):
    """Its reminders link to it: with more open requests than the record shows on a
    page, the last due is on the record's second page but still one click away."""
    today = timezone.localdate()
    requests = [
        log(
            comms,
            log_entry(comms, account, handle=f"@asker_{number}").commenter,
            received_on=today - datetime.timedelta(days=30 - number),
        )
        for number in range(26)
    ]
    last = requests[-1]
    client = as_user(comms)
    assert f'id="request-{last.pk}"' not in client.get(RIGHTS).content.decode()
    assert f'id="request-{last.pk}"' in client.get(RIGHTS + "?waiting=2").content.decode()
    assert last.get_absolute_url() == reverse("moderation:rights_request", args=[last.pk])
    page = client.get(last.get_absolute_url()).content.decode()
    assert f"<h1>{last}</h1>" in page
    assert "Waiting for an answer" in page and f"({last.days_left} days left)" in page
    assert "@asker_25" in page
    assert reverse("moderation:commenter_export", args=[last.commenter_id]) in page
    assert reverse("moderation:rights_request_close", args=[last.pk]) in page
    missing = reverse("moderation:rights_request", args=[last.pk + 1000])
    assert client.get(missing).status_code == 404


def test_the_page_says_what_answered_or_closed_it(as_user, comms, head, account):
    received = timezone.localdate() - datetime.timedelta(days=4)
    exported = log_entry(comms, account, handle="@wanted_a_copy").commenter
    removed = log_entry(comms, account, handle="@wanted_gone").commenter
    withdrawn = log_entry(comms, account, handle="@changed_mind").commenter
    access = log(comms, exported, received_on=received, reference="IG-1")
    erasure = log(comms, removed, Kind.ERASURE, received_on=received, reference="IG-2")
    closed = log(comms, withdrawn, received_on=received - datetime.timedelta(days=40))
    services.subject_access_export(actor=comms, commenter=exported, received_on=received).close()
    services.commenter_erase(
        actor=head, commenter_id=removed.pk, reason="Objection upheld", received_on=received
    )
    services_rights.request_close(actor=comms, request_id=closed.pk, closure=Closure.WITHDRAWN)
    client = as_user(comms)

    page = client.get(access.get_absolute_url()).content.decode()
    assert "within the month allowed" in page and "4 days after it was received" in page
    assert "A subject access export taken by" in page and "It held 1 entry" in page
    assert "Close without either" not in page

    page = client.get(erasure.get_absolute_url()).content.decode()
    assert "Removing their details, decided by" in page and "1 entry cleared" in page
    assert "Objection upheld" in page
    assert "@wanted_gone" not in page  # their handle went with the rest

    page = client.get(closed.get_absolute_url()).content.decode()
    assert "Closed on" in page and ">late</span>" in page
    assert "They withdrew it" in page

    # The record's lists of exports and removals name the request each answered.
    record = client.get(RIGHTS).content.decode()
    for answered in (access, erasure):
        link = f'<a href="{answered.get_absolute_url()}" aria-label="Request {answered.pk}">'
        assert f"{link}{answered.pk}</a> ({answered.reference})" in record


def test_the_request_page_asks_the_same_queries_for_each_outcome(
    as_user, comms, head, account, django_assert_max_num_queries
):
    received = timezone.localdate() - datetime.timedelta(days=2)
    commenter = log_entry(comms, account, handle="@counted").commenter
    waiting = log(comms, commenter, Kind.ERASURE, received_on=received)
    client = as_user(comms)
    client.get(waiting.get_absolute_url())
    with django_assert_max_num_queries(11) as few:
        assert client.get(waiting.get_absolute_url()).status_code == 200
    services.commenter_erase(
        actor=head, commenter_id=commenter.pk, reason="Upheld", received_on=received
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(waiting.get_absolute_url()).status_code == 200


# Refusing an erasure request


def test_only_the_head_of_communications_refuses_an_erasure_request(comms, head, commenter):
    erasure = log(comms, commenter, Kind.ERASURE)
    with pytest.raises(services.ActionError) as refused:
        services_rights.request_close(actor=comms, request_id=erasure.pk, closure=Closure.REFUSED)
    assert "Only the head of communications" in refused.value.errors["closure"]
    erasure.refresh_from_db()
    assert erasure.status == Status.OPEN
    # Whoever handles requests may still close it for another reason, and refuse access.
    access = log(comms, commenter)
    services_rights.request_close(actor=comms, request_id=access.pk, closure=Closure.REFUSED)
    services_rights.request_close(actor=head, request_id=erasure.pk, closure=Closure.REFUSED)
    erasure.refresh_from_db()
    assert (erasure.status, erasure.closure, erasure.closed_by) == (
        Status.CLOSED,
        Closure.REFUSED,
        head,
    )


def test_the_close_page_offers_refusal_of_an_erasure_request_to_the_head_alone(
    as_user, comms, head, commenter
):
    erasure = log(comms, commenter, Kind.ERASURE)
    url = reverse("moderation:rights_request_close", args=[erasure.pk])
    page = as_user(comms).get(url).content.decode()
    assert 'value="refused"' not in page
    assert "Only the head of communications can refuse an erasure request" in page
    response = as_user(comms).post(url, {"closure": Closure.REFUSED})
    assert response.status_code == 400
    assert RightsRequest.objects.get().status == Status.OPEN
    assert 'value="refused"' in as_user(head).get(url).content.decode()
    access = log(comms, commenter)
    close_access = reverse("moderation:rights_request_close", args=[access.pk])
    assert 'value="refused"' in as_user(comms).get(close_access).content.decode()


@pytest.mark.parametrize(
    ("received_days_ago", "said"),
    [
        (30, " (1 day left)"),
        (31, ' <span class="badge text-bg-warning">due today</span>'),
        (32, ' <span class="badge text-bg-danger">overdue by 1 day</span>'),
        (40, ' <span class="badge text-bg-danger">overdue by 9 days</span>'),
    ],
)
def test_the_days_left_say_when_it_is_due_today_and_how_late_it_is(
    comms, commenter, received_days_ago, said
):
    with freeze_time("2026-11-29 12:00"):
        request = log(
            comms,
            commenter,
            received_on=datetime.date(2026, 11, 29) - datetime.timedelta(days=received_days_ago),
        )
        assert rights_tags.days_left(request) == said


def test_an_export_or_removal_with_no_request_logged_says_so(comms, head, commenter):
    services.commenter_erase(
        actor=head, commenter_id=commenter.pk, reason="Upheld", received_on=timezone.localdate()
    )
    removal = selectors.erasures().get()
    assert rights_tags.request_link(getattr(removal, "rights_request", None)) == "none logged"
    row = rights_tags.removal_rows([removal])
    assert "<td>none logged</td>" in row and "Yes, in 0 days" in row


def test_the_database_works_out_the_day_due_as_the_portal_does(commenter):
    """Every day of two years, a leap year's February and every month's end among them:
    the figures counted by the database and the rows worked out here must agree."""
    start = datetime.date(2027, 1, 1)
    days = [start + datetime.timedelta(days=n) for n in range(731)]
    for first in range(0, len(days), 100):
        chunk = days[first : first + 100]
        worked_out = (
            Commenter.objects.filter(pk=commenter.pk)
            .values(
                **{
                    f"due{n}": AnswerDue(Value(day, output_field=DateField()))
                    for n, day in enumerate(chunk)
                }
            )
            .get()
        )
        assert [worked_out[f"due{n}"] for n in range(len(chunk))] == [
            answer_due(day) for day in chunk
        ]
