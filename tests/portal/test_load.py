"""The load test, small enough for every CI run, and the checks it makes.

The run starts its own PostgreSQL cluster and Redis on spare ports (never the shared
ones), gunicorn and a Celery worker with beat, puts ten people on the portal for twenty
seconds, stops Redis for ten of them and restarts PostgreSQL, then checks what the
README's "Load and faults" promises. The full scale is run by hand (see README).
"""

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.bench import loadrun, rig
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.services
def test_under_load_with_redis_stopped_and_postgres_restarted_nothing_is_lost_or_sent_twice(
    require_postgres, require_redis, tmp_path
):
    require_service(" and ".join(rig.missing_programs()), not rig.missing_programs())
    path = tmp_path / "load.json"
    # A broken promise raises after the report is written; the report says which.
    with contextlib.suppress(CommandError):
        call_command(
            "loadtest",
            users=10,
            seconds=20,
            faults=True,
            wait="0.5,1.5",
            web_workers=2,
            json_path=str(path),
        )
    report = json.loads(path.read_text())

    assert report["fault_error"] is None
    assert [event["what"] for event in report["fault_events"]] == [
        "Redis stopped",
        "PostgreSQL restart begins (pg_ctl restart -m fast)",
        "PostgreSQL accepting connections again",
        "Redis started",
    ]
    criteria = {item["name"]: item for item in report["criteria"]}
    assert set(criteria) == {
        "no errors",
        "recovers by itself",
        "answers afterwards",
        "acknowledged writes kept",
        "each e-mail once",
        "worker alive",
    }
    failed = {name: item["detail"] for name, item in criteria.items() if not item["passed"]}
    assert failed == {}, report["error_samples"]
    assert report["passed"]
    # The people did write, and their writes sent e-mail: the checks had something to see.
    assert report["writes"]["submitted"] > 0
    assert report["writes"]["concerns"] > 0
    assert report["emails"]["emailed"] > 0
    assert report["gunicorn"]["master_alive"]


# The checks themselves, on made-up runs: each must catch what it is there to catch.


def passing_report(**changes):
    report = {
        "faults": True,
        "errors": 0,
        "clean_failures": 4,
        "fault_error": None,
        "after_faults": {"from_second": 25.0, "requests": 40, "failures": 0},
        "gunicorn": {"master_alive": True, "workers_replaced": 0},
        "recovery": {"signed_in": True, "/": 200, "/proposals/": 200, "/accounts/": 200},
        "writes": {"acknowledged": 5, "missing": []},
        "emails": {
            "emailed": 7,
            "due_unsent": 0,
            "sent_twice": [],
            "marked_sent_without_email": [],
            "emailed_but_not_marked": [],
            "emails_for_no_notification": [],
        },
        "celery_worker_alive": True,
    }
    for key, value in changes.items():
        if isinstance(value, dict):
            report[key] = {**report[key], **value}
        else:
            report[key] = value
    return report


def failed(report):
    return sorted(item["name"] for item in loadrun.criteria(report) if not item["passed"])


def test_a_clean_run_passes_every_check():
    assert failed(passing_report()) == []


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"errors": 1}, ["no errors"]),
        ({"after_faults": {"failures": 2}}, ["recovers by itself"]),
        ({"gunicorn": {"master_alive": False}}, ["recovers by itself"]),
        ({"recovery": {"/": 503}}, ["answers afterwards"]),
        ({"writes": {"missing": [{"write": "concern", "id": 9}]}}, ["acknowledged writes kept"]),
        ({"emails": {"sent_twice": [12]}}, ["each e-mail once"]),
        ({"emails": {"due_unsent": 1}}, ["each e-mail once"]),
        ({"emails": {"marked_sent_without_email": [3]}}, ["each e-mail once"]),
        ({"celery_worker_alive": False}, ["worker alive"]),
    ],
)
def test_each_check_catches_what_it_is_for(changes, broken):
    assert failed(passing_report(**changes)) == broken


def test_without_faults_any_failed_request_fails_the_run():
    report = passing_report(faults=False, clean_failures=1)
    assert failed(report) == ["no failures"]


def test_journeys_report_medians_and_95th_percentiles_of_the_answered_requests():
    responses = [{"journey": "home", "outcome": "ok", "ms": ms} for ms in range(1, 101)] + [
        {"journey": "home", "outcome": "unavailable", "ms": 5000},
        {"journey": "home", "outcome": "error", "ms": 30000},
    ]
    assert loadrun.journeys(responses) == {
        "home": {"requests": 102, "p50_ms": 50, "p95_ms": 95, "clean_failures": 1, "errors": 1}
    }


def test_e_mails_are_counted_by_notification_even_when_one_file_holds_several(tmp_path, settings):
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    messages = [
        EmailMessage("One", "x", to=["a@example.org"], headers={"Message-ID": f"<{mid}@h>"})
        for mid in ("notification-1", "notification-2", "notification-2", "digest-4-9-2")
    ]
    EmailBackend().send_messages(messages[:3])  # one connection: one file, three messages
    EmailBackend().send_messages(messages[3:])
    EmailBackend().send_messages([EmailMessage("No id", "x", to=["b@example.org"])])

    services = rig.Rig.__new__(rig.Rig)
    services.mailbox = tmp_path / "mail"
    counts, unknown = services.emails_by_notification()

    assert counts == {1: 1, 2: 2}
    # Django gives a message without one a random Message-ID: it belongs to no notification.
    assert unknown == 1


def test_the_load_tests_full_proposal_answers_all_a_submission_needs():
    # The locust file imports nothing of Django, so it lists the answers itself; this
    # keeps that list true to the model's own rule for a complete proposal. It is read
    # in a process of its own: importing locust patches threads and sockets (gevent).
    from accounts_requests.models import AccountRequest

    code = (
        "import json; from portal.bench.load import proposal_answers as a; "
        "print(json.dumps([a('Load', complete=True), a('Draft', complete=False)]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    complete, draft = json.loads(result.stdout.strip().splitlines()[-1])
    proposal = AccountRequest()
    for name, value in complete.items():
        field = AccountRequest._meta.get_field(name)
        setattr(
            proposal, field.attname, value == "on" if value == "on" else field.to_python(value)
        )
    assert proposal.missing_for_submission() == {}
    assert AccountRequest(**draft).missing_for_submission()
