"""The Celery app and, in one place, every periodic job the portal runs."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["accounts_requests.kpi"])

BEAT_SCHEDULE = {
    # The outbox sweep: e-mails the broker never carried (it was down) go out at the next
    # tick. Read from the environment because this module loads before Django's settings.
    "send-pending-notifications": {
        "task": "portal.tasks.send_pending_notifications",
        "schedule": float(os.getenv("NOTIFICATION_SWEEP_SECONDS", "60")),
    },
    "moderation-refresh-repeat-offenders": {
        "task": "moderation.tasks.refresh_repeat_offenders",
        "schedule": crontab(hour=2, minute=45),
    },
    "moderation-remove-leftover-evidence": {
        "task": "moderation.tasks.remove_leftover_evidence",
        "schedule": crontab(hour=3, minute=0),
    },
    # Reminders and escalations: find what has fallen due (see portal/reminders).
    "sweep-reminders": {
        "task": "portal.tasks.sweep_reminders",
        "schedule": crontab(minute="*/5"),
    },
    # Daily digests go at the first run in office hours; the task decides, so a change of
    # office hours in the organisation profile needs no change here.
    "send-daily-digests": {
        "task": "portal.tasks.send_daily_digests",
        "schedule": crontab(minute="*/10"),
    },
    # KPI figures and reviews (accounts_requests.kpi)
    "resume-stalled-figure-imports": {
        "task": "accounts_requests.kpi.tasks.resume_stalled_imports",
        "schedule": 120.0,
    },
    # Sessions past their idle limit: no one can use them, and they name who signed in.
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
    "clear-old-notifications": {
        "task": "portal.tasks.clear_old_notifications",
        "schedule": crontab(hour=2, minute=25),
    },
    # Sign-in records past their time: they name an address and a browser.
    "clear-old-sign-in-records": {
        "task": "portal.tasks.clear_old_sign_in_records",
        "schedule": crontab(hour=2, minute=20),
    },
    "redact-expired-concerns": {
        "task": "portal.tasks.redact_expired_concerns",
        "schedule": crontab(hour=2, minute=30),
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE

# crontab is re-exported for the schedules other apps add here.
__all__ = ["BEAT_SCHEDULE", "app", "crontab"]
