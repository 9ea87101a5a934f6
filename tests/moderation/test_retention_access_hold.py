"""While a request for a copy of what is held about a commenter waits for its answer,
nothing about them is removed: not by retention when an entry passes its date, nor early
by a decision. The copy is made of what was there when they asked."""

import datetime
import threading
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from moderation import services, services_rights
from moderation.evidence import clean_upload
from moderation.models import Commenter, Entry, Erasure, RightsRequest
from moderation.reminders import RULES
from portal.models import ReminderSent
from portal.reminders import engine
from tests import factories
from tests.moderation.helpers import log_entry, png_bytes, upload

pytestmark = pytest.mark.django_db

Kind = RightsRequest.Kind
LONDON = ZoneInfo("Europe/London")
WORDS = "The words they wrote"
DAY = datetime.date(2027, 3, 10)  # the entry's retention date
AFTER = datetime.datetime(2027, 3, 11, 0, 10, tzinfo=LONDON)  # the sweep that removes it


@pytest.fixture
def account(team):
    return factories.managed_account(team=team)


@pytest.fixture
def entry(comms, account):
    entry = log_entry(
        comms,
        account,
        handle="@wants_a_copy",
        excerpt=WORDS,
        files=[clean_upload(upload("shot.png", png_bytes()))],
    )
    Entry.objects.filter(pk=entry.pk).update(evidence_retain_until=DAY)
    return entry


def _ask(actor, entry, kind=Kind.ACCESS, received_on=datetime.date(2027, 3, 1)):
    with freeze_time(datetime.datetime(2027, 3, 2, 9, 0, tzinfo=LONDON)):
        return services_rights.request_log(
            actor=actor, commenter=entry.commenter, kind=kind, received_on=received_on
        )


def _sweep(moment):
    with freeze_time(moment):
        engine.sweep()


def _removed(entry):
    entry.refresh_from_db()
    kept = entry.evidence.filter(removed_at__isnull=True).count()
    return entry.personal_data_removed_at is not None and entry.excerpt == "" and kept == 0


def _ledger():
    return ReminderSent.objects.filter(rule="moderation.evidence_retention")


def test_retention_waits_for_the_export_and_removes_them_at_the_next_sweep(comms, entry):
    request = _ask(comms, entry)
    _sweep(AFTER)
    _sweep(AFTER + datetime.timedelta(days=10))
    assert not _removed(entry) and entry.excerpt == WORDS
    assert not Commenter.objects.get(pk=entry.commenter_id).is_forgotten
    assert not _ledger().exists()  # not done, so it runs once the request is answered

    with freeze_time(AFTER + datetime.timedelta(days=12)):
        spool = services.subject_access_export(
            actor=comms, commenter=entry.commenter, received_on=request.received_on
        )
    with zipfile.ZipFile(spool) as copy:
        held = b"".join(copy.read(name) for name in copy.namelist())
    spool.close()
    assert WORDS.encode() in held  # what they asked about was still there to give

    _sweep(AFTER + datetime.timedelta(days=12, minutes=5))
    assert _removed(entry)
    assert Commenter.objects.get(pk=entry.commenter_id).is_forgotten
    assert _ledger().count() == 1


def test_a_request_closed_without_an_export_lets_retention_go_on(comms, entry):
    request = _ask(comms, entry)
    _sweep(AFTER)
    assert not _removed(entry)
    services_rights.request_close(
        actor=comms, request_id=request.pk, closure=RightsRequest.Closure.WITHDRAWN
    )
    _sweep(AFTER + datetime.timedelta(minutes=5))
    assert _removed(entry)


def test_an_erasure_request_holds_nothing_back(comms, entry):
    _ask(comms, entry, Kind.ERASURE)
    _sweep(AFTER)
    assert _removed(entry)


def test_a_request_about_someone_else_holds_nothing_back(comms, account, entry):
    other = log_entry(comms, account, handle="@someone_else")
    _ask(comms, other)
    _sweep(AFTER)
    assert _removed(entry)


def test_the_catch_up_run_keeps_them_too(comms, entry):
    request = _ask(comms, entry)
    with freeze_time(AFTER):
        assert services.retention_expire_all() == 0
    assert not _removed(entry)
    services_rights.request_close(
        actor=comms, request_id=request.pk, closure=RightsRequest.Closure.ELSEWHERE
    )
    with freeze_time(AFTER):
        assert services.retention_expire_all() == 1
    assert _removed(entry)


def test_a_request_logged_after_the_sweep_looked_fails_the_stage_and_writes_nothing(comms, entry):
    """The sweep read the entry as due; the request is logged before its stage runs. The
    stage must fail, so that it is not recorded as done and runs after the answer."""
    _ask(comms, entry)
    with freeze_time(AFTER), pytest.raises(services.ActionConflict), transaction.atomic():
        services.entry_retention_expire(entry)
    assert not _removed(entry) and entry.excerpt == WORDS


def test_the_due_page_and_the_engine_do_not_count_them_as_waiting(comms, entry):
    (rule,) = [rule for rule in RULES if rule.key == "moderation.evidence_retention"]
    assert list(rule.waiting_records().values_list("pk", flat=True)) == [entry.pk]
    _ask(comms, entry)
    assert not rule.waiting_records().exists()
    assert not rule.waiting_records_for(comms).exists()


def test_their_details_cannot_be_removed_early_while_they_wait_for_a_copy(comms, head, entry):
    request = _ask(comms, entry)
    with pytest.raises(services.ActionConflict) as refused:
        services.commenter_erase(
            actor=head,
            commenter_id=entry.commenter_id,
            reason="Objection upheld",
            received_on=timezone.localdate(),
        )
    assert str(request) in str(refused.value) and "Answer it with their export" in str(
        refused.value
    )
    assert not Erasure.objects.exists() and not _removed(entry)


