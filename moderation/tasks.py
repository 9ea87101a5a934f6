import logging

from celery import shared_task

from moderation import services

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def remove_expired_evidence():
    """Daily: delete evidence past its retention date, unless on legal hold."""
    removed = services.evidence_remove_expired()
    if removed:
        log.info("Removed %d expired evidence file(s)", removed)
    return removed


@shared_task(acks_late=True)
def refresh_repeat_offenders():
    """Daily: flag people whose breaches reached the threshold, clear those who left the window."""
    flagged, cleared = services.commenters_refresh_repeat_flags()
    return {"flagged": flagged, "cleared": cleared}
