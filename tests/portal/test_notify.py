import datetime
import smtplib
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts_requests import services
from accounts_requests.models import AccountRequest
from portal import notify, tasks
from portal.models import Notification
from tests.factories import UserFactory, proposal_in_state


def test_notify_skips_the_actor_inactive_people_and_duplicates(db):
    actor, alice, bob = UserFactory(), UserFactory(), UserFactory(is_active=False)
    rows = notify.notify(
        recipients=[actor, alice, alice, bob, None], kind="t", title="Hello", actor=actor
    )
    assert [row.recipient for row in rows] == [alice]


def test_the_email_leaves_only_after_the_commit(db, django_capture_on_commit_callbacks):
    alice = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify.notify(recipients=[alice], kind="t", title="Hello", url="/x/")
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [alice.email]
    assert "Hello" in message.subject
    assert "http://127.0.0.1:8000/x/" in message.body
    assert Notification.objects.get().emailed_at is not None


def test_a_rolled_back_transition_leaves_no_notification_and_enqueues_nothing(
    member, manager, team, django_capture_on_commit_callbacks
):
    proposal = proposal_in_state(AccountRequest.State.DRAFT, team=team, applicant=member)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.account_request_act(actor=member, proposal_id=proposal.pk, action="submit")
        raise RuntimeError("something later in the request failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []
    proposal.refresh_from_db()
    assert proposal.state == AccountRequest.State.DRAFT


def test_a_notification_is_emailed_once_however_often_delivery_runs(db):
    alice = UserFactory()
    (row,) = notify.notify(recipients=[alice], kind="t", title="Once")
    assert notify.deliver(row.pk) == notify.Delivery.SENT
    assert notify.deliver(row.pk) == notify.Delivery.SKIPPED
    assert tasks.send_pending_notifications() == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_is_released_and_retried_by_the_sweep_after_a_wait(db, monkeypatch):
    alice = UserFactory()
    (row,) = notify.notify(recipients=[alice], kind="t", title="Retry me")

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        notify.deliver(row.pk)
    row.refresh_from_db()
    assert row.email_claimed_at is None and row.emailed_at is None
    assert row.email_attempts == 1
    assert row.send_after > timezone.now() + datetime.timedelta(seconds=100)
    monkeypatch.undo()
    assert tasks.send_pending_notifications() == 0  # not yet: it waits its turn
    with freeze_time(timezone.now() + datetime.timedelta(minutes=3)):
        assert tasks.send_pending_notifications() == 1
    assert len(mail.outbox) == 1


def test_an_e_mail_sent_again_keeps_its_message_id(db):
    alice = UserFactory()
    (row,) = notify.notify(recipients=[alice], kind="t", title="Same message")
    first = notify.build_email(row).message()["Message-ID"]
    assert first == f"<notification-{row.pk}@127.0.0.1>"
    assert notify.build_email(row).message()["Message-ID"] == first


@pytest.mark.django_db(transaction=True)
def test_a_sent_e_mail_is_recorded_once_the_database_is_back(monkeypatch):
    # Written straight to the outbox, so only the delivery below sends it.
    row = Notification.objects.create(
        recipient=UserFactory(), kind="t", title="Sent during a restart"
    )
    update = QuerySet.update
    failures = []

    def restarting(queryset, **kwargs):
        # The database goes away just after the e-mail has left, for two tries.
        if "emailed_at" in kwargs and len(failures) < 2:
            failures.append(kwargs)
            raise OperationalError("terminating connection due to administrator command")
        return update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", restarting)
    monkeypatch.setattr(notify, "RECORD_SENT_PAUSE", 0)
    assert notify.deliver(row.pk) == notify.Delivery.SENT
    assert len(failures) == 2
    row.refresh_from_db()
    assert row.emailed_at is not None
    monkeypatch.undo()
    # Recorded, so neither the sweep nor a later claim sends it again.
    assert tasks.send_pending_notifications() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_recording_gives_up_when_the_database_stays_away(monkeypatch):
    monkeypatch.setattr(
        QuerySet, "update", mock.Mock(side_effect=OperationalError("could not connect"))
    )
    with pytest.raises(OperationalError):
        notify.record_sent([1], patience=0, pause=0)


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_the_timeout(db):
    alice = UserFactory()
    (row,) = notify.notify(recipients=[alice], kind="t", title="Orphan")
    Notification.objects.filter(pk=row.pk).update(email_claimed_at=timezone.now())
    assert tasks.send_pending_notifications() == 0
    Notification.objects.filter(pk=row.pk).update(
        email_claimed_at=timezone.now() - notify.claim_timeout() - datetime.timedelta(seconds=1)
    )
    assert tasks.send_pending_notifications() == 1
    assert len(mail.outbox) == 1


def test_the_sweep_waits_for_send_after(db):
    alice = UserFactory()
    later = timezone.now() + datetime.timedelta(hours=2)
    notify.notify(recipients=[alice], kind="t", title="Later", send_after=later)
    assert tasks.send_pending_notifications() == 0
    Notification.objects.update(send_after=timezone.now() - datetime.timedelta(minutes=1))
    assert tasks.send_pending_notifications() == 1


@pytest.fixture
def unreachable_broker():
    """Point the Celery app at a port nothing listens on, and put it back afterwards."""
    from portal.celery import app

    keys = [
        "task_always_eager",
        "broker_url",
        "broker_transport_options",
        "broker_connection_timeout",
        "broker_connection_retry",
        "broker_connection_max_retries",
    ]
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:9/0",  # the discard port: connection refused
        broker_transport_options={"socket_connect_timeout": 1, "socket_timeout": 1},
        broker_connection_timeout=1,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
    )
    fresh_pools(app)
    yield app
    app.conf.update(saved)
    fresh_pools(app)


