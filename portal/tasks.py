"""Celery tasks. Each takes ids or nothing (a password e-mail also the address it goes to),
fetches, calls a service and owns its retries; each may run twice (a redelivered message,
two beats) and still act once."""

import logging

from celery import shared_task

from portal import notify
from portal.notify import MAIL_ERRORS

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_notification_emails(self, notification_ids):
    busy = [nid for nid in notification_ids if notify.deliver(nid) is notify.Delivery.BUSY]
    if busy:
        # Another delivery holds these. If it dies before sending, its claim runs out and
        # this retry (or the sweep) sends them; if it finishes, the retry finds them sent.
        raise self.retry(args=[busy], countdown=int(notify.claim_timeout().total_seconds()) + 1)


# An e-mail with a link to set a password: tried again while the mail server refuses it.
password_mail_task = shared_task(
    acks_late=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)


@password_mail_task
def send_password_reset(email):
    """E-mail a link to set a new password to the sign-ins using ``email``."""
    from portal import passwords

    return passwords.send_reset(email)


@password_mail_task
def send_invitation(user_id):
    """E-mail someone just added their user name and a link to choose a password."""
    from portal import passwords

    return passwords.send_invitation_now(user_id)


@password_mail_task
def send_old_address_notice(user_id, old_email):
    """Tell the address a sign-in used to have that it has another one now."""
    from portal import passwords

    return passwords.send_old_address_notice_now(user_id, old_email)


@shared_task(acks_late=True)
def send_pending_notifications():
    """Send every e-mail that is due and still unsent: the outbox sweep."""
    sent = 0
    for notification_id in notify.pending_ids():
        try:
            if notify.deliver(notification_id):
                sent += 1
        except MAIL_ERRORS:
            log.warning("Mail server refused notification %s; will retry", notification_id)
    return sent


@shared_task(
    acks_late=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_daily_digests():
    """Send the daily digests that are due: in office hours, once a working day each."""
    return notify.send_digests()


@shared_task(acks_late=True)
def clear_old_notifications():
    """Delete the notifications older than ``NOTIFICATION_KEEP_DAYS``; returns how many."""
    return notify.clear_old()


@shared_task(acks_late=True)
def sweep_reminders():
    """Write every reminder that has fallen due since the last sweep, each once."""
    from portal.reminders import engine

    return engine.sweep()


@shared_task(acks_late=True)
def clear_expired_sessions():
    """Delete the sessions past their idle limit; returns how many went."""
    from django.utils import timezone

    from portal.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(acks_late=True)
def clear_old_sign_in_records():
    """Delete the records of sign-ins older than ``SIGN_IN_RECORDS_KEEP_DAYS``, the
    counts of wrong passwords whose pause is over (both hold an address and a user name)
    and the password reset requests no longer counted. Returns how many of each went."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    from portal.models import ResetRequest
    from portal.passwords import RESET_WINDOW

    records = AxesProxyHandler.reset_logs(age_days=settings.SIGN_IN_RECORDS_KEEP_DAYS)
    now = timezone.now()
    over = now - settings.AXES_COOLOFF_TIME
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lte=over).delete()
    resets, _ = ResetRequest.objects.filter(at__lte=now - RESET_WINDOW).delete()
    return {"sign_ins": records, "failure_counts": attempts, "reset_requests": resets}


@shared_task(acks_late=True)
def redact_expired_concerns():
    """Remove the link and description of reports closed longer ago than they are kept."""
    from portal.services.concerns import concerns_redact_expired

    return concerns_redact_expired()
