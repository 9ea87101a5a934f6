"""A whole portal of its own for the load test: PostgreSQL, Redis, gunicorn, a Celery
worker with beat, and a mailbox folder, all on spare loopback ports in one folder.

Nothing here touches the PostgreSQL or Redis the portal is configured with: the load test
restarts and stops these copies, never the shared ones. E-mail goes to Django's file
backend so every message can be counted afterwards.
"""

import contextlib
import email
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

# Debian's PostgreSQL server programs; PG_BIN overrides.
PG_BIN_DEFAULT = "/usr/lib/postgresql/15/bin"
# Each e-mail the file backend writes ends with this line.
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"


class RigError(RuntimeError):
    pass


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what, timeout=60, pause=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RigError(f"Gave up waiting for {what}")
        time.sleep(pause)


def pg_bin():
    folder = Path(os.getenv("PG_BIN", PG_BIN_DEFAULT))
    return folder if (folder / "initdb").exists() else None


def missing_programs():
    """What this machine lacks for the rig; empty when it can run."""
    missing = []
    if pg_bin() is None:
        folder = os.getenv("PG_BIN", PG_BIN_DEFAULT)
        missing.append(f"PostgreSQL server programs (initdb, pg_ctl) in {folder}")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


class Postgres:
    """A PostgreSQL cluster in a folder of its own, with trust auth on a spare port.

    The folder is made apart from the rig's: as root the server runs as the postgres
    user, who must be able to reach it.
    """

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="portal-load-pg-"))
        self.data = self.folder / "pgdata"
        self.port = free_port()
        self.bin = pg_bin()
        self.log = self.folder / "postgres.log"
        # PostgreSQL refuses to run as root; a root shell runs it as the postgres user.
        self.user = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def _run(self, *args, timeout=120):
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            [str(self.bin / args[0]), *args[1:]],
            user=self.user,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RigError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def start(self):
        if self.user:
            owner = pwd.getpwnam(self.user)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        self._pg_ctl("start")
        import psycopg

        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal")

    def admin_dsn(self, dbname="postgres"):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def _pg_ctl(self, action, *extra):
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=100"
        )
        self._run(
            "pg_ctl", action, "-D", str(self.data), "-o", options, "-l", str(self.log), "-w",
            "-t", "60", *extra,
        )  # fmt: skip

    def restart(self):
        """Restart as an operator would for a configuration change: sessions are cut."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self):
        if self.data.exists():
            with contextlib.suppress(RigError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    """A redis-server that keeps nothing on disk, so a restart loses its queue."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(answers, "redis-server to answer", timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Process:
    """A child process in its own process group, with its output in a log file."""

    def __init__(self, name, args, env, folder):
        self.name = name
        self.log = folder / f"{name}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                args,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self):
        return self.process.poll() is None

    def check_alive(self):
        if not self.alive():
            raise RigError(f"{self.name} exited:\n{self.tail()}")

    def tail(self, lines=40):
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self, timeout=20):
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


