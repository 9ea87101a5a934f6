"""Delivery with the real components: a Celery worker process, Redis and PostgreSQL.

The worker is started by the test against a Redis server the test starts on a spare port
(and stops and starts again when the test needs Redis gone), and against the test
database, so it sees what the test commits. It sends e-mail with Django's file backend
into a folder the test reads.
"""

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from accounts_requests.models import AccountRequest
from portal.bench.rig import Redis as RedisServer  # one of its own, on a spare port
from portal.bench.rig import free_port, wait_for  # poll, never sleep blind
from portal.celery import app
from portal.models import Notification
from portal.reminders import engine
from tests import factories
from tests.conftest import require_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

REPO = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")


class Worker:
    """``celery worker`` in its own process group, so the test can kill all of it."""

    def __init__(self, folder, env):
        self.folder = folder
        self.env = env
        self.log = folder / f"worker-{uuid.uuid4().hex[:8]}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"test-{uuid.uuid4().hex[:8]}@%h",
                    "-I",
                    "tests.portal.celery_probe",
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.ready, f"the worker to start (log: {self.log})")

    def ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"The worker exited:\n{self.log.read_text()}")
        return " ready." in self.log.read_text(errors="replace")

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            self.process.wait(30)


def database_url():
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return (
        f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def rig(require_redis, require_postgres, tmp_path):
    """A Redis of our own, workers on demand, a mailbox folder, and this process's Celery
    pointed at that Redis for real (not eager). Everything is stopped afterwards."""
    require_service("redis-server", shutil.which("redis-server") is not None)
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    mailbox = tmp_path / "mail"
    gate = tmp_path / "gate"
    mailbox.mkdir()
    gate.mkdir()
    workers = []
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    class Rig:
        redis = redis_server

        def __init__(self):
            self.mailbox = mailbox
            self.gate = gate

        def start_worker(self, **extra_env):
            env = {
                key: value
                for key, value in os.environ.items()
                if key not in ("CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE")
            }
            env.update(
                DJANGO_SETTINGS_MODULE="portal.settings",
                DATABASE_URL=database_url(),
                REDIS_URL=redis_server.url,
                PORTAL_VAR_DIR=str(tmp_path / "var"),
                EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                EMAIL_FILE_PATH=str(mailbox),
                MAIL_GATE_DIR=str(gate),
                PYTHONPATH=str(REPO),
            )
            env.update(extra_env)
            worker = Worker(tmp_path, env)
            workers.append(worker)
            return worker

        def emails(self):
            # A worker's file backend creates the file before it writes the message and
            # ends each message with a rule of dashes: only finished files count.
            texts = (path.read_text() for path in mailbox.iterdir())
            return sorted(text for text in texts if text.endswith("-" * 79 + "\n"))

        def drain(self):
            """Wait until the worker has handled everything queued so far."""
            marker = tmp_path / f"probe-{uuid.uuid4().hex}"
            app.send_task("tests.portal.celery_probe.touch", args=[str(marker)])
            wait_for(marker.exists, "the worker to reach the end of the queue")

    def use_broker(url):
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        # Forget connections to any earlier broker.
        app._pool = None
        app.amqp._producer_pool = None

    use_broker(redis_server.url)
    yield Rig()
    for worker in workers:
        worker.kill()
    redis_server.stop()
    use_broker(saved["broker_url"])
    app.conf.task_always_eager = saved["task_always_eager"]


def test_a_reminder_goes_from_the_sweep_through_the_worker_to_the_mailbox(
    rig, team, manager, member
):
    factories.proposal_in_state(
        AccountRequest.State.AWAITING_ENDORSEMENT,
        team=team,
        applicant=member,
        state_changed_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON),
    )
    rig.start_worker()
    # The beat's sweep, on a Wednesday morning in office hours; the clock runs on from there.
    with freeze_time(datetime.datetime(2026, 3, 4, 10, 30, tzinfo=LONDON), tick=True):
        assert engine.sweep() == 1

    [email] = wait_for(rig.emails, "the reminder e-mail")
    assert f"To: {manager.email}" in email
    assert "Waiting for your endorsement: Perinatal Peer Support (Instagram)" in email
    note = Notification.objects.get(recipient=manager)
    wait_for(
        lambda: Notification.objects.filter(pk=note.pk, emailed_at__isnull=False).exists(),
        "the row to be marked sent",
    )

    # The sweep again, and the outbox sweep, through the same worker: nothing more goes.
    with freeze_time(datetime.datetime(2026, 3, 4, 10, 35, tzinfo=LONDON), tick=True):
        assert engine.sweep() == 0
    app.send_task("portal.tasks.send_pending_notifications")
    rig.drain()
    assert len(rig.emails()) == 1