def test_a_request_is_not_logged_about_someone_forgotten_while_the_page_was_open(comms, entry):
    commenter = entry.commenter  # as the page read them, handle and all
    _sweep(AFTER)
    assert Commenter.objects.get(pk=commenter.pk).is_forgotten
    assert not commenter.is_forgotten
    with pytest.raises(services.ActionConflict):
        services_rights.request_log(
            actor=comms, commenter=commenter, kind=Kind.ACCESS, received_on=timezone.localdate()
        )
    assert not RightsRequest.objects.exists()


# The pages say so


def test_the_erase_page_says_what_stops_it_and_offers_no_form(as_user, comms, head, entry):
    request = _ask(comms, entry)
    client = as_user(head)
    url = reverse("moderation:commenter_erase", args=[entry.commenter_id])
    page = client.get(url).content.decode()
    assert "This cannot be done yet" in page
    assert f'<a href="{request.get_absolute_url()}">{request}</a>' in page
    assert reverse("moderation:commenter_export", args=[entry.commenter_id]) in page
    assert "Remove their details now" not in page
    answer = client.post(
        url,
        {
            "reason": "Objection upheld",
            "received_on": timezone.localdate().isoformat(),
            "confirm": "on",
        },
    )
    assert answer.status_code == 409
    assert "asks for a copy of what is held about them" in answer.content.decode()
    assert not Erasure.objects.exists()


def test_the_entry_commenter_and_request_pages_say_nothing_is_removed_meanwhile(
    as_user, comms, safeguarding_lead, account
):
    entry = log_entry(comms, account, handle="@asked", safeguarding=True)
    request = _ask(comms, entry)
    said = "while the commenter's request for a copy of what is held about them waits"

    page = as_user(comms).get(entry.get_absolute_url()).content.decode()
    assert said in page and f'<a href="{request.get_absolute_url()}">{request}</a>' in page

    # A safeguarding lead reads the entry, not the information rights record.
    page = as_user(safeguarding_lead).get(entry.get_absolute_url()).content.decode()
    assert said in page and request.get_absolute_url() not in page

    page = as_user(comms).get(entry.commenter.get_absolute_url()).content.decode()
    assert "Until it is answered or closed, nothing about them is removed." in page
    page = as_user(comms).get(request.get_absolute_url()).content.decode()
    assert "Until then nothing about them is removed" in page

    services_rights.request_close(
        actor=comms, request_id=request.pk, closure=RightsRequest.Closure.WITHDRAWN
    )
    page = as_user(comms).get(entry.get_absolute_url()).content.decode()
    assert said not in page


# With two real connections


@pytest.mark.django_db(transaction=True)
def test_a_request_being_logged_as_the_sweep_runs_keeps_their_details(
    require_postgres, comms, entry
):
    """Logging a request locks the commenter, as retention does before removing anything:
    a sweep meanwhile leaves them for later, and once the request is in it waits for the
    answer."""
    locked, release, results = threading.Event(), threading.Event(), {}

    def log_slowly():
        try:
            with transaction.atomic():
                Commenter.objects.select_for_update().get(pk=entry.commenter_id)
                locked.set()
                release.wait(10)
                results["request"] = services_rights.request_log(
                    actor=comms,
                    commenter=entry.commenter,
                    kind=Kind.ACCESS,
                    received_on=datetime.date(2026, 12, 1),
                )
        finally:
            connection.close()

    logger = threading.Thread(target=log_slowly)
    logger.start()
    locked.wait(10)
    try:
        _sweep(AFTER)
    finally:
        release.set()
        logger.join(10)
    assert not _removed(entry) and entry.excerpt == WORDS
    assert not _ledger().exists()

    _sweep(AFTER + datetime.timedelta(minutes=5))
    assert not _removed(entry)
    services_rights.request_close(
        actor=comms, request_id=results["request"].pk, closure=RightsRequest.Closure.WITHDRAWN
    )
    _sweep(AFTER + datetime.timedelta(minutes=10))
    assert _removed(entry)


def test_closing_the_request_says_first_what_its_closure_lets_go(as_user, comms, account, entry):
    request = _ask(comms, entry)
    kept = "1 entry about them has passed its retention date and is kept only for this request."
    close = reverse("moderation:rights_request_close", args=[request.pk])
    client = as_user(comms)
    # Before the date nothing is kept for it, and nothing is said.
    page = client.get(close).content.decode()
    assert "kept only for this request" not in page

    with freeze_time(AFTER):
        _sweep(AFTER)
        log_entry(comms, account, handle="@wants_a_copy")  # a newer one, not yet due
        client = as_user(comms)
        page = client.get(close).content.decode()
        assert kept in page and "removed at the next reminder sweep" in page
        assert reverse("moderation:commenter_export", args=[entry.commenter_id]) in page
        page = client.get(request.get_absolute_url()).content.decode()
        assert kept in page and "They go at the first reminder sweep after it is answered" in page
        answer = client.post(close, {"closure": RightsRequest.Closure.WITHDRAWN})
        assert answer.status_code == 302
    _sweep(AFTER + datetime.timedelta(minutes=5))
    assert _removed(entry)
    with freeze_time(AFTER + datetime.timedelta(minutes=6)):
        page = as_user(comms).get(request.get_absolute_url()).content.decode()
    assert "They withdrew it" in page and "kept only for this request" not in page
