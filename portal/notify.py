"""Notifications: written with the change they report, e-mailed after it commits.

``notify`` writes one row per recipient inside the caller's transaction, so the database
is the outbox. After the commit a Celery task is asked to e-mail them; if the broker is
down or hung the request carries on and the periodic sweep sends what is still unsent.
Delivery claims each row with a conditional update, so two workers never send one twice.

Ordinary reminders (``reminder=True``) wait for office hours, and people who chose the
daily digest get them in one e-mail at the start of the working day instead. Urgent
alerts (``urgent=True``: safeguarding, a compromised account) always go at once.
"""

import datetime
import enum
import logging
import smtplib
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification, OrganisationProfile
from portal.models.notifications import claim_timeout
from portal.worktime import WorkingCalendar

log = logging.getLogger(__name__)

# What a mail server that refuses or cannot be reached raises.
MAIL_ERRORS = (smtplib.SMTPException, OSError)

__all__ = [
    "Delivery",
    "claim",
    "claim_timeout",
    "clear_old",
    "deliver",
    "notify",
    "send_digests",
    "user_set_daily_digest",
]


class Delivery(enum.Enum):
    SENT = "sent"
    # Sent already, held for the digest, not yet due, or gone: nothing for us to do.
    SKIPPED = "skipped"
    # Another delivery has claimed it and not finished: it sends it, or its claim runs out.
    BUSY = "busy"

    def __bool__(self):
        # ``if deliver(...)`` reads as "was it sent?"
        return self is Delivery.SENT


def notify(
    *,
    recipients,
    kind,
    title,
    body="",
    url="",
    urgent=False,
    actor=None,
    send_after=None,
    reminder=False,
):
    """Tell each recipient (never the actor) about something; returns the rows written."""
    if reminder and not urgent and send_after is None:
        now = timezone.now()
        opens = WorkingCalendar.current().next_office_start(now)
        send_after = opens if opens > now else None
    seen = set()
    rows = []
    digest = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        seen.add(user.pk)
        if reminder and not urgent and user.wants_daily_digest:
            digest.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                urgent=urgent,
                reminder=reminder,
                send_after=send_after,
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk is not None and row.recipient_id not in digest]
    if ids and (send_after is None or send_after <= timezone.now()):
        transaction.on_commit(lambda: enqueue_email(ids))
    return created


def enqueue_email(ids):
    """Ask a worker to send these e-mails; never raise, never wait long on the broker."""
    from portal.tasks import send_notification_emails

    try:
        send_notification_emails.apply_async(args=[list(ids)], retry=False)
    except Exception:  # the broker is down or hung: the sweep will send them
        log.warning(
            "Could not reach the task broker; %d e-mail(s) left for the sweep",
            len(ids),
            exc_info=True,
        )


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
    now = timezone.now()
    if not claim(notification_id, now):
        busy = (
            Notification.objects.filter(pk=notification_id, emailed_at__isnull=True)
            .filter(email_claimed_at__gte=now - claim_timeout())
            .exists()
        )
        return Delivery.BUSY if busy else Delivery.SKIPPED
    note = Notification.objects.select_related("recipient").get(pk=notification_id)
    # Someone deactivated since it was written (a leaver, a sign-in thought compromised)
    # is e-mailed nothing more, like someone with no address.
    if note.recipient.email and note.recipient.is_active:
        try:
            build_email(note).send()
        except Exception as error:
            retry_later(
                [note.pk],
                note.email_attempts + 1,
                now,
                for_good=refused_for_good(error),
                address=address_refused(error),
            )
            raise
        record_sent([note.pk])
        address_works(note.recipient)
    else:
        record_sent([note.pk])
    return Delivery.SENT


