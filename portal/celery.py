"""The Celery app and, in one place, every periodic job the portal runs."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

BEAT_SCHEDULE = {
    "send-pending-notifications": {
        "task": "portal.tasks.send_pending_notifications",
        "schedule": 60.0,
    },
    "redact-expired-concerns": {
        "task": "portal.tasks.redact_expired_concerns",
        "schedule": crontab(hour=2, minute=30),
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE

# crontab is re-exported for the schedules other apps add here.
__all__ = ["BEAT_SCHEDULE", "app", "crontab"]
