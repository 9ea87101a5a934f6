"""One load run: the portal on its own services, locust's people on it, optional faults,
and then the checks that nothing was lost, sent twice or answered badly.

``run()`` returns a report (a dict, written as JSON by ``manage.py loadtest --json``):
per journey the count, median and 95th percentile time, clean failures and errors; the
faults and when they happened; and each pass criterion with what it found.
"""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from django.conf import settings

from portal.bench.rig import Rig, RigError, wait_for

LOCUSTFILE = Path(__file__).with_name("load.py")
CLEAN_FAILURES = ("unavailable", "server_error")
# How long after the last fault ends the portal may still answer with a clean failure
# (a web worker's first request on a dead connection, a session being re-read).
RECOVERY_GRACE = 3.0
REDIS_OUTAGE = 10.0
# The longest the run waits for the worker and the outbox sweep to send what is due.
CATCH_UP_SECONDS = 90


def percentile(values, fraction):
    """The nearest-rank percentile: the smallest value at or above ``fraction`` of them."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


class Faults(threading.Thread):
    """During the load: Redis stopped for ten seconds, and PostgreSQL restarted.

    Redis goes at a fifth of the run and PostgreSQL restarts at half of it, so in a short
    run the restart falls inside the Redis outage and in a long one after it.
    """

    def __init__(self, rig, seconds, started):
        super().__init__(daemon=True)
        self.rig = rig
        self.started = started
        redis_stop = max(3.0, 0.2 * seconds)
        self.plan = sorted(
            [
                (redis_stop, "Redis stopped", rig.redis.stop),
                (redis_stop + REDIS_OUTAGE, "Redis started", rig.redis.start),
                (
                    max(redis_stop + 2.0, 0.5 * seconds),
                    "PostgreSQL restart begins (pg_ctl restart -m fast)",
                    self._restart_postgres,
                ),
            ],
            key=lambda step: step[0],
        )
        self.events = []
        self.error = None

    def _now(self):
        return round(time.monotonic() - self.started, 1)

    def _restart_postgres(self):
        self.rig.postgres.restart()
        self.events.append({"what": "PostgreSQL accepting connections again", "at": self._now()})

    def run(self):
        try:
            for offset, what, action in self.plan:
                time.sleep(max(0.0, self.started + offset - time.monotonic()))
                self.events.append({"what": what, "at": self._now()})
                action()
        except Exception as error:  # reported as a failed run, never swallowed
            self.error = repr(error)

    @property
    def ended_at(self):
        return max((event["at"] for event in self.events), default=0.0)


def run_locust(rig, folder, *, users, seconds, spawn_rate, wait, run_id):
    log = folder / "responses.jsonl"
    env = {
        **os.environ,
        "LOAD_LOG": str(log),
        "LOAD_PASSWORD": demo_password(),
        "LOAD_RUN_ID": run_id,
        "LOAD_WAIT": wait,
    }
    args = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
        "--host", rig.base_url, "--stop-timeout", "5", "--only-summary",
        "--csv", str(folder / "locust"), "--loglevel", "WARNING",
    ]  # fmt: skip
    with (folder / "locust.log").open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            args, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return process, log


def demo_password():
    from portal.management.commands.load_demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def read_log(path):
    responses, writes = [], []
    if path.exists():
        for line in path.read_text().splitlines():
            item = json.loads(line)
            (writes if "write" in item else responses).append(item)
    return responses, writes


def journeys(responses):
    grouped = defaultdict(list)
    for item in responses:
        grouped[item["journey"]].append(item)
    table = {}
    for name in sorted(grouped):
        items = grouped[name]
        times = [item["ms"] for item in items if item["outcome"] == "ok"]
        table[name] = {
            "requests": len(items),
            "p50_ms": round(percentile(times, 0.5) or 0),
            "p95_ms": round(percentile(times, 0.95) or 0),
            "clean_failures": sum(item["outcome"] in CLEAN_FAILURES for item in items),
            "errors": sum(item["outcome"] == "error" for item in items),
        }
    return table


class Browser:
    """A person at a browser after the run, to show the portal answers again by itself."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self.opener.open(f"{self.base_url}{path}", body, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def sign_in_and_look(self, username, password):
        try:
            return self._sign_in_and_look(username, password)
        except OSError as error:  # urllib's HTTPError and URLError among them
            return {"signed_in": False, "error": str(error)}

    def _sign_in_and_look(self, username, password):
        _, _, form = self.open("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        _, url, _ = self.open(
            "/sign-in/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        landed = urllib.parse.urlsplit(url).path
        pages = {path: self.open(path)[0] for path in ("/", "/proposals/", "/accounts/")}
        return {"signed_in": landed == "/", **pages}


def check_writes(rig, writes):
    found_proposals = {
        pk: (name, state)
        for pk, name, state in rig.query(
            "SELECT id, proposed_name, state FROM accounts_requests_accountrequest "
            "WHERE id = ANY(%s)",
            ([w["id"] for w in writes if w["write"] == "proposal"],),
        )
    }
    found_concerns = dict(
        rig.query(
            "SELECT id, link FROM portal_concern WHERE id = ANY(%s)",
            ([w["id"] for w in writes if w["write"] == "concern"],),
        )
    )
    missing = []
    for write in writes:
        if write["write"] == "proposal":
            name, state = found_proposals.get(write["id"], (None, None))
            ok = name == write["name"] and (state != "draft") == write["submitted"]
        else:
            ok = found_concerns.get(write["id"]) == write["link"]
        if not ok:
            missing.append(write)
    return {
        "acknowledged": len(writes),
        "proposals": sum(w["write"] == "proposal" for w in writes),
        "submitted": sum(w.get("submitted", False) for w in writes),
        "concerns": sum(w["write"] == "concern" for w in writes),
        "missing": missing,
    }


# Notifications whose own e-mail is due and unsent (the rule of
# NotificationQuerySet.awaiting_email, without the claim: a claimed row is still unsent).
DUE_UNSENT = """
    SELECT count(*) FROM portal_notification n JOIN portal_user u ON u.id = n.recipient_id
    WHERE n.emailed_at IS NULL AND (n.send_after IS NULL OR n.send_after <= now())
      AND NOT (n.reminder AND NOT n.urgent AND u.wants_daily_digest)
"""


def catch_up(rig):
    """Wait until everything due is e-mailed, or the patience runs out."""
    started = time.monotonic()
    try:
        wait_for(
            lambda: rig.query(DUE_UNSENT)[0][0] == 0,
            "the outbox to empty",
            timeout=CATCH_UP_SECONDS,
            pause=1,
        )
    except Exception:  # the check below reports what is still unsent
        return None
    return round(time.monotonic() - started, 1)


def check_emails(rig):
    rows = rig.query(
        "SELECT n.id, n.emailed_at IS NOT NULL, u.email <> '' "
        "FROM portal_notification n JOIN portal_user u ON u.id = n.recipient_id"
    )
    counts, unknown = rig.emails_by_notification()
    mailed = {pk for pk, sent, has_email in rows if sent and has_email}
    known = {pk for pk, _, _ in rows}
    return {
        "notifications": len(rows),
        "emailed": len(mailed),
        "emails_written": sum(counts.values()) + unknown,
        "due_unsent": rig.query(DUE_UNSENT)[0][0],
        "sent_twice": sorted(pk for pk, count in counts.items() if count > 1),
        "marked_sent_without_email": sorted(pk for pk in mailed if counts[pk] == 0),
        "emailed_but_not_marked": sorted(pk for pk in counts if pk not in mailed and pk in known),
        "emails_for_no_notification": sorted(pk for pk in counts if pk not in known),
        "emails_without_message_id": unknown,
    }


def gunicorn_restarts(rig):
    """Web workers gunicorn had to replace (a crash or a time-out) after the first boot."""
    booted = rig.web.log.read_text(errors="replace").count("Booting worker")
    return max(0, booted - rig.web_workers)


def run(*, users, seconds, faults, spawn_rate=None, wait="1,3", web_workers=4, keep=False,
        out=sys.stderr):  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="portal-load-"))
    run_id = time.strftime("%H%M%S")
    # People arrive over ten seconds, as they would, not all in the same instant.
    spawn_rate = spawn_rate or max(1, users // 10)
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "users": users,
        "seconds": seconds,
        "faults": faults,
        "web_workers": web_workers,
        "wait_seconds": wait,
        "cores": os.cpu_count(),
        # How busy the machine was before the run (a run just finished counts too).
        "load_average_before": round(os.getloadavg()[0], 2),
        "folder": str(folder) if keep else "",
    }
    try:
        with Rig(folder, web_workers=web_workers, out=out) as rig:
            out.write(f"Load: {users} users for {seconds} s{' with faults' if faults else ''}\n")
            process, log = run_locust(
                rig, folder, users=users, seconds=seconds, spawn_rate=spawn_rate, wait=wait,
                run_id=run_id,
            )  # fmt: skip
            started = time.monotonic()
            wall_start = time.time()
            injector = Faults(rig, seconds, started) if faults else None
            if injector:
                injector.start()
            try:
                process.wait(timeout=seconds + 120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if injector:
                injector.join(timeout=60)
            report["load_seconds"] = round(time.monotonic() - started, 1)

            responses, writes = read_log(log)
            if not responses:
                locust_log = (folder / "locust.log").read_text(errors="replace")[-3000:]
                raise RigError(
                    f"Locust sent no request (exit {process.returncode}):\n{locust_log}"
                )
            report["journeys"] = journeys(responses)
            report["requests"] = len(responses)
            report["requests_per_second"] = round(len(responses) / seconds, 1)
            report["clean_failures"] = sum(r["outcome"] in CLEAN_FAILURES for r in responses)
            report["errors"] = sum(r["outcome"] == "error" for r in responses)
            report["error_samples"] = [r for r in responses if r["outcome"] == "error"][:10]
            failed_at = [r["t"] - wall_start for r in responses if r["outcome"] != "ok"]
            report["failures_between_seconds"] = (
                [round(min(failed_at), 1), round(max(failed_at), 1)] if failed_at else None
            )
            if injector:
                report["fault_events"] = injector.events
                report["fault_error"] = injector.error
                recovered_from = injector.ended_at + RECOVERY_GRACE
                late = [
                    r
                    for r in responses
                    if r["outcome"] != "ok" and r["t"] - wall_start > recovered_from
                ]
                report["after_faults"] = {
                    "from_second": round(recovered_from, 1),
                    "requests": sum(r["t"] - wall_start > recovered_from for r in responses),
                    "failures": len(late),
                }
            report["recovery"] = Browser(rig.base_url).sign_in_and_look("member", demo_password())
            report["writes"] = check_writes(rig, writes)
            report["catch_up_seconds"] = catch_up(rig)
            report["emails"] = check_emails(rig)
            report["gunicorn"] = {
                "master_alive": rig.web.alive(),
                "workers_replaced": gunicorn_restarts(rig),
            }
            report["celery_worker_alive"] = rig.worker.alive()
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    report["criteria"] = criteria(report)
    report["passed"] = all(item["passed"] for item in report["criteria"])
    return report


def criteria(report):
    emails = report["emails"]
    writes = report["writes"]
    found = []

    def check(name, passed, detail):
        found.append({"name": name, "passed": bool(passed), "detail": detail})

    check("no errors", report["errors"] == 0, f"{report['errors']} unclean responses")
    if report["faults"]:
        after = report["after_faults"]
        check(
            "recovers by itself",
            after["failures"] == 0
            and after["requests"] > 0
            and not report["fault_error"]
            and report["gunicorn"]["master_alive"],
            f"{after['failures']} failures in {after['requests']} requests from second "
            f"{after['from_second']}; gunicorn not restarted",
        )
    else:
        check(
            "no failures",
            report["clean_failures"] == 0,
            f"{report['clean_failures']} failed requests",
        )
    recovery = report["recovery"]
    check(
        "answers afterwards",
        recovery["signed_in"] and all(v == 200 for k, v in recovery.items() if k != "signed_in"),
        f"sign in and pages after the run: {recovery}",
    )
    check(
        "acknowledged writes kept",
        not writes["missing"] and writes["acknowledged"] > 0,
        f"{writes['acknowledged']} acknowledged, {len(writes['missing'])} missing",
    )
    check(
        "each e-mail once",
        not emails["sent_twice"]
        and not emails["marked_sent_without_email"]
        and not emails["emailed_but_not_marked"]
        and not emails["emails_for_no_notification"]
        and emails["due_unsent"] == 0
        and emails["emailed"] > 0,
        f"{emails['emailed']} notifications e-mailed, {len(emails['sent_twice'])} twice, "
        f"{emails['due_unsent']} unsent, "
        f"{len(emails['marked_sent_without_email'])} marked sent with no e-mail",
    )
    check("worker alive", report["celery_worker_alive"], "the Celery worker ran throughout")
    return found