class Rig:
    """The portal's services, started in order and stopped in reverse."""

    def __init__(self, folder, *, web_workers=4, out=sys.stderr):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.web_workers = web_workers
        self.out = out
        self.postgres = Postgres()
        self.redis = Redis(self.folder)
        self.mailbox = self.folder / "mail"
        self.web_port = free_port()
        self.web = None
        self.worker = None
        # Every process of the portal must share the vault's key.
        self.credential_key = Fernet.generate_key().decode()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.web_port}"

    def env(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("CELERY_", "EMAIL_", "DJANGO_SETTINGS"))
            and key not in ("DEBUG", "PORTAL_ENV", "DATABASE_URL", "REDIS_URL", "CACHE_URL")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings",
            PYTHONPATH=str(settings.BASE_DIR),
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            # The web workers share their kept work in the same Redis, as deployed, so
            # stopping it takes the cache away too.
            CACHE_URL=self.redis.url,
            PORTAL_VAR_DIR=str(self.folder / "var"),
            CREDENTIAL_KEYS=self.credential_key,
            SITE_URL=self.base_url,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mailbox),
            # The outbox sweep every few seconds, and a claim left by a delivery the
            # database restart cut short is taken over after 20 s instead of 10 minutes,
            # so the run can see every e-mail out in its own time.
            NOTIFICATION_SWEEP_SECONDS="5",
            NOTIFICATION_CLAIM_TIMEOUT="20",
            LOG_LEVEL="WARNING",
        )
        return env

    def say(self, text):
        self.out.write(f"{text}\n")
        self.out.flush()

    def manage(self, *args):
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise RigError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self):
        missing = missing_programs()
        if missing:
            raise RigError("This machine lacks " + " and ".join(missing))
        self.mailbox.mkdir(exist_ok=True)
        started = time.monotonic()
        self.say(f"Starting PostgreSQL on port {self.postgres.port}")
        self.postgres.start()
        self.say(f"Starting Redis on port {self.redis.port}")
        self.redis.start()
        self.say("Migrating and loading the demo data")
        self.manage("migrate", "--noinput")
        self.manage("load_demo")
        self.say(f"Starting gunicorn ({self.web_workers} workers) on {self.base_url}")
        self.web = Process(
            "gunicorn",
            [
                sys.executable, "-m", "gunicorn", "portal.wsgi",
                "--bind", f"127.0.0.1:{self.web_port}",
                "--workers", str(self.web_workers),
                "--timeout", "30", "--graceful-timeout", "10",
            ],
            self.env(),
            self.folder,
        )  # fmt: skip
        self.say("Starting a Celery worker with beat")
        self.worker = Process(
            "worker",
            [
                sys.executable, "-m", "celery", "-A", "portal", "worker", "--beat",
                f"--schedule={self.folder / 'beat-schedule'}",
                "--loglevel=INFO", "--concurrency=1",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"load-{self.web_port}@%h",
            ],
            self.env(),
            self.folder,
        )  # fmt: skip
        wait_for(self._web_answers, f"gunicorn to answer (log: {self.web.log})", timeout=60)
        wait_for(self._worker_ready, f"the worker to start (log: {self.worker.log})", timeout=60)
        self.say(f"Ready in {time.monotonic() - started:.0f} s")

    def _web_answers(self):
        self.web.check_alive()
        try:
            with urllib.request.urlopen(f"{self.base_url}/welcome/", timeout=5) as response:  # noqa: S310 - our own loopback server
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _worker_ready(self):
        self.worker.check_alive()
        return " ready." in self.worker.log.read_text(errors="replace")

    def stop(self):
        for part in (self.worker, self.web):
            if part is not None:
                part.stop()
        self.redis.stop()
        self.postgres.stop()
        if self.postgres.log.exists():
            shutil.copy(self.postgres.log, self.folder / "postgres.log")
        self.postgres.remove()

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    # What the run left behind

    def query(self, sql, params=()):
        import psycopg

        with psycopg.connect(self.postgres.admin_dsn("portal"), connect_timeout=10) as conn:
            return conn.execute(sql, params).fetchall()

    def emails(self):
        """Every e-mail written, as ``email.message.Message`` objects."""
        found = []
        for path in sorted(self.mailbox.glob("*")):
            # The backend may append several messages to one file.
            for chunk in path.read_text(errors="replace").split(MAIL_SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_string(chunk))
        return found

    def emails_by_notification(self):
        """How many e-mails carry each notification's Message-ID, and how many carry none."""
        counts = Counter()
        unknown = 0
        for message in self.emails():
            mid = (message.get("Message-ID") or "").strip("<>")
            if mid.startswith("notification-"):
                counts[int(mid.split("@")[0].removeprefix("notification-"))] += 1
            elif not mid.startswith("digest-"):
                unknown += 1
        return counts, unknown