def refused_for_good(error):
    """Whether the mail server refused the e-mail for good (an address it does not know,
    a message it will not take: a 5xx answer), rather than being away or busy."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return address_refused(error)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def address_refused(error):
    """Whether the mail server refused the recipient's address itself for good (a mailbox
    it does not know), rather than the sender or the message."""
    return (
        isinstance(error, smtplib.SMTPRecipientsRefused)
        and bool(error.recipients)
        and all(code >= 500 for code, _ in error.recipients.values())
    )


def address_works(person):
    """An e-mail to ``person`` went (and is recorded as sent): their address is not
    refused any more. Never raises: the e-mail has gone whatever happens here."""
    if person.email_refused_at is None:
        return
    try:
        type(person).objects.filter(pk=person.pk).update(email_refused_at=None)
    except (OperationalError, InterfaceError):
        log.warning("Could not clear the refused mark of user %s", person.pk, exc_info=True)
        return
    person.email_refused_at = None


def retry_later(ids, attempts, now, *, for_good=False, address=False):
    """After the mail server failed these rows' e-mail (``attempts`` times now): release
    them to be tried again after a wait that doubles each time (2, 4, 8... minutes, at most
    an hour), so that they do not hold up the rest of the outbox. Refused for good
    ``NOTIFICATION_EMAIL_ATTEMPTS`` times, they are given up on; a server away or busy,
    however long, is tried again. The portal shows them either way."""
    rows = Notification.objects.filter(pk__in=ids)
    attempts = min(attempts, 30_000)  # a server away for years still fits the count
    if for_good and attempts >= settings.NOTIFICATION_EMAIL_ATTEMPTS:
        rows.update(email_claimed_at=None, email_attempts=attempts, email_given_up_at=now)
        log.error("Gave up e-mailing notification(s) %s after %d refusals", list(ids), attempts)
        if address:
            flag_refused_addresses(rows.values("recipient_id"), now)
        return
    wait = datetime.timedelta(minutes=min(2 ** min(attempts, 6), 60))
    rows.update(email_claimed_at=None, email_attempts=attempts, send_after=now + wait)


def flag_refused_addresses(recipient_ids, now):
    """Mark these people's addresses refused, and tell the communications team about each
    one newly refused, so that someone corrects it: until then, their e-mails go nowhere."""
    from portal import selectors

    people = get_user_model().objects.filter(
        pk__in=recipient_ids, is_active=True, email_refused_at__isnull=True
    )
    for person in people:
        # Marked by whoever gets there first: two deliveries giving up at once tell once.
        if not people.filter(pk=person.pk).update(email_refused_at=now):
            continue
        notify(
            recipients=selectors.comms_users(),
            kind="portal.email_refused",
            title=f"E-mail to {person.display_name} is being refused",
            body=(
                "The mail server will not take the portal's e-mails to the address we "
                "hold for them, so their reminders reach them only in the portal. Check "
                "the address with them and correct it on the People page."
            ),
            url=f"{reverse('portal:people')}?refused=1",
            actor=person,
        )


# How long a delivery keeps trying to record an e-mail it has sent while the database is
# away (a restart takes seconds), and how long it waits between tries.
RECORD_SENT_PATIENCE = 60
RECORD_SENT_PAUSE = 1


def record_sent(ids, *, patience=None, pause=None):
    """Mark rows e-mailed. The e-mail has gone, so keep trying through a database restart:
    a row left claimed but unmarked would be sent again once its claim runs out."""
    patience = RECORD_SENT_PATIENCE if patience is None else patience
    pause = RECORD_SENT_PAUSE if pause is None else pause
    deadline = time.monotonic() + patience
    while True:
        try:
            return Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
        except (OperationalError, InterfaceError):
            # Inside a transaction the connection cannot be replaced: let the caller see it.
            if connection.in_atomic_block or time.monotonic() >= deadline:
                raise
            log.warning("Could not record %d sent e-mail(s) yet; trying again", len(ids))
            connection.close()
            time.sleep(pause)


def message_id(name):
    """A Message-ID that stays the same if the e-mail is ever sent again, so mail
    programs show a repeat as the same message."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{name}@{host}>"


def _context(**extra):
    org = OrganisationProfile.load()
    return {"org": org, "site": settings.SITE_URL, **extra}


def _link(url):
    return f"{settings.SITE_URL}{url}" if url else settings.SITE_URL


def build_email(note):
    context = _context(note=note, link=_link(note.url))
    org = context["org"]
    subject = f"[{org.short_name}] {'URGENT: ' if note.urgent else ''}{note.title}"
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " "),
        body=render_to_string("emails/notification.txt", context),
        to=[note.recipient.email],
        headers={"Message-ID": message_id(f"notification-{note.pk}")},
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


