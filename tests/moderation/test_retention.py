import datetime
import logging
import os
import uuid

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from moderation import evidence, services, tasks
from moderation.evidence import clean_upload
from moderation.models import Action, Commenter, Entry, EvidenceFile
from portal.celery import BEAT_SCHEDULE
from tests import factories
from tests.moderation.helpers import (
    close_plan,
    entry_data,
    log_entry,
    open_plan,
    pdf_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry_with_files(comms, team):
    # Its post is on the account's own page (``entry_data``'s), so its link outlives it.
    account = factories.managed_account(team=team, url="https://www.facebook.com/trust")
    files = [
        clean_upload(upload("a.png", png_bytes())),
        clean_upload(upload("b.pdf", pdf_bytes())),
    ]
    return log_entry(comms, account, files=files)


def _expire(entry):
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )


def test_expired_evidence_is_really_removed_and_a_record_of_it_stays(
    entry_with_files, django_capture_on_commit_callbacks
):
    items = list(entry_with_files.evidence.all())
    folders = [evidence.folder_for(item.key) for item in items]
    for folder in folders:
        (folder / "preview.jpg").write_bytes(b"a derived copy")
    assert EvidenceFile.history.filter(id__in=[i.pk for i in items]).count() == 2
    _expire(entry_with_files)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.retention_expire_all() == 2

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


def test_a_removal_rolled_back_leaves_the_file_with_the_row_that_says_it_is_kept(
    entry_with_files, django_capture_on_commit_callbacks
):
    _expire(entry_with_files)

    class Failed(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Failed),
        transaction.atomic(),
    ):
        assert services.entry_retention_expire(entry_with_files) == 2
        raise Failed
    for item in entry_with_files.evidence.all():
        assert item.removed_at is None
        assert evidence.stored_path(item.key).is_file()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.entry_retention_expire(entry_with_files) == 2
    for item in entry_with_files.evidence.all():
        assert item.removed_at is not None
        assert not evidence.folder_for(item.key).exists()


def _age(folder, hours):
    moment = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(folder, (moment, moment))


def test_the_daily_clean_up_removes_folders_no_kept_evidence_names(entry_with_files, caplog):
    kept, marked = entry_with_files.evidence.all()
    # The removal was committed but its process stopped before the file went.
    EvidenceFile.objects.filter(pk=marked.pk).update(removed_at=timezone.now())
    # An upload rolled back whose clean-up never ran, and one still being committed.
    orphan, fresh = uuid.uuid4(), uuid.uuid4()
    evidence.write(orphan, b"left behind")
    evidence.write(fresh, b"being saved")
    stranger = evidence.evidence_root() / "ab" / "not-a-key"
    stranger.mkdir(parents=True)
    for key in (kept.key, marked.key, orphan):
        _age(evidence.folder_for(key), hours=2)
    _age(stranger, hours=2)

    with caplog.at_level(logging.INFO, logger="moderation.services"):
        assert tasks.remove_leftover_evidence() == {"removed": 2}

    assert evidence.stored_path(kept.key).is_file()
    assert not evidence.folder_for(marked.key).exists()
    assert not evidence.folder_for(orphan).exists()
    assert evidence.stored_path(fresh).is_file()
    assert stranger.is_dir()
    assert {str(marked.key), str(orphan)} == {
        str(record.args[0]) for record in caplog.records if "no kept evidence" in record.message
    }
    assert services.evidence_leftovers_remove() == 0


def test_the_daily_clean_up_is_scheduled():
    schedule = {entry["task"]: entry["schedule"] for entry in BEAT_SCHEDULE.values()}
    assert "moderation.tasks.remove_leftover_evidence" in schedule


def test_running_the_job_again_changes_nothing(entry_with_files):
    _expire(entry_with_files)
    services.retention_expire_all()
    before = list(EvidenceFile.objects.values_list("id", "removed_at"))
    events = entry_with_files.events.count()
    assert services.retention_expire_all() == 0
    assert list(EvidenceFile.objects.values_list("id", "removed_at")) == before
    assert entry_with_files.events.count() == events


