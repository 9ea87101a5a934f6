"""The home page keeps each person's drawn panels between visits and draws a panel again
as soon as a table it read has changed (portal.freshness), whoever changed it and however."""

import datetime
import re
import threading
from functools import partial

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import F
from django.template.loader import get_template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from portal import freshness
from portal.models import (
    Concern,
    Notification,
    OrganisationProfile,
    Session,
    TableVersion,
    Team,
)
from portal.notify import notify
from portal.services import concerns
from portal.views.home import _kept_key, dashboard_panels

HOME = reverse("portal:home")


@pytest.fixture
def kept(settings):
    settings.HOME_PANELS_KEPT_SECONDS = 300


def _new_concerns(page):
    return int(re.search(r"<strong>(\d+)</strong> new and not yet acknowledged", page)[1])


def _report(actor, n=0):
    return concerns.concern_report(
        actor=actor, kind=Concern.Kind.POST, link=f"https://x.com/p/{n}", what_worries="Fake."
    )


def _bumps(callbacks):
    return [call for call in callbacks if isinstance(call, freshness._Bump)]


def test_a_second_visit_draws_no_panel_again(
    kept, as_user, comms, member, published, django_assert_num_queries
):
    client = as_user(comms)
    first = client.get(HOME).content.decode()
    # The visit itself: session, user, roles, the playbook prompt, the notifications
    # and their badge, the data version, and the session's save (every request renews
    # it in the tests); no panel asks anything.
    with django_assert_num_queries(13):
        second = client.get(HOME).content.decode()
    # What differs between any two pages: the form token, and the idle warning's seconds
    # left, which the clock may have moved on by one.
    strip = re.compile(
        r'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"|data-ends-in="\d+"'
    )
    assert strip.sub("", second) == strip.sub("", first)
    assert "Concerns reported by staff" in second


def _tables_read(client):
    """The watched tables the home page read: those of the panels it drew again."""
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    found = set()
    for query in queries.captured_queries:
        found.update(re.findall(r'"(\w+)"', query["sql"]))
    return found & freshness.watched_tables()


def test_a_change_redraws_only_the_panels_that_read_the_table_it_changed(
    kept, as_user, comms, member, published, django_capture_on_commit_callbacks
):
    client = as_user(comms)
    client.get(HOME)
    assert "accounts_requests_accountrequest" not in _tables_read(client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _report(member)
    assert "portal_concern" in _bumps(callbacks)[0].tables
    read = _tables_read(client)
    assert "portal_concern" in read  # the concerns panel, drawn again
    # The proposal queue's counts and the moderation log's did not read concerns: kept.
    assert "accounts_requests_accountrequest" not in read
    assert "moderation_entry" not in read


def test_a_change_to_who_is_in_which_team_redraws_every_panel(
    kept, as_user, comms, team, published, django_capture_on_commit_callbacks
):
    client = as_user(comms)
    client.get(HOME)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Team.objects.filter(pk=team.pk).update(name=F("name"))
    read = _tables_read(client)
    assert {"accounts_requests_accountrequest", "moderation_entry", "portal_concern"} <= read


def test_each_panel_is_drawn_again_once_its_own_time_is_up(
    kept, as_user, comms, member, published, django_capture_on_commit_callbacks
):
    """A panel redrawn after a change must not renew the time of the panels kept with it:
    what only the clock changes shows within the limit on every panel."""
    client = as_user(comms)
    with freeze_time("2026-12-01 10:00:00"):
        client.get(HOME)
    with freeze_time("2026-12-01 10:03:20"):
        with django_capture_on_commit_callbacks(execute=True):
            _report(member)
        assert "moderation_entry" not in _tables_read(client)
    with freeze_time("2026-12-01 10:05:01"):
        read = _tables_read(client)
    assert "moderation_entry" in read  # drawn at 10:00, kept for five minutes
    assert "portal_concern" not in read  # drawn at 10:03:20, still within its time


def test_a_kept_panel_records_what_it_read_and_what_every_panel_depends_on(
    kept, as_user, comms, published
):
    as_user(comms).get(HOME)
    kept_panels = cache.get(_kept_key(comms))
    _, read, panels = kept_panels["moderation.dashboard.panels"]
    assert [panel["title"] for panel in panels] == ["Moderation log"]
    assert {"moderation_entry", "portal_membership", "portal_user_groups"} <= read.keys()
    assert "portal_concern" not in read


def test_reading_collects_only_the_watched_tables_a_statement_names(db):
    with freshness.reading() as tables:
        list(Concern.objects.filter(pk=0))
        list(Notification.objects.filter(pk=0))
        list(Session.objects.filter(pk="x"))
    assert tables == {"portal_concern"}


def test_a_committed_change_redraws_the_panels_at_once(
    kept, as_user, comms, member, published, django_capture_on_commit_callbacks
):
    client = as_user(comms)
    assert _new_concerns(client.get(HOME).content.decode()) == 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _report(member)
    assert len(_bumps(callbacks)) == 1  # one for the transaction, however many rows
    assert _new_concerns(client.get(HOME).content.decode()) == 1


def test_a_bulk_update_with_no_signal_redraws_them_too(
    kept, as_user, comms, member, published, django_capture_on_commit_callbacks
):
    report = _report(member)
    client = as_user(comms)
    assert _new_concerns(client.get(HOME).content.decode()) == 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Concern.objects.filter(pk=report.pk).update(state=Concern.State.CLOSED)
    assert _new_concerns(client.get(HOME).content.decode()) == 0


def test_notifications_and_sessions_move_nothing_and_still_show_at_once(
    kept, as_user, comms, published, django_capture_on_commit_callbacks
):
    client = as_user(comms)
    client.get(HOME)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify(recipients=[comms], kind="test", title="Your proposal was approved")
        Session.objects.filter(pk="nothing").delete()
    assert _bumps(callbacks) == []
    # The notifications are not among the kept panels: the new one shows straight away.
    assert "Your proposal was approved" in client.get(HOME).content.decode()


def test_signing_in_moves_nothing(member, django_capture_on_commit_callbacks):
    """Every sign-in notes when it happened; were that a change, each sign-in across the
    trust would make everyone's panels be drawn again."""
    member.set_password("a long enough passphrase")
    member.save()
    client = Client()
    # In a savepoint of its own, so that the fixtures' writes before it do not stand in.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        response = client.post(
            reverse("portal:login"),
            {"username": member.username, "password": "a long enough passphrase"},
        )
    assert response.status_code == 302
    assert _bumps(callbacks) == []