# The daily digest


def digest_cutoff(now, calendar=None):
    """When today's digest may go and what it holds: reminders written before today's
    office hours began. None outside office hours, when no digest goes."""
    calendar = calendar or WorkingCalendar.current()
    if not calendar.is_office_hours(now):
        return None
    return calendar.opening_on(calendar.local(now).date())


def digest_recipient_ids(now=None):
    now = now or timezone.now()
    cutoff = digest_cutoff(now)
    if cutoff is None:
        return []
    return list(
        Notification.objects.awaiting_digest(now, cutoff)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def deliver_digest(recipient_id, now=None):
    """Send one person their digest: one e-mail with every reminder held for it.

    Each reminder goes in exactly one digest: the rows are claimed under a row lock that a
    second worker skips, then marked sent. Reminders written after today's office hours
    began wait for tomorrow's, so a person gets at most one digest a day.
    """
    now = now or timezone.now()
    cutoff = digest_cutoff(now)
    if cutoff is None:
        return Delivery.SKIPPED
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(recipient_id=recipient_id)
            .awaiting_digest(now, cutoff)
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("id", flat=True)
        )
        if not ids:
            return Delivery.SKIPPED
        Notification.objects.filter(pk__in=ids).update(email_claimed_at=now)
    recipient = get_user_model().objects.get(pk=recipient_id)
    notes = list(Notification.objects.filter(pk__in=ids).order_by("created_at", "id"))
    if recipient.email and recipient.is_active:
        try:
            build_digest(recipient, notes).send()
        except Exception as error:
            attempts = max(note.email_attempts for note in notes) + 1
            retry_later(
                ids,
                attempts,
                now,
                for_good=refused_for_good(error),
                address=address_refused(error),
            )
            raise
        record_sent(ids)
        address_works(recipient)
    else:
        record_sent(ids)
    return Delivery.SENT


def build_digest(recipient, notes):
    items = [{"note": note, "link": _link(note.url)} for note in notes]
    context = _context(
        recipient=recipient, items=items, link=_link(reverse("portal:notifications"))
    )
    count = len(notes)
    subject = (
        f"[{context['org'].short_name}] Your reminders for today: "
        f"{count} {'item' if count == 1 else 'items'}"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/digest.txt", context),
        to=[recipient.email],
        headers={"Message-ID": message_id(f"digest-{recipient.pk}-{notes[0].pk}-{len(notes)}")},
    )
    message.attach_alternative(render_to_string("emails/digest.html", context), "text/html")
    return message


def send_digests(now=None):
    """Send every digest that is due now; returns how many went. One the mail server
    refuses (an address it does not know) waits to be tried again, and the others still
    go."""
    sent = 0
    for recipient_id in digest_recipient_ids(now):
        try:
            if deliver_digest(recipient_id, now) is Delivery.SENT:
                sent += 1
        except MAIL_ERRORS:
            log.warning("Mail server refused the digest for user %s; will retry", recipient_id)
    return sent


def clear_old(*, now=None, batch=5000):
    """Delete the notifications written more than ``NOTIFICATION_KEEP_DAYS`` ago, read or
    not: they name who did what, and a year on they are history, which the records' own
    timelines keep. In batches, so no long lock holds up anyone's inbox. Returns how many
    went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NOTIFICATION_KEEP_DAYS)
    old = Notification.objects.filter(created_at__lt=cutoff).order_by()
    removed = 0
    while ids := list(old.values_list("pk", flat=True)[:batch]):
        removed += Notification.objects.filter(pk__in=ids).delete()[0]
    if removed:
        log.info("Deleted %d notifications written before %s.", removed, cutoff.date())
    return removed


def user_set_daily_digest(*, actor, wants_daily_digest):
    """Choose one daily digest for ordinary reminders, or each on its own.

    Reminders already waiting follow the new choice: the digest's query and the sweep's
    both read the person's choice when they run.
    """
    get_user_model().objects.filter(pk=actor.pk).update(wants_daily_digest=wants_daily_digest)
    actor.wants_daily_digest = wants_daily_digest
    return actor
