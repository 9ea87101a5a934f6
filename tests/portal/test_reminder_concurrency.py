"""Two sweeps at once, on two real PostgreSQL connections, send each reminder once."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts_requests.models import AccountRequest
from portal.models import Notification, ReminderSent
from portal.reminders import engine
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

LONG_AGO = timezone.now() - datetime.timedelta(days=60)


def _in_thread(name, target, results):
    def run():
        try:
            results[name] = target()
        except Exception as error:  # reported by the test
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def _waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("Timed out waiting")
        time.sleep(0.05)


def test_a_second_sweep_waits_on_the_first_and_then_sends_nothing(
    require_postgres, monkeypatch, team, manager, comms
):
    factories.proposal_in_state(
        AccountRequest.State.AWAITING_ENDORSEMENT, team=team, state_changed_at=LONG_AGO
    )
    first_inside, let_first_finish = threading.Event(), threading.Event()
    real_notify = engine.notify

    def notify_slowly(**kwargs):
        # The first sweep has written its ledger row and holds it uncommitted here.
        if threading.current_thread().name == "first":
            first_inside.set()
            let_first_finish.wait(30)
        return real_notify(**kwargs)

    monkeypatch.setattr(engine, "notify", notify_slowly)
    results = {}
    first = _in_thread("first", engine.sweep, results)
    _wait_for(first_inside.is_set)
    second = _in_thread("second", engine.sweep, results)
    # The second sweep found the same record due and is now blocked on the first's
    # uncommitted ledger row: the unique key, not luck, keeps them apart.
    _wait_for(lambda: _waiting_on_a_lock() >= 1)
    let_first_finish.set()
    first.join(30)
    second.join(30)

    assert results == {"first": 1, "second": 0}
    assert ReminderSent.objects.count() == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["manager"]


def test_two_sweeps_started_together_send_every_reminder_exactly_once(
    require_postgres, team, other_team, manager, other_manager, comms, head
):
    for owner in (team, other_team) * 6:
        factories.proposal_in_state(
            AccountRequest.State.SUBMITTED, team=owner, state_changed_at=LONG_AGO
        )
    start = threading.Barrier(2)
    results = {}

    def sweep():
        start.wait(10)
        return engine.sweep()

    threads = [_in_thread(name, sweep, results) for name in ("one", "two")]
    for thread in threads:
        thread.join(60)

    # 12 proposals, two stages each, sent once between the two sweeps.
    assert sorted(results) == ["one", "two"]
    assert results["one"] + results["two"] == 24
    assert ReminderSent.objects.count() == 24
    per_person = {
        username: Notification.objects.filter(recipient__username=username).count()
        for username in ("comms", "head")
    }
    # Both stages were due at once: the head, told of the escalation, is spared the reminder.
    assert per_person == {"comms": 12, "head": 12}
