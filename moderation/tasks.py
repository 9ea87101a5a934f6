"""Daily moderation work. Removing expired evidence is a stage of the reminder engine
(moderation/reminders.py), run by its five-minute sweep; the daily clean-up below removes
any folder that stage, or an upload rolled back, left on the disk."""

import logging

from celery import shared_task

from moderation import services

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def refresh_repeat_offenders():
    """Daily: flag people whose breaches reached the threshold, clear those who left the window."""
    flagged, cleared = services.commenters_refresh_repeat_flags()
    return {"flagged": flagged, "cleared": cleared}


@shared_task(acks_late=True)
def remove_leftover_evidence():
    """Daily: remove stored evidence folders that no kept evidence row names."""
    return {"removed": services.evidence_leftovers_remove()}
