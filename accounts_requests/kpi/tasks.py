"""Background work for KPIs: large imports.

Each task takes ids or nothing, fetches, and calls a service; imports are claimed with a
conditional update, so running twice acts once. Review and figures reminders are rules on
the portal's reminder engine (``accounts_requests/reminders.py``), not tasks of their own.
"""

import logging

from celery import shared_task

from accounts_requests.kpi import notifications, services

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def import_figures(import_id):
    job = services.figures_import_process(import_id=import_id)
    if job is not None:
        notifications.import_finished(job)
    return job.status if job else None


@shared_task(acks_late=True)
def resume_stalled_imports():
    """Imports queued while the broker was down, or left by a worker that died."""
    for import_id in services.stalled_import_ids():
        import_figures(import_id)
