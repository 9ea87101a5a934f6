"""Put the portal under load, optionally with its database and broker failing, and check
that it answers cleanly, keeps every acknowledged write and e-mails each notification once.

    python manage.py loadtest --users 50 --seconds 60 --faults --json load.json

The portal runs on services of its own (a PostgreSQL cluster, Redis, gunicorn and a Celery
worker with beat, on spare loopback ports; see portal/bench/rig.py), so the configured
database and broker are never touched. Locust plays the people (portal/bench/load.py).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from portal.bench import loadrun
from portal.bench.rig import RigError


class Command(BaseCommand):
    help = "Load-test the portal on its own services, with optional faults, and check it."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument(
            "--faults",
            action="store_true",
            help="Stop Redis for 10 s and restart PostgreSQL during the load.",
        )
        parser.add_argument("--json", dest="json_path", default="")
        parser.add_argument("--spawn-rate", type=float, default=None)
        parser.add_argument(
            "--wait", default="1,3", help="Each person's pause between pages, min,max seconds."
        )
        parser.add_argument("--web-workers", type=int, default=4)
        parser.add_argument("--keep", action="store_true", help="Keep the run's folder and logs.")

    def handle(self, *args, users, seconds, faults, json_path, spawn_rate, wait, web_workers,
               keep, **options):  # fmt: skip
        if faults and seconds < 20:
            raise CommandError("With --faults the run needs at least 20 seconds.")
        try:
            report = loadrun.run(
                users=users,
                seconds=seconds,
                faults=faults,
                spawn_rate=spawn_rate,
                wait=wait,
                web_workers=web_workers,
                keep=keep,
                out=self.stderr,
            )
        except RigError as error:
            raise CommandError(f"The load test could not run: {error}") from error
        self._print(report)
        if json_path:
            with open(json_path, "w") as handle:
                json.dump(report, handle, indent=2)
            self.stdout.write(f"Wrote {json_path}")
        if not report["passed"]:
            raise CommandError("The load test failed: see the criteria above.")

    def _print(self, report):
        out = self.stdout.write
        out("")
        out(
            f"{report['users']} users for {report['seconds']} s"
            f"{', with faults' if report['faults'] else ''}: {report['requests']} requests, "
            f"{report['requests_per_second']}/s ({report['when']}, {report['cores']} cores, "
            f"{report['web_workers']} gunicorn workers, load average "
            f"{report['load_average_before']} before)"
        )
        out("")
        heads = ("requests", "p50 ms", "p95 ms", "failed", "errors")
        out(f"{'journey':<26} {heads[0]:>8}" + "".join(f" {head:>7}" for head in heads[1:]))
        for name, row in report["journeys"].items():
            out(
                f"{name:<26} {row['requests']:>8} {row['p50_ms']:>7} {row['p95_ms']:>7} "
                f"{row['clean_failures']:>7} {row['errors']:>7}"
            )
        for event in report.get("fault_events", []):
            out(f"  at {event['at']:>5.1f} s: {event['what']}")
        if report["failures_between_seconds"]:
            first, last = report["failures_between_seconds"]
            out(f"  failed requests between {first} s and {last} s")
        if report.get("fault_error"):
            out(f"  fault injection failed: {report['fault_error']}")
        for sample in report["error_samples"]:
            out(f"  error: {sample['journey']} {sample['status']} {sample['detail']}")
        out("")
        for item in report["criteria"]:
            mark = "PASS" if item["passed"] else "FAIL"
            out(f"{mark}  {item['name']}: {item['detail']}")