def test_evidence_before_its_date_is_kept(entry_with_files):
    assert services.retention_expire_all() == 0
    for item in entry_with_files.evidence.all():
        assert evidence.stored_path(item.key).is_file()


def test_evidence_on_legal_hold_is_kept_past_its_date_until_the_hold_is_lifted(
    comms, entry_with_files
):
    services.entry_set_legal_hold(
        actor=comms, entry_id=entry_with_files.pk, hold=True, reason="Claim ref 42"
    )
    _expire(entry_with_files)
    assert services.retention_expire_all() == 0
    assert all(
        evidence.stored_path(item.key).is_file() for item in entry_with_files.evidence.all()
    )
    services.entry_set_legal_hold(actor=comms, entry_id=entry_with_files.pk, hold=False)
    assert services.retention_expire_all() == 2


def test_removed_evidence_can_no_longer_be_downloaded(comms, as_user, entry_with_files):
    item = entry_with_files.evidence.first()
    url = item.get_absolute_url()
    assert as_user(comms).get(url).status_code == 200
    _expire(entry_with_files)
    services.retention_expire_all()
    assert as_user(comms).get(url).status_code == 404
    page = as_user(comms).get(entry_with_files.get_absolute_url()).content.decode()
    assert "removed" in page and url not in page


def test_the_entry_outlives_its_evidence_and_still_shows_what_was_breached_and_done(
    entry_with_files,
):
    _expire(entry_with_files)
    services.retention_expire_all()
    entry = Entry.objects.get(pk=entry_with_files.pk)
    assert [c.slug for c in entry.categories.all()] == ["abuse"]
    assert entry.action_values == [Action.HIDE]
    assert entry.moderator_id and entry.occurred_at and entry.post_url


# What an entry holds of the commenter goes at the same date as its evidence.


@pytest.fixture
def account(team):
    return factories.managed_account(team=team)


WORDS = "Nurse Jo on ward 7 is useless"
LINK = "https://www.facebook.com/trust/posts/1?comment_id=99"
NOTE = "Posts under two names"


def _full_entry(comms, account, handle="@troll_one"):
    entry = log_entry(comms, account, handle=handle, excerpt=WORDS, comment_url=LINK, notes=NOTE)
    # An edit, so that the history holds the words twice.
    services.entry_update(
        actor=comms,
        entry_id=entry.pk,
        data=entry_data(
            account, handle=handle, excerpt=WORDS + "!", comment_url=LINK, notes=NOTE + "."
        ),
    )
    return entry


def test_past_its_date_the_commenters_words_link_and_notes_go_from_the_entry_and_its_history(
    comms, account
):
    entry = _full_entry(comms, account)
    assert Entry.history.filter(id=entry.pk).count() == 2
    _expire(entry)

    services.retention_expire_all()

    entry.refresh_from_db()
    assert (entry.excerpt, entry.comment_url, entry.notes) == ("", "", "")
    assert entry.personal_data_removed_at is not None
    rows = Entry.history.filter(id=entry.pk)
    assert rows.count() == 2  # the record of each change stays
    for row in rows:
        assert (row.excerpt, row.comment_url, row.notes) == ("", "", "")
    (event,) = entry.events.filter(action="personal_data_removed")
    assert event.actor is None
    assert WORDS not in event.comment and "retention date" in event.comment
    # Nothing more on a second run.
    assert services.retention_expire_all() == 0
    assert entry.events.filter(action="personal_data_removed").count() == 1


def test_past_its_date_a_reconsiderations_note_goes_and_what_was_decided_stays(comms, account):
    noted = _full_entry(comms, account)
    bare = log_entry(comms, account, handle="@troll_one")
    services.entry_reconsider(
        actor=comms, entry_id=noted.pk, outcome="reinstated", comment="They took out the name"
    )
    services.entry_reconsider(actor=comms, entry_id=bare.pk, outcome="kept_hidden")
    _expire(noted)
    _expire(bare)

    services.retention_expire_all()

    assert noted.events.get(action="reconsidered").comment == (
        f"Edited and reinstated. {services.NOTE_REMOVED}"
    )
    assert bare.events.get(action="reconsidered").comment == "Edited but kept hidden."
    noted.refresh_from_db()
    assert noted.reconsideration == "reinstated"