def test_redis_stopped_during_a_transition_the_request_succeeds_and_the_e_mail_goes_once_later(
    rig, as_user, team, manager, member, caplog
):
    proposal = factories.ProposalFactory(team=team, applicant=member)
    rig.start_worker()
    rig.redis.stop()

    response = as_user(member).post(
        reverse("accounts_requests:action", args=[proposal.pk, "submit"])
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == AccountRequest.State.AWAITING_ENDORSEMENT
    note = Notification.objects.get(recipient=manager)
    assert note.emailed_at is None
    assert "left for the sweep" in caplog.text
    assert rig.emails() == []

    rig.redis.start()
    # Beat's next tick of the outbox sweep, now that Redis is back.
    app.send_task("portal.tasks.send_pending_notifications")
    [email] = wait_for(rig.emails, "the e-mail after Redis came back")
    assert f"To: {manager.email}" in email
    assert "Please endorse" in email

    app.send_task("portal.tasks.send_pending_notifications")
    rig.drain()
    assert len(rig.emails()) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_worker_killed_mid_send_leaves_the_e_mail_to_be_sent_once_after_restart(
    rig, as_user, team, manager, member
):
    timeouts = {"NOTIFICATION_CLAIM_TIMEOUT": "3", "REDIS_VISIBILITY_TIMEOUT": "3"}
    first = rig.start_worker(
        EMAIL_BACKEND="tests.portal.mail_backends.GatedFileBackend", **timeouts
    )
    proposal = factories.ProposalFactory(team=team, applicant=member)

    response = as_user(member).post(
        reverse("accounts_requests:action", args=[proposal.pk, "submit"])
    )
    assert response.status_code == 302

    # The worker has claimed the row and is inside the mail backend: kill it there.
    wait_for(lambda: list(rig.gate.glob("sending-*")), "the worker to start sending")
    killed_at = time.monotonic()
    first.kill(signal.SIGKILL)
    note = Notification.objects.get(recipient=manager)
    assert note.email_claimed_at is not None
    assert note.emailed_at is None
    assert rig.emails() == []

    (rig.gate / "open").touch()
    # Redis hands the unacknowledged task back once its visibility timeout has passed.
    wait_for(lambda: time.monotonic() - killed_at > 4, "the visibility timeout", timeout=10)
    rig.start_worker(EMAIL_BACKEND="tests.portal.mail_backends.GatedFileBackend", **timeouts)

    [email] = wait_for(rig.emails, "the e-mail after the restart")
    assert f"To: {manager.email}" in email
    wait_for(
        lambda: Notification.objects.filter(pk=note.pk, emailed_at__isnull=False).exists(),
        "the row to be marked sent",
    )
    app.send_task("portal.tasks.send_pending_notifications")
    rig.drain()
    assert len(rig.emails()) == 1


class SilentBroker:
    """A TCP server that accepts connections and never says a word: a hung Redis."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(50)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self):
        for conn in self.connections:
            conn.close()
        self.server.close()


@pytest.fixture
def broker_at(require_redis):
    """Point this process's Celery at ``url`` for the test, with the real settings."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def point(url):
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        app._pool = None
        app.amqp._producer_pool = None

    yield point
    point(saved["broker_url"])
    app.conf.task_always_eager = saved["task_always_eager"]


def _submit_and_time(as_user, member, proposal):
    started = time.monotonic()
    response = as_user(member).post(
        reverse("accounts_requests:action", args=[proposal.pk, "submit"])
    )
    return response, time.monotonic() - started


def test_a_hung_broker_holds_a_transition_up_no_longer_than_the_socket_timeout(
    broker_at, as_user, team, manager, member, caplog
):
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"]
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] == timeout
    hung = SilentBroker()
    try:
        broker_at(f"redis://127.0.0.1:{hung.port}/0")
        proposal = factories.ProposalFactory(team=team, applicant=member)
        response, took = _submit_and_time(as_user, member, proposal)
    finally:
        hung.close()
    assert response.status_code == 302
    assert hung.connections, "the request never reached the hung broker"
    # Bounded by the socket timeout (plus slack for a busy machine), not by the broker.
    assert took < timeout + 5
    assert Notification.objects.filter(recipient=manager, emailed_at=None).exists()
    assert "left for the sweep" in caplog.text


def test_an_unreachable_broker_fails_fast_and_the_transition_succeeds(
    broker_at, as_user, team, manager, member, caplog
):
    broker_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    proposal = factories.ProposalFactory(team=team, applicant=member)
    response, took = _submit_and_time(as_user, member, proposal)
    assert response.status_code == 302
    assert took < 2
    assert Notification.objects.filter(recipient=manager, emailed_at=None).exists()
    assert "left for the sweep" in caplog.text
