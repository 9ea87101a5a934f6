import logging
import smtplib

from celery import shared_task

from portal import notify

log = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_notification_emails(notification_ids):
    for notification_id in notification_ids:
        notify.deliver(notification_id)


@shared_task(acks_late=True)
def send_pending_notifications():
    """Send every e-mail that is due and still unsent: the outbox sweep."""
    sent = 0
    for notification_id in notify.pending_ids():
        try:
            if notify.deliver(notification_id):
                sent += 1
        except (smtplib.SMTPException, OSError):
            log.warning("Mail server refused notification %s; will retry", notification_id)
    return sent


@shared_task(acks_late=True)
def redact_expired_concerns():
    """Remove the link and description of reports closed longer ago than they are kept."""
    from portal.services.concerns import concerns_redact_expired

    return concerns_redact_expired()