def test_past_its_date_the_reasons_given_about_the_commenter_go_and_that_they_were_given_stays(
    comms, account, as_user
):
    from moderation.models import AuthorTold

    reasoned = services.entry_create(
        actor=comms,
        data=entry_data(
            account,
            handle="@says_she_is_14",
            author_told=AuthorTold.NOT_TOLD,
            not_told_reason="She says she is 14; passed to the safeguarding lead",
        ),
    )
    hold = "Police investigation into her stalker, ref 4471"
    services.entry_set_legal_hold(actor=comms, entry_id=reasoned.pk, hold=True, reason=hold)
    services.entry_keep_legal_hold(actor=comms, entry_id=reasoned.pk, reason=hold)
    services.entry_set_legal_hold(
        actor=comms, entry_id=reasoned.pk, hold=False, reason="The case is closed"
    )
    told = log_entry(comms, account, handle="@told_why")
    _expire(reasoned)
    _expire(told)

    services.retention_expire_all()

    gone = services.REASON_REMOVED
    reasoned.refresh_from_db()
    assert (reasoned.author_told, reasoned.not_told_reason) == (AuthorTold.NOT_TOLD, gone)
    assert reasoned.legal_hold is False and reasoned.legal_hold_reason == ""
    for row in Entry.history.filter(id=reasoned.pk):
        assert row.not_told_reason == gone
        assert row.legal_hold_reason in ("", gone)
    assert Entry.history.filter(id=reasoned.pk, legal_hold_reason=gone).exists()
    # What was done about the hold, by whom and when, stays on the timeline.
    held = reasoned.events.filter(action__startswith="legal_hold").order_by("at", "pk")
    assert [(event.action, event.actor, event.comment) for event in held] == [
        ("legal_hold_placed", comms, gone),
        ("legal_hold_kept", comms, gone),
        ("legal_hold_lifted", comms, gone),
    ]
    assert not Entry.history.filter(not_told_reason__contains="14").exists()
    # An entry with no reason given gets none.
    told.refresh_from_db()
    assert told.not_told_reason == "" and told.personal_data_removed_at is not None
    assert set(Entry.history.filter(id=told.pk).values_list("not_told_reason", flat=True)) == {""}

    page = as_user(comms).get(reasoned.get_absolute_url()).content.decode()
    assert "She says she is 14" not in page and "stalker" not in page
    assert "(reason removed with the commenter&#x27;s details)" in page
    assert "any notes and any reasons given about them were removed on" in page


def test_a_reconsiderations_note_stays_while_the_entry_keeps_its_details(comms, account):
    entry = _full_entry(comms, account)
    services.entry_reconsider(
        actor=comms, entry_id=entry.pk, outcome="reinstated", comment="They took out the name"
    )
    services.retention_expire_all()
    assert entry.events.get(action="reconsidered").comment == (
        "Edited and reinstated. They took out the name"
    )


def test_before_its_date_or_on_legal_hold_the_entry_keeps_them(comms, account):
    entry = _full_entry(comms, account)
    services.retention_expire_all()
    entry.refresh_from_db()
    assert entry.excerpt and entry.personal_data_removed_at is None

    services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=True, reason="Claim 42")
    _expire(entry)
    services.retention_expire_all()
    entry.refresh_from_db()
    assert entry.excerpt == WORDS + "!"

    services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=False)
    services.retention_expire_all()
    entry.refresh_from_db()
    assert entry.excerpt == ""


def test_the_handle_is_forgotten_once_no_entry_keeps_anything_of_theirs(comms, account):
    older = _full_entry(comms, account)
    newer = log_entry(comms, account, handle="@troll_one")
    commenter = older.commenter
    assert newer.commenter == commenter
    _expire(older)
    services.retention_expire_all()
    commenter.refresh_from_db()
    assert commenter.handle == "@troll_one"  # the newer entry still keeps it

    _expire(newer)
    services.retention_expire_all()
    commenter.refresh_from_db()
    assert commenter.handle == "" and commenter.is_forgotten
    assert commenter.display_handle == "(handle removed)"
    assert commenter.entries.count() == 2
    # The same handle logged again starts afresh: nothing links it to what was forgotten.
    again = log_entry(comms, account, handle="@troll_one")
    assert again.commenter != commenter


