"""A legal hold keeps evidence and a commenter's details past their date, so it is looked
at again some months after it was placed or last kept: kept, with the reason it is still
needed, or lifted. The reminder engine says when."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from freezegun import freeze_time

from moderation import services
from moderation.models import Entry, EntryEvent
from portal.models import Notification
from portal.reminders import engine
from tests import factories
from tests.moderation.helpers import log_entry

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PLACED = datetime.datetime(2027, 1, 15, 10, 0, tzinfo=LONDON)


@pytest.fixture
def account(team):
    return factories.managed_account(team=team)


@pytest.fixture
def held(comms, account):
    entry = log_entry(comms, account, handle="@in_court", excerpt="Kept for the claim")
    with freeze_time(PLACED):
        services.entry_set_legal_hold(
            actor=comms, entry_id=entry.pk, hold=True, reason="Claim CL-42"
        )
    entry.refresh_from_db()
    return entry


def _sweep(moment):
    with freeze_time(moment):
        engine.sweep()


def _told(stage):
    return sorted(
        Notification.objects.filter(
            kind=f"reminder.moderation.legal_hold_review.{stage}"
        ).values_list("recipient__username", flat=True)
    )


def test_a_hold_is_to_be_looked_at_six_months_after_it_was_placed(comms, held):
    assert held.legal_hold_review_on == datetime.date(2027, 7, 15)
    services.entry_set_legal_hold(actor=comms, entry_id=held.pk, hold=False)
    held.refresh_from_db()
    assert held.legal_hold_review_on is None


def test_keeping_it_says_why_and_moves_the_day_on(comms, held, settings):
    settings.MODERATION_LEGAL_HOLD_REVIEW_MONTHS = 3
    with freeze_time(datetime.datetime(2027, 7, 16, 9, 0, tzinfo=LONDON)):
        services.entry_keep_legal_hold(
            actor=comms, entry_id=held.pk, reason="The claim is still open."
        )
    held.refresh_from_db()
    assert held.legal_hold and held.legal_hold_review_on == datetime.date(2027, 10, 16)
    assert held.legal_hold_reason == "The claim is still open."
    (event,) = held.events.filter(action="legal_hold_kept")
    assert event.actor == comms
    assert event.comment == "The claim is still open. To be looked at again by 16 Oct 2027."
    # The reason before is in the entry's history, with why it changed.
    latest = held.history.first()
    assert latest.history_change_reason == "legal hold kept"
    assert held.history.filter(legal_hold_reason="Claim CL-42").exists()


def test_keeping_it_is_refused_without_a_reason_off_hold_or_to_a_reader(
    comms, auditor, account, held
):
    with pytest.raises(services.ActionError) as refused:
        services.entry_keep_legal_hold(actor=comms, entry_id=held.pk, reason="  ")
    assert refused.value.errors == {"reason": "Give the reason."}
    with pytest.raises(services.ActionRefused):
        services.entry_keep_legal_hold(actor=auditor, entry_id=held.pk, reason="Still needed")
    loose = log_entry(comms, account, handle="@not_held")
    with pytest.raises(services.ActionConflict):
        services.entry_keep_legal_hold(actor=comms, entry_id=loose.pk, reason="Still needed")
    held.refresh_from_db()
    assert held.legal_hold_review_on == datetime.date(2027, 7, 15)
    assert not EntryEvent.objects.filter(action="legal_hold_kept").exists()


# Reminders


def test_comms_are_told_on_the_day_and_the_head_a_fortnight_later(comms, head, held):
    _sweep(datetime.datetime(2027, 7, 14, 23, 55, tzinfo=LONDON))
    assert _told("due") == []
    _sweep(datetime.datetime(2027, 7, 15, 0, 5, tzinfo=LONDON))
    assert "comms" in _told("due")
    note = Notification.objects.filter(kind__endswith="legal_hold_review.due").first()
    assert note.url == held.get_absolute_url()
    assert "in_court" not in note.title + note.body  # by its number, not the person
    _sweep(datetime.datetime(2027, 7, 28, 12, 0, tzinfo=LONDON))
    assert _told("overdue") == []
    _sweep(datetime.datetime(2027, 7, 29, 0, 5, tzinfo=LONDON))
    told = _told("overdue")
    assert "comms" in told and "head" in told
    assert Notification.objects.filter(kind__endswith="legal_hold_review.overdue").first().urgent


def test_once_kept_it_is_reminded_of_again_at_the_next_day_and_not_once_lifted(comms, held):
    _sweep(datetime.datetime(2027, 7, 15, 0, 5, tzinfo=LONDON))
    assert _told("due") == ["comms"]
    with freeze_time(datetime.datetime(2027, 7, 15, 9, 0, tzinfo=LONDON)):
        services.entry_keep_legal_hold(actor=comms, entry_id=held.pk, reason="Still open")
    # Kept before a fortnight had passed: nobody is told it was not looked at.
    _sweep(datetime.datetime(2027, 8, 1, 0, 5, tzinfo=LONDON))
    assert _told("overdue") == []
    _sweep(datetime.datetime(2028, 1, 15, 0, 5, tzinfo=LONDON))
    assert _told("due") == ["comms", "comms"]

    services.entry_set_legal_hold(actor=comms, entry_id=held.pk, hold=False)
    _sweep(datetime.datetime(2028, 2, 1, 0, 5, tzinfo=LONDON))
    assert _told("overdue") == []


def test_holds_already_in_place_are_given_a_day_from_when_they_were_placed(comms, held):
    migration = importlib.import_module("moderation.migrations.0018_legal_hold_review")
    Entry.objects.filter(pk=held.pk).update(legal_hold_review_on=None)
    migration.review_holds_in_place(apps, None)
    held.refresh_from_db()
    assert held.legal_hold_review_on == datetime.date(2027, 7, 15)


# The entry's page


def test_the_entry_page_says_when_and_keeps_it_with_the_reason(as_user, comms, held):
    url = held.get_absolute_url()
    keep = reverse("moderation:legal_hold_keep", args=[held.pk])
    with freeze_time(datetime.datetime(2027, 7, 16, 9, 0, tzinfo=LONDON)):
        client = as_user(comms)
        page = client.get(url).content.decode()
        assert "to be looked at again by 15 July 2027" in page
        assert '<span class="badge text-bg-warning">due</span>' in page
        assert "Keep the legal hold" in page

        # No reason: refused on its field, the form open, nothing changed.
        answer = client.post(keep, {"reason": ""})
        assert answer.status_code == 400
        body = answer.content.decode()
        assert "Enter an answer." in body and '<details class="mb-3" open>' in body
        held.refresh_from_db()
        assert held.legal_hold_review_on == datetime.date(2027, 7, 15)

        answer = client.post(keep, {"reason": "Claim CL-42 is still open"}, follow=True)
        body = answer.content.decode()
        assert "The legal hold is kept. It is to be looked at again by 16 Jan 2028." in body
        assert "to be looked at again by 16 January 2028" in body
        assert "looked at the legal hold and kept it" in body
        assert '<span class="badge text-bg-warning">due</span>' not in body


def test_an_entry_not_on_hold_offers_no_keeping(as_user, comms, account):
    entry = log_entry(comms, account, handle="@free")
    page = as_user(comms).get(entry.get_absolute_url()).content.decode()
    assert "Keep the legal hold" not in page and "looked at again" not in page
