"""The retention job meets other work on the same records at the same moment: a new entry
naming the commenter it forgets, an edit holding the entry it is due to clear. On
PostgreSQL, with two real connections."""

import datetime
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from freezegun import freeze_time

from moderation import evidence, services
from moderation.evidence import clean_upload
from moderation.models import Commenter, Entry
from portal.models import ReminderSent
from portal.reminders import engine
from tests import factories
from tests.moderation.helpers import log_entry, png_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _someone_waits_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_an_entry_logged_as_its_author_is_forgotten_starts_a_new_record(
    require_postgres, comms, team
):
    account = factories.managed_account(team=team)
    old = log_entry(comms, account, handle="@troll_one")
    Entry.objects.filter(pk=old.pk).update(personal_data_removed_at=old.occurred_at)
    forgetting, results = threading.Event(), {}

    def forget():
        try:
            with transaction.atomic():
                results["forgot"] = services.commenter_forget_if_nothing_kept(old.commenter_id)
                forgetting.set()
                # Commit only once the new entry has found the old record and waits on it.
                deadline = time.monotonic() + 10
                while not _someone_waits_on_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.02)
        finally:
            connection.close()

    def log_again():
        try:
            forgetting.wait(10)
            results["entry"] = log_entry(comms, account, handle="@troll_one")
        except Exception as error:  # reported to the test
            results["entry"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=forget), threading.Thread(target=log_again)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert results["forgot"] is True
    entry = results["entry"]
    assert isinstance(entry, Entry), entry
    assert Commenter.objects.get(pk=old.commenter_id).is_forgotten
    new = Commenter.objects.get(pk=entry.commenter_id)
    assert new.pk != old.commenter_id and new.handle == "@troll_one"


def test_an_entry_being_changed_when_its_date_passes_is_done_by_the_next_sweep(
    require_postgres, comms, team
):
    account = factories.managed_account(team=team)
    entry = log_entry(
        comms,
        account,
        handle="@troll_one",
        excerpt="Kept while locked",
        files=[clean_upload(upload("shot.png", png_bytes()))],
    )
    (item,) = entry.evidence.all()
    day = datetime.date(2027, 3, 10)
    Entry.objects.filter(pk=entry.pk).update(evidence_retain_until=day)
    moment = datetime.datetime(2027, 3, 11, 0, 10, tzinfo=ZoneInfo("Europe/London"))
    locked, release = threading.Event(), threading.Event()

    def edit_slowly():
        try:
            with transaction.atomic():
                Entry.objects.select_for_update().get(pk=entry.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    editor = threading.Thread(target=edit_slowly)
    editor.start()
    locked.wait(10)
    try:
        with freeze_time(moment):
            engine.sweep()
    finally:
        release.set()
        editor.join(10)
    entry.refresh_from_db()
    assert entry.excerpt == "Kept while locked"
    assert not ReminderSent.objects.filter(rule="moderation.evidence_retention").exists()
    # Nothing was touched, the file on disk included: the stage failed before it began.
    item.refresh_from_db()
    assert item.removed_at is None and evidence.stored_path(item.key).is_file()

    with freeze_time(moment + datetime.timedelta(minutes=5)):
        engine.sweep()
    entry.refresh_from_db()
    assert entry.excerpt == "" and entry.personal_data_removed_at is not None
    assert not evidence.stored_path(item.key).exists()
    assert ReminderSent.objects.filter(rule="moderation.evidence_retention").count() == 1