def test_an_open_management_plan_keeps_the_handle_until_it_closes(comms, account):
    entry = _full_entry(comms, account)
    plan = open_plan(comms, entry.commenter, summary="Persistent abuse of the ward team.")
    _expire(entry)
    services.retention_expire_all()
    entry.commenter.refresh_from_db()
    assert entry.commenter.handle == "@troll_one"

    close_plan(comms, plan, outcome="No further posts.")
    entry.commenter.refresh_from_db()
    assert entry.commenter.is_forgotten
    # What the plan said of them, in whatever words, went with the handle.
    plan.refresh_from_db()
    gone = services.PLAN_TEXT_REMOVED
    assert (plan.summary, plan.outcome, plan.status) == (gone, gone, "closed")
    assert not plan.history.filter(summary__icontains="ward team").exists()
    assert not plan.history.filter(outcome__icontains="further posts").exists()


def test_the_plan_page_says_before_and_after_that_closing_it_forgets_them(as_user, comms, account):
    entry = _full_entry(comms, account)
    plan = open_plan(comms, entry.commenter, summary="Persistent abuse of the ward team.")
    client = as_user(comms)
    warning = "closing the plan also removes their handle"
    assert warning not in client.get(plan.get_absolute_url()).content.decode()
    _expire(entry)
    services.retention_expire_all()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert warning in page and "ward team" in page
    response = client.post(
        plan.get_absolute_url(),
        {
            "owner": comms.pk,
            "review_on": plan.review_on.isoformat(),
            "outcome": "No further posts.",
            "close": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "their handle and what the plan said about them are removed" in page
    assert "ward team" not in page and "further posts" not in page
    assert services.PLAN_TEXT_REMOVED.replace("'", "&#x27;") in page


def test_no_plan_can_start_for_someone_whose_handle_was_forgotten(as_user, comms, account):
    entry = _full_entry(comms, account)
    _expire(entry)
    services.retention_expire_all()
    commenter = entry.commenter
    commenter.refresh_from_db()
    assert commenter.is_forgotten
    page = as_user(comms).get(commenter.get_absolute_url()).content.decode()
    assert "(handle removed)" in page and "Start a management plan" not in page

    with pytest.raises(services.ActionRefused, match="handle was removed"):
        services.plan_create(
            actor=comms,
            commenter=commenter,
            summary="Persistent abuse.",
            owner=comms,
            review_on=timezone.localdate() + datetime.timedelta(days=30),
            steps=["Message privately"],
        )
    response = as_user(comms).post(
        reverse("moderation:plan_create", args=[commenter.pk]),
        {
            "summary": "Persistent abuse.",
            "owner": comms.pk,
            "review_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "steps": "Message privately",
        },
    )
    assert "handle was removed" in response.content.decode()
    assert not commenter.plans.exists()


def test_the_entry_page_says_what_went_and_the_entry_can_no_longer_be_edited(
    as_user, comms, account
):
    entry = _full_entry(comms, account)
    _expire(entry)
    services.retention_expire_all()
    client = as_user(comms)

    page = client.get(entry.get_absolute_url()).content.decode()
    assert WORDS not in page and LINK not in page and NOTE not in page
    assert "(handle removed)" in page
    assert "were removed on" in page
    assert reverse("moderation:edit", args=[entry.pk]) not in page

    edit = reverse("moderation:edit", args=[entry.pk])
    response = client.get(edit, follow=True)
    assert response.redirect_chain[-1][0] == entry.get_absolute_url()
    assert "can no longer be edited" in response.content.decode()
    posted = client.post(edit, entry_data(account, excerpt="Typed again"))
    assert posted.status_code == 302
    entry.refresh_from_db()
    assert entry.excerpt == ""
    with pytest.raises(services.ActionConflict):
        services.entry_update(
            actor=comms, entry_id=entry.pk, data=entry_data(account, excerpt="Typed again")
        )
    # Nothing more is recorded on it: no reconsideration, no hold on what is gone.
    assert "What you can do" not in page
    assert "removed the commenter&#x27;s details" in page
    with pytest.raises(services.ActionConflict):
        services.entry_reconsider(actor=comms, entry_id=entry.pk, outcome="reinstated")
    with pytest.raises(services.ActionConflict):
        services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=True, reason="Claim")
    entry.refresh_from_db()
    assert not entry.reconsideration and not entry.legal_hold

    log = client.get(reverse("moderation:log")).content.decode()
    assert "(handle removed)" in log and "@troll_one" not in log


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


def test_the_engine_removes_the_commenters_details_of_an_entry_with_no_evidence(comms, account):
    entry = _full_entry(comms, account)
    day = datetime.date(2027, 3, 10)
    _retain_until(entry, day)
    _sweep(day, 23, 55)
    entry.refresh_from_db()
    assert entry.excerpt
    _sweep(day + datetime.timedelta(days=1), 0, 5)
    entry.refresh_from_db()
    assert entry.excerpt == "" and entry.personal_data_removed_at is not None
    assert entry.commenter.__class__.objects.get(pk=entry.commenter_id).is_forgotten


def test_entries_cleared_before_reasons_went_with_them_lose_them_too(comms, account):
    import importlib

    from django.apps import apps

    from moderation.models import AuthorTold

    def reasoned(handle):
        entry = services.entry_create(
            actor=comms,
            data=entry_data(
                account,
                handle=handle,
                author_told=AuthorTold.NOT_TOLD,
                not_told_reason="They are in hospital",
            ),
        )
        services.entry_set_legal_hold(
            actor=comms, entry_id=entry.pk, hold=True, reason="Claim CL-7"
        )
        return entry

    cleared, kept = reasoned("@cleared_before"), reasoned("@still_kept")
    # Cleared as it was before: the details gone, the reasons left.
    Entry.objects.filter(pk=cleared.pk).update(
        personal_data_removed_at=timezone.now(), legal_hold=False, legal_hold_reason=""
    )
    migration = importlib.import_module("moderation.migrations.0019_reasons_go_with_the_details")

    migration.reasons_go(apps, None)

    gone = services.REASON_REMOVED
    cleared.refresh_from_db()
    assert cleared.not_told_reason == gone and cleared.legal_hold_reason == ""
    assert {row.not_told_reason for row in cleared.history.all()} == {gone}
    assert {row.legal_hold_reason for row in cleared.history.all()} <= {"", gone}
    assert cleared.events.get(action="legal_hold_placed").comment == gone
    # An entry that still holds its details keeps its reasons.
    kept.refresh_from_db()
    assert (kept.not_told_reason, kept.legal_hold_reason) == ("They are in hospital", "Claim CL-7")
    assert kept.events.get(action="legal_hold_placed").comment == "Claim CL-7"


def test_the_author_an_entry_was_wrongly_logged_under_is_forgotten_once_it_moves(comms, account):
    """Retention goes by entries: a handle with none left would otherwise be kept for good."""
    wrong = log_entry(comms, account, handle="@wrong_person")
    other = log_entry(comms, account, handle="@kept_person")
    data = entry_data(account, handle="@right_person", occurred_at=wrong.occurred_at)
    services.entry_update(actor=comms, entry_id=wrong.pk, data=data)
    old = Commenter.objects.get(pk=wrong.commenter_id)
    assert old.is_forgotten and old.handle == ""
    wrong.refresh_from_db()
    assert wrong.commenter.handle == "@right_person"

    # One still logged against other entries stays.
    log_entry(comms, account, handle="@kept_person")
    data = entry_data(account, handle="@right_person", occurred_at=other.occurred_at)
    services.entry_update(actor=comms, entry_id=other.pk, data=data)
    assert Commenter.objects.get(handle="@kept_person")