def test_a_change_rolled_back_moves_nothing(member, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _report(member)
        raise RuntimeError("the request failed after writing")
    assert _bumps(callbacks) == []


def test_each_person_keeps_their_own_panels(kept, as_user, comms, member, published):
    assert "Concerns reported by staff" in as_user(comms).get(HOME).content.decode()
    page = as_user(member).get(HOME).content.decode()
    assert "Concerns reported by staff" not in page
    assert "Proposals waiting for you" in page


def test_when_the_version_cannot_be_read_the_panels_are_drawn_each_time(
    kept, as_user, comms, member, published
):
    TableVersion.objects.all().delete()
    client = as_user(comms)
    assert _new_concerns(client.get(HOME).content.decode()) == 0
    _report(member)  # never committed, so nothing moves: only not keeping shows it
    assert _new_concerns(client.get(HOME).content.decode()) == 1


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "portal_concern" ("kind") VALUES (%s)', True),
        ('  update "accounts_requests_managedaccount" SET "name" = %s', True),
        ('DELETE FROM "moderation_entrycategory" WHERE "entry_id" = %s', True),
        ('INSERT INTO "portal_user_groups" ("user_id", "group_id") VALUES (%s, %s)', True),
        # How SQLite adds to a many-to-many relation, such as giving someone a role.
        ('INSERT OR IGNORE INTO "portal_user_groups" ("user_id", "group_id") VALUES (%s)', True),
        ('DELETE FROM "auth_group_permissions" WHERE "group_id" = %s', True),
        ('UPDATE "portal_historicalorganisationprofile" SET "trust_name" = %s', True),
        ('UPDATE "portal_user" SET "is_active" = %s WHERE "portal_user"."id" = %s', True),
        ('UPDATE "portal_user" SET "last_login" = %s, "first_name" = %s WHERE "id" = %s', True),
        ('UPDATE "portal_user" SET "last_login" = %s WHERE "portal_user"."id" = %s', False),
        ('UPDATE "portal_notification" SET "read_at" = %s', False),
        ('DELETE FROM "portal_session" WHERE "session_key" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('SELECT "portal_concern"."id" FROM "portal_concern" FOR UPDATE', False),
        (b'UPDATE "portal_concern" SET "state" = %s', False),
    ],
)
def test_which_statements_count_as_a_change(sql, watched):
    assert (freshness.written_table(sql) is not None) is watched


