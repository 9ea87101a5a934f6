"""Notifications: written with the change they report, e-mailed after it commits.

``notify`` writes one row per recipient inside the caller's transaction, so the database
is the outbox. After the commit a Celery task is asked to e-mail them; if the broker is
down or hung the request carries on and the periodic sweep sends what is still unsent.
Delivery claims each row with a conditional update, so two workers never send one twice.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from portal.models import Notification, OrganisationProfile

log = logging.getLogger(__name__)

# A delivery that claimed a row and then died is retried after this long.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def notify(*, recipients, kind, title, body="", url="", urgent=False, actor=None, send_after=None):
    """Tell each recipient (never the actor) about something; returns the rows written."""
    seen = set()
    rows = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                urgent=urgent,
                send_after=send_after,
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk is not None]
    if ids and (send_after is None or send_after <= timezone.now()):
        transaction.on_commit(lambda: enqueue_email(ids))
    return created


def enqueue_email(ids):
    """Ask a worker to send these e-mails; never raise, never wait long on the broker."""
    from portal.tasks import send_notification_emails

    try:
        send_notification_emails.apply_async(args=[list(ids)], retry=False)
    except Exception:  # the broker is down or hung: the sweep will send them
        log.warning("Could not reach the task broker; %d e-mail(s) left for the sweep", len(ids))


def claim(notification_id, now=None):
    """Claim one row for delivery; False when it is sent already or someone else has it."""
    now = now or timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .awaiting_email(now)
        .update(email_claimed_at=now)
    )
    return claimed == 1


def deliver(notification_id):
    """Send one notification's e-mail once. Raises when the mail server fails."""
    if not claim(notification_id):
        return False
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    if note.recipient.email:
        try:
            build_email(note).send()
        except Exception:
            Notification.objects.filter(pk=note.pk).update(email_claimed_at=None)
            raise
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return True


def build_email(note):
    org = OrganisationProfile.load()
    context = {
        "note": note,
        "org": org,
        "link": f"{settings.SITE_URL}{note.url}" if note.url else settings.SITE_URL,
    }
    subject = f"[{org.short_name}] {'URGENT: ' if note.urgent else ''}{note.title}"
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " "),
        body=render_to_string("emails/notification.txt", context),
        to=[note.recipient.email],
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    return message


def pending_ids(limit=500, now=None):
    now = now or timezone.now()
    return list(
        Notification.objects.awaiting_email(now)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
