"""Delivery rules: ordinary reminders wait for office hours, urgent alerts go at once, and
a person may take ordinary reminders as one daily digest."""

import datetime
import smtplib
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from portal import notify, tasks
from portal.models import Notification

LONDON = ZoneInfo("Europe/London")
MONDAY_10 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
FRIDAY_NIGHT = datetime.datetime(2026, 3, 6, 22, 0, tzinfo=LONDON)
NEXT_MONDAY_9 = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=LONDON)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify(...) as a service would call it, with the after-commit e-mail task run."""

    def _send(**kwargs):
        kwargs.setdefault("kind", "reminder.test")
        kwargs.setdefault("title", "A proposal is waiting")
        with django_capture_on_commit_callbacks(execute=True):
            return notify.notify(**kwargs)

    return _send


@pytest.fixture
def digest_user(member):
    notify.user_set_daily_digest(actor=member, wants_daily_digest=True)
    return member


def subjects():
    return [message.subject for message in mail.outbox]


# Office hours


def test_an_ordinary_reminder_in_office_hours_is_emailed_at_once(send, manager):
    with freeze_time(MONDAY_10):
        [note] = send(recipients=[manager], reminder=True)
    assert note.send_after is None
    assert subjects() == ["[the Trust] A proposal is waiting"]
    assert mail.outbox[0].to == [manager.email]


def test_an_ordinary_reminder_at_night_waits_for_the_next_office_hours(send, manager):
    with freeze_time(FRIDAY_NIGHT):
        [note] = send(recipients=[manager], reminder=True)
    assert note.send_after == NEXT_MONDAY_9
    assert mail.outbox == []
    with freeze_time(datetime.datetime(2026, 3, 7, 12, 0, tzinfo=LONDON)):
        assert tasks.send_pending_notifications() == 0
    with freeze_time(NEXT_MONDAY_9):
        assert tasks.send_pending_notifications() == 1
        assert tasks.send_pending_notifications() == 0
    assert len(mail.outbox) == 1


def test_an_urgent_alert_at_night_goes_at_once(send, safeguarding_lead):
    with freeze_time(FRIDAY_NIGHT):
        [note] = send(recipients=[safeguarding_lead], reminder=True, urgent=True)
    assert note.send_after is None
    assert subjects() == ["[the Trust] URGENT: A proposal is waiting"]


def test_a_notice_of_a_change_is_not_held_for_office_hours(send, manager):
    with freeze_time(FRIDAY_NIGHT):
        send(recipients=[manager], kind="proposal.submit")
    assert len(mail.outbox) == 1


def test_nobody_is_told_about_their_own_action_or_twice(send, manager, member):
    with freeze_time(MONDAY_10):
        rows = send(recipients=[manager, manager, member, None], actor=member, reminder=True)
    assert [row.recipient for row in rows] == [manager]


# The daily digest


def test_a_digest_user_gets_ordinary_reminders_in_one_e_mail_next_morning(
    send, digest_user, manager
):
    with freeze_time(MONDAY_10):
        send(recipients=[digest_user, manager], title="Endorse the proposal", reminder=True)
        send(recipients=[digest_user], title="Finish setting up the account", reminder=True)
        assert tasks.send_pending_notifications() == 0
    # The manager, who did not choose a digest, had theirs at once.
    assert subjects() == ["[the Trust] Endorse the proposal"]
    mail.outbox.clear()

    with freeze_time(datetime.datetime(2026, 3, 2, 16, 0, tzinfo=LONDON)):
        assert notify.send_digests() == 0  # today's reminders wait for tomorrow
    with freeze_time(datetime.datetime(2026, 3, 3, 8, 59, tzinfo=LONDON)):
        assert notify.send_digests() == 0  # not before office hours
    with freeze_time(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=LONDON)):
        assert tasks.send_daily_digests() == 1
        assert notify.send_digests() == 0
        assert tasks.send_pending_notifications() == 0

    [digest] = mail.outbox
    assert digest.to == [digest_user.email]
    assert digest.subject == "[the Trust] Your reminders for today: 2 items"
    assert "Endorse the proposal" in digest.body
    assert "Finish setting up the account" in digest.body
    assert not Notification.objects.filter(recipient=digest_user, emailed_at=None).exists()


def test_a_reminder_written_after_the_digest_went_waits_for_the_next_one(send, digest_user):
    with freeze_time(MONDAY_10):
        send(recipients=[digest_user], title="First", reminder=True)
    with freeze_time(datetime.datetime(2026, 3, 3, 9, 5, tzinfo=LONDON)):
        assert notify.send_digests() == 1
    with freeze_time(datetime.datetime(2026, 3, 3, 11, 0, tzinfo=LONDON)):
        send(recipients=[digest_user], title="Second", reminder=True)
    with freeze_time(datetime.datetime(2026, 3, 3, 15, 0, tzinfo=LONDON)):
        assert notify.send_digests() == 0
    with freeze_time(datetime.datetime(2026, 3, 4, 9, 0, tzinfo=LONDON)):
        assert notify.send_digests() == 1
    assert [("First" in m.body, "Second" in m.body) for m in mail.outbox] == [
        (True, False),
        (False, True),
    ]


def test_no_digest_on_a_bank_holiday_and_the_next_working_day_has_it_all(send, digest_user):
    # Thursday 2 April 2026, then Good Friday and Easter Monday.
    with freeze_time(datetime.datetime(2026, 4, 2, 10, 0, tzinfo=LONDON)):
        send(recipients=[digest_user], title="Before Easter", reminder=True)
    with freeze_time(datetime.datetime(2026, 4, 3, 10, 0, tzinfo=LONDON)):
        assert notify.send_digests() == 0
    with freeze_time(datetime.datetime(2026, 4, 6, 10, 0, tzinfo=LONDON)):
        assert notify.send_digests() == 0
    with freeze_time(datetime.datetime(2026, 4, 7, 9, 0, tzinfo=LONDON)):
        assert notify.send_digests() == 1
    assert "Before Easter" in mail.outbox[0].body


def test_urgent_alerts_and_change_notices_skip_the_digest(send, digest_user):
    with freeze_time(FRIDAY_NIGHT):
        send(recipients=[digest_user], title="Account compromised", urgent=True, reminder=True)
        send(recipients=[digest_user], title="Your proposal was approved", kind="proposal.approve")
    assert subjects() == [
        "[the Trust] URGENT: Account compromised",
        "[the Trust] Your proposal was approved",
    ]


def test_turning_the_digest_off_releases_the_held_reminders(send, digest_user):
    with freeze_time(MONDAY_10):
        send(recipients=[digest_user], reminder=True)
        assert tasks.send_pending_notifications() == 0
        notify.user_set_daily_digest(actor=digest_user, wants_daily_digest=False)
        assert tasks.send_pending_notifications() == 1
    assert len(mail.outbox) == 1


def test_turning_the_digest_on_holds_reminders_not_yet_sent(send, member):
    with freeze_time(FRIDAY_NIGHT):
        send(recipients=[member], reminder=True)
        notify.user_set_daily_digest(actor=member, wants_daily_digest=True)
    with freeze_time(NEXT_MONDAY_9):
        assert tasks.send_pending_notifications() == 0
        assert notify.send_digests() == 1
    assert mail.outbox[0].subject.startswith("[the Trust] Your reminders for today")


# Claims: each e-mail once, whoever tries


def test_a_claimed_notification_is_busy_until_its_claim_runs_out(settings, send, manager):
    settings.NOTIFICATION_CLAIM_TIMEOUT = 60
    with freeze_time(FRIDAY_NIGHT):
        [note] = send(recipients=[manager], reminder=True)
    with freeze_time(NEXT_MONDAY_9):
        assert notify.claim(note.pk)
        assert notify.deliver(note.pk) is notify.Delivery.BUSY
    with freeze_time(NEXT_MONDAY_9 + datetime.timedelta(seconds=61)):
        assert notify.deliver(note.pk) is notify.Delivery.SENT
        assert notify.deliver(note.pk) is notify.Delivery.SKIPPED
        assert not notify.deliver(note.pk)
    assert len(mail.outbox) == 1


def test_the_e_mail_task_retries_what_another_delivery_holds(monkeypatch, send, manager):
    with freeze_time(FRIDAY_NIGHT):
        [note] = send(recipients=[manager], reminder=True)
    retried = []

    def fake_retry(*, args, countdown):
        retried.append((args, countdown))
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.send_notification_emails, "retry", fake_retry)
    with freeze_time(NEXT_MONDAY_9):
        notify.claim(note.pk)
        with pytest.raises(RuntimeError):
            tasks.send_notification_emails.run([note.pk])
    assert retried == [([[note.pk]], 601)]


def test_a_mail_server_failure_releases_the_claim_for_a_retry(settings, send, manager):
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusingBackend"
    with freeze_time(FRIDAY_NIGHT):
        [note] = send(recipients=[manager], reminder=True)
    with freeze_time(NEXT_MONDAY_9), pytest.raises(smtplib.SMTPException):
        notify.deliver(note.pk)
    note.refresh_from_db()
    assert note.email_claimed_at is None and note.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time(NEXT_MONDAY_9 + datetime.timedelta(minutes=2)):
        assert tasks.send_pending_notifications() == 1
    assert len(mail.outbox) == 1


def test_the_outbox_sweep_carries_on_past_a_refused_e_mail(settings, send, manager):
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusingBackend"
    with freeze_time(FRIDAY_NIGHT):
        send(recipients=[manager], reminder=True)
    with freeze_time(NEXT_MONDAY_9):
        assert tasks.send_pending_notifications() == 0
    assert Notification.objects.get().emailed_at is None


def test_a_refused_e_mail_waits_longer_each_time_and_is_given_up_on(settings, send, manager):
    """A dead address must not hold up the outbox: each refusal doubles the wait, and
    after ``NOTIFICATION_EMAIL_ATTEMPTS`` refusals for good the e-mail is given up on (the
    portal still shows it)."""
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusesDeadAddressesBackend"
    settings.NOTIFICATION_EMAIL_ATTEMPTS = 3
    manager.email = "dead.manager@nhs.example"
    manager.save(update_fields=["email"])
    with freeze_time(NEXT_MONDAY_9):
        [note] = send(recipients=[manager])
    note.refresh_from_db()
    waits = [note.send_after - NEXT_MONDAY_9]  # refused once as the task sent it
    moment = note.send_after
    for _ in range(2):
        with freeze_time(moment):
            assert tasks.send_pending_notifications() == 0
        note.refresh_from_db()
        if note.email_given_up_at is None:
            waits.append(note.send_after - moment)
            moment = note.send_after
    assert waits == [datetime.timedelta(minutes=2), datetime.timedelta(minutes=4)]
    assert note.email_attempts == 3 and note.email_given_up_at is not None
    with freeze_time(moment + datetime.timedelta(days=1)):
        assert tasks.send_pending_notifications() == 0
        assert notify.pending_ids() == []
    assert note.emailed_at is None and mail.outbox == []
    assert Notification.objects.filter(pk=note.pk, read_at__isnull=True).exists()


def test_a_mail_server_away_for_hours_is_waited_for_never_given_up_on(settings, send, manager):
    """Only a refusal for good gives up: an alert written while the server is away goes
    once it is back, however long that takes; the waits stop growing at an hour."""
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusingBackend"
    settings.NOTIFICATION_EMAIL_ATTEMPTS = 3
    with freeze_time(NEXT_MONDAY_9):
        [note] = send(recipients=[manager], urgent=True)
    for _ in range(9):
        note.refresh_from_db()
        with freeze_time(note.send_after):
            tasks.send_pending_notifications()
    note.refresh_from_db()
    assert note.email_given_up_at is None and note.email_attempts == 10
    assert note.send_after - NEXT_MONDAY_9 > datetime.timedelta(hours=5)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time(note.send_after):
        assert tasks.send_pending_notifications() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("error", "for_good"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"No such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@b": (450, b"Mailbox busy")}), False),
        (smtplib.SMTPDataError(554, b"Rejected"), True),
        (smtplib.SMTPSenderRefused(421, b"Try later", "portal@nhs.example"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(), False),
    ],
)
def test_what_counts_as_refused_for_good(error, for_good):
    assert notify.refused_for_good(error) is for_good


def test_refused_e_mails_do_not_keep_later_ones_from_the_sweep(settings, send, manager, member):
    """The sweep reads a batch at a time; rows the mail server refuses step aside."""
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusingBackend"
    with freeze_time(NEXT_MONDAY_9):
        [dead] = send(recipients=[manager])  # refused as the task sends it
        # Written with the broker away: only the sweep will send it.
        [later] = notify.notify(recipients=[member], kind="reminder.test", title="Later")
    with freeze_time(NEXT_MONDAY_9 + datetime.timedelta(seconds=30)):
        assert dead.pk < later.pk
        assert notify.pending_ids(limit=1) == [later.pk]


def test_a_deactivated_person_is_e_mailed_nothing_already_queued(send, manager, member):
    with freeze_time(FRIDAY_NIGHT):
        [note] = send(recipients=[manager], reminder=True)
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    with freeze_time(NEXT_MONDAY_9):
        assert tasks.send_pending_notifications() == 1
    note.refresh_from_db()
    assert note.emailed_at is not None  # done with: nothing more will try
    assert mail.outbox == []


def test_a_digest_the_mail_server_refuses_does_not_stop_everyone_elses(
    settings, send, digest_user, manager
):
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusesDeadAddressesBackend"
    notify.user_set_daily_digest(actor=manager, wants_daily_digest=True)
    manager.email = "dead.manager@nhs.example"
    manager.save(update_fields=["email"])
    with freeze_time(FRIDAY_NIGHT):
        send(recipients=[manager, digest_user], reminder=True)
    with freeze_time(NEXT_MONDAY_9):
        assert tasks.send_daily_digests.run() == 1
    assert [message.to for message in mail.outbox] == [[digest_user.email]]
    refused = Notification.objects.get(recipient=manager)
    assert refused.emailed_at is None and refused.email_attempts == 1
    # Tried again once its wait is over, and not before.
    with freeze_time(NEXT_MONDAY_9 + datetime.timedelta(minutes=1)):
        assert notify.digest_recipient_ids() == []
    with freeze_time(NEXT_MONDAY_9 + datetime.timedelta(minutes=2)):
        assert notify.digest_recipient_ids() == [manager.pk]