def fresh_pools(app):
    """Drop every connection pool (kombu keeps them per URL), so the next use builds anew."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def test_a_broker_that_is_down_does_not_fail_or_hold_up_the_request(
    as_user, member, manager, team, unreachable_broker, django_capture_on_commit_callbacks
):
    """The transition commits, the row waits in the outbox and the sweep sends it."""
    proposal = proposal_in_state(AccountRequest.State.DRAFT, team=team, applicant=member)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(member).post(
            reverse("accounts_requests:action", args=[proposal.pk, "submit"])
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 15
    proposal.refresh_from_db()
    assert proposal.state == AccountRequest.State.AWAITING_ENDORSEMENT
    row = Notification.objects.get(recipient=manager)
    assert row.emailed_at is None
    assert mail.outbox == []
    assert tasks.send_pending_notifications() == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]


# The notification pages


def test_the_unread_count_shows_in_the_navigation(as_user, member):
    notify.notify(recipients=[member], kind="t", title="One")
    notify.notify(recipients=[member], kind="t", title="Two")
    page = as_user(member).get(reverse("portal:notifications")).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in page


def test_a_long_unread_backlog_shows_as_99_plus(as_user, member):
    from portal.models import Notification

    Notification.objects.bulk_create(
        Notification(recipient=member, kind="t", title=f"Note {n}") for n in range(101)
    )
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert '99+<span class="visually-hidden"> unread, or more</span>' in page
    Notification.objects.filter(pk__in=Notification.objects.values("pk")[:2]).delete()
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert '99<span class="visually-hidden"> unread</span>' in page


def test_opening_a_notification_marks_it_read_and_goes_to_it(as_user, member):
    (row,) = notify.notify(recipients=[member], kind="t", title="Look", url="/proposals/")
    response = as_user(member).post(reverse("portal:notification_open", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/proposals/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_notification_never_redirects_off_site(as_user, member):
    (row,) = notify.notify(recipients=[member], kind="t", title="Bad", url="https://evil.test/")
    response = as_user(member).post(reverse("portal:notification_open", args=[row.pk]))
    assert response["Location"] == reverse("portal:notifications")


def test_someone_elses_notification_is_not_found(as_user, member, outsider):
    (row,) = notify.notify(recipients=[member], kind="t", title="Mine")
    response = as_user(outsider).post(reverse("portal:notification_open", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read(as_user, member, outsider):
    notify.notify(recipients=[member, outsider], kind="t", title="Both")
    as_user(member).post(reverse("portal:notifications_read_all"))
    assert Notification.objects.get(recipient=member).read_at is not None
    assert Notification.objects.get(recipient=outsider).read_at is None


def test_notifications_older_than_the_kept_days_are_deleted_by_the_nightly_job(db, settings):
    from portal.celery import BEAT_SCHEDULE

    settings.NOTIFICATION_KEEP_DAYS = 365
    person = UserFactory()
    now = timezone.now()

    def written(days_ago, **fields):
        note = Notification.objects.create(recipient=person, kind="test", title="t", **fields)
        Notification.objects.filter(pk=note.pk).update(
            created_at=now - datetime.timedelta(days=days_ago)
        )
        return note.pk

    old_read = written(400, read_at=now)
    old_unread = written(366)
    kept = [written(364), written(10, read_at=now)]

    assert notify.clear_old(now=now, batch=1) == 2
    assert sorted(Notification.objects.values_list("pk", flat=True)) == sorted(kept)
    assert not Notification.objects.filter(pk__in=[old_read, old_unread]).exists()
    assert tasks.clear_old_notifications() == 0
    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "portal.tasks.clear_old_notifications" in scheduled
