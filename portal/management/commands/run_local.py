"""Start the portal on this machine: web server, Celery worker and beat, together.

For trying the portal on a laptop with the embedded defaults. Production runs gunicorn,
a worker and beat as separate services (see README).
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the web server with a Celery worker and beat (local use only)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        if settings.PRODUCTION:
            raise CommandError("Use gunicorn and separate Celery services in production.")
        for folder in (
            settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""),
            (settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("processed_folder", "")),
        ):
            if folder:
                os.makedirs(folder, exist_ok=True)
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=1",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ],
        )
        self.stdout.write(self.style.SUCCESS(f"The portal is at http://{addr}/"))
        self.stdout.write("Celery worker and beat started. Press Ctrl+C to stop everything.")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
