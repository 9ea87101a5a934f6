import datetime

import pytest
from django.utils import timezone

from moderation import evidence, services, tasks
from moderation.evidence import clean_upload
from moderation.models import Entry, EvidenceFile
from portal.celery import BEAT_SCHEDULE
from tests import factories
from tests.moderation.helpers import log_entry, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry_with_files(comms, team):
    account = factories.managed_account(team=team)
    files = [
        clean_upload(upload("a.png", png_bytes())),
        clean_upload(upload("b.pdf", pdf_bytes())),
    ]
    return log_entry(comms, account, files=files)


def _expire(entry):
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )


def test_expired_evidence_is_really_removed_and_a_record_of_it_stays(entry_with_files):
    items = list(entry_with_files.evidence.all())
    folders = [evidence.folder_for(item.key) for item in items]
    for folder in folders:
        (folder / "preview.jpg").write_bytes(b"a derived copy")
    assert EvidenceFile.history.filter(id__in=[i.pk for i in items]).count() == 2
    _expire(entry_with_files)

    assert services.evidence_remove_expired() == 2

    for folder in folders:
        assert not folder.exists()
    assert not EvidenceFile.history.filter(id__in=[i.pk for i in items]).exists()
    for item in EvidenceFile.objects.filter(entry=entry_with_files):
        assert item.removed_at is not None
        assert item.sha256 == ""
        assert item.size > 0  # what it was stays known
    removed = entry_with_files.events.filter(action="evidence_removed")
    assert removed.count() == 2
    assert all(e.actor is None for e in removed)


def test_running_the_job_again_changes_nothing(entry_with_files):
    _expire(entry_with_files)
    services.evidence_remove_expired()
    before = list(EvidenceFile.objects.values_list("id", "removed_at"))
    events = entry_with_files.events.count()
    assert services.evidence_remove_expired() == 0
    assert list(EvidenceFile.objects.values_list("id", "removed_at")) == before
    assert entry_with_files.events.count() == events


def test_evidence_before_its_date_is_kept(entry_with_files):
    assert services.evidence_remove_expired() == 0
    for item in entry_with_files.evidence.all():
        assert evidence.stored_path(item.key).is_file()


def test_evidence_on_legal_hold_is_kept_past_its_date_until_the_hold_is_lifted(
    comms, entry_with_files
):
    services.entry_set_legal_hold(
        actor=comms, entry_id=entry_with_files.pk, hold=True, reason="Claim ref 42"
    )
    _expire(entry_with_files)
    assert services.evidence_remove_expired() == 0
    assert all(
        evidence.stored_path(item.key).is_file() for item in entry_with_files.evidence.all()
    )
    services.entry_set_legal_hold(actor=comms, entry_id=entry_with_files.pk, hold=False)
    assert services.evidence_remove_expired() == 2


def test_removed_evidence_can_no_longer_be_downloaded(comms, as_user, entry_with_files):
    item = entry_with_files.evidence.first()
    url = item.get_absolute_url()
    assert as_user(comms).get(url).status_code == 200
    _expire(entry_with_files)
    services.evidence_remove_expired()
    assert as_user(comms).get(url).status_code == 404
    page = as_user(comms).get(entry_with_files.get_absolute_url()).content.decode()
    assert "removed" in page and url not in page


def test_the_entry_itself_outlives_its_evidence(entry_with_files):
    _expire(entry_with_files)
    services.evidence_remove_expired()
    entry_with_files.refresh_from_db()
    assert entry_with_files.excerpt


# The retention job is a stage of the reminder engine, run by its five-minute sweep.


def _sweep(day, hour=0, minute=10):
    from zoneinfo import ZoneInfo

    from freezegun import freeze_time

    from portal.reminders import engine

    moment = datetime.datetime.combine(day, datetime.time(hour, minute), ZoneInfo("Europe/London"))
    with freeze_time(moment):
        engine.sweep()


def _kept(entry):
    return entry.evidence.filter(removed_at__isnull=True).count()


def _retain_until(entry, day):
    Entry.objects.filter(pk=entry.pk).update(evidence_retain_until=day)


def test_the_engine_removes_evidence_the_day_after_its_retention_date(entry_with_files):
    from portal.models import ReminderSent

    day = datetime.date(2027, 3, 10)
    _retain_until(entry_with_files, day)
    _sweep(day, 23, 55)  # the last day it is kept
    assert _kept(entry_with_files) == 2
    _sweep(day + datetime.timedelta(days=1), 0, 5)
    assert _kept(entry_with_files) == 0
    assert entry_with_files.events.filter(action="evidence_removed").count() == 2
    _sweep(day + datetime.timedelta(days=1), 0, 10)  # twice in a row: nothing more
    _sweep(day + datetime.timedelta(days=30))
    assert entry_with_files.events.filter(action="evidence_removed").count() == 2
    assert ReminderSent.objects.filter(rule="moderation.evidence_retention").count() == 1


def test_the_engine_removes_evidence_on_a_bank_holiday_too(entry_with_files):
    # Retention is counted in calendar days: Christmas Day 2026 is no reason to keep it.
    _retain_until(entry_with_files, datetime.date(2026, 12, 24))
    _sweep(datetime.date(2026, 12, 25), 3, 0)
    assert _kept(entry_with_files) == 0


def test_the_engine_leaves_evidence_on_legal_hold_and_removes_it_once_lifted(
    entry_with_files,
):
    day = datetime.date(2027, 3, 10)
    _retain_until(entry_with_files, day)
    Entry.objects.filter(pk=entry_with_files.pk).update(legal_hold=True)
    _sweep(day + datetime.timedelta(days=5))
    assert _kept(entry_with_files) == 2
    Entry.objects.filter(pk=entry_with_files.pk).update(legal_hold=False)
    _sweep(day + datetime.timedelta(days=6))
    assert _kept(entry_with_files) == 0


def test_retention_is_no_beat_job_of_its_own_any_more():
    names = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert not any("expired_evidence" in name for name in names)
    assert "portal.tasks.sweep_reminders" in names
    assert not hasattr(tasks, "remove_expired_evidence")