@pytest.mark.django_db(transaction=True)
def test_a_change_by_another_connection_is_seen_here(
    require_postgres, kept, as_user, comms, member, published
):
    """Another thread has its own connection, as a Celery worker or another web worker
    has: its change, committed there, redraws the panels drawn here."""
    client = as_user(comms)
    assert _new_concerns(client.get(HOME).content.decode()) == 0
    before = freshness.current()
    failures = []

    def elsewhere():
        try:
            _report(member)
            # A statement in autocommit moves the version as soon as it has run.
            Concern.objects.update(what_worries="Fake page.")
        except Exception as error:  # reported to the test below
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert failures == []
    assert freshness.current()["portal_concern"] == before.get("portal_concern", 0) + 2
    assert _new_concerns(client.get(HOME).content.decode()) == 1
    assert freshness._watch in connection.execute_wrappers


def test_no_kept_panel_carries_a_form_token(
    comms, head, auditor, manager, member, staff, published
):
    """A kept panel is shown again in later requests, even after the person signs in
    again; a CSRF token in it would be stale, so the panels hold no form."""
    templates = {
        panel["template"]
        for person in (comms, head, auditor, manager, member, staff)
        for panel in dashboard_panels(person)
    }
    assert len(templates) >= 8
    for name in templates:
        assert "csrf_token" not in get_template(name).template.source, name


def test_a_keeper_keeps_each_part_until_a_table_it_read_changes(db):
    worked = []

    def work(name):
        worked.append(name)
        list(Concern.objects.filter(pk=0))
        return name.upper()

    def visit(counts, *names):
        with freshness.keeping(counts, 300):
            keeper = freshness.Keeper("test:keeper")
            found = [keeper.get(name, partial(work, name)) for name in names]
            keeper.save()
        return found

    assert visit({"portal_concern": 1}, "a", "b") == ["A", "B"]
    assert visit({"portal_concern": 1}, "a") == ["A"]  # kept: not worked out again
    assert worked == ["a", "b"]
    assert set(cache.get("test:keeper")) == {"a"}  # a part no longer used is dropped
    assert visit({"portal_concern": 2}, "a") == ["A"]  # its table moved: worked out again
    assert worked == ["a", "b", "a"]
    # A part taken from the cache counts as read by the block around it.
    with freshness.reading() as outer:
        visit({"portal_concern": 2}, "a")
    assert worked == ["a", "b", "a"]
    assert "portal_concern" in outer
    # Outside ``keeping`` every part is worked out each time and nothing is stored.
    keeper = freshness.Keeper("test:elsewhere")
    keeper.get("a", partial(work, "a"))
    keeper.save()
    assert worked[-1] == "a"
    assert len(worked) == 4
    assert cache.get("test:elsewhere") is None


def test_a_profile_changed_elsewhere_is_not_kept_from_an_older_copy(
    kept, as_user, comms, published, django_capture_on_commit_callbacks
):
    client = as_user(comms)
    assert "Accounts are watched 09:00 to 17:00" in client.get(HOME).content.decode()
    OrganisationProfile.load()  # this process keeps its copy for a minute
    # Changed the way another process would: its own copy goes, not this one's.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        OrganisationProfile.objects.filter(pk=1).update(office_opens=datetime.time(8, 0))
    assert OrganisationProfile.load().office_opens == datetime.time(9, 0)
    # The home page sees the profile's table move and forgets the copy: the page, and the
    # panels it draws again, read the profile as it is now.
    assert "Accounts are watched 08:00 to 17:00" in client.get(HOME).content.decode()
    assert OrganisationProfile.load().office_opens == datetime.time(8, 0)


def test_a_value_kept_in_memory_is_forgotten_once_each_time_its_table_moves(monkeypatch):
    forgotten = []
    monkeypatch.setattr(freshness, "_forgetters", {"portal_team": [lambda: forgotten.append(1)]})
    monkeypatch.setattr(freshness, "_seen", {})
    with freshness.keeping({"portal_team": 3}, 300):
        pass  # first seen: the copy may predate it
    with freshness.keeping({"portal_team": 3}, 300):
        pass
    with freshness.keeping(None, 300):
        pass  # nothing kept: nothing to protect
    with freshness.keeping({"portal_team": 4, "portal_concern": 9}, 300):
        pass
    assert len(forgotten) == 2
