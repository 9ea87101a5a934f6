"""Two people acting on one proposal at the same moment: exactly one wins.

Proved on PostgreSQL with two real connections (one per thread) that reach the service
together, not with a stale copy saved in sequence.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts_requests import notifications
from accounts_requests.models import AccountRequest, AccountRequestEvent, ManagedAccount
from tests.factories import proposal_in_state

State = AccountRequest.State
pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run each call in its own thread (its own connection), released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def runner(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # reported to the test, which decides
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def slow_notifications(monkeypatch):
    """Hold the winner's row lock a moment so the loser really waits on it."""
    import time

    original = notifications.proposal_moved

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(notifications, "proposal_moved", slow)


def test_approve_and_reject_at_once_one_wins_the_other_gets_409(
    require_postgres, comms, comms2, team, monkeypatch
):
    proposal = proposal_in_state(State.IN_REVIEW, team=team)
    slow_notifications(monkeypatch)
    approver, rejecter = Client(), Client()
    approver.force_login(comms)
    rejecter.force_login(comms2)

    def approve():
        return approver.post(
            f"/proposals/{proposal.pk}/approve/",
            {
                "target_followers": 100,
                "target_posts_per_month": 10,
                "target_engagement_rate": "2",
                "target_reply_hours": 8,
            },
        ).status_code

    def reject():
        return rejecter.post(
            f"/proposals/{proposal.pk}/reject/", {"comment": "Not needed"}
        ).status_code

    statuses = race(approve, reject)
    assert sorted(statuses) == [302, 409], statuses
    proposal.refresh_from_db()
    won = State.APPROVED if statuses[0] == 302 else State.REJECTED
    assert proposal.state == won
    assert AccountRequestEvent.objects.filter(request=proposal).count() == 1
    assert ManagedAccount.objects.count() == (1 if won == State.APPROVED else 0)


def test_the_same_endorsement_twice_at_once_records_one(require_postgres, manager, team):
    from accounts_requests import services

    proposal = proposal_in_state(State.AWAITING_ENDORSEMENT, team=team)

    def endorse():
        return services.account_request_act(
            actor=manager, proposal_id=proposal.pk, action="endorse"
        )

    results = race(endorse, endorse)
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1
    assert isinstance(failures[0], services.ActionConflict)
    assert AccountRequestEvent.objects.filter(request=proposal, action="endorse").count() == 1


def test_a_stale_copy_cannot_overwrite_a_newer_state(require_postgres, comms, team):
    from django_fsm import ConcurrentTransition

    proposal = proposal_in_state(State.IN_REVIEW, team=team)
    stale = AccountRequest.objects.get(pk=proposal.pk)
    fresh = AccountRequest.objects.get(pk=proposal.pk)
    fresh.reject(by=comms, comment="No")
    fresh.save()
    stale.approve(by=comms)
    with pytest.raises(ConcurrentTransition):
        stale.save()
    proposal.refresh_from_db()
    assert proposal.state == State.REJECTED
