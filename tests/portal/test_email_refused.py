"""An address the mail server refuses for good is flagged on the person, the
communications team is told once, and correcting the address clears it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from portal import notify, tasks
from portal.models import Notification

LONDON = ZoneInfo("Europe/London")
MONDAY_9 = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=LONDON)


@pytest.fixture
def dead_address(settings, manager):
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusesDeadAddressesBackend"
    settings.NOTIFICATION_EMAIL_ATTEMPTS = 2
    manager.email = "dead.manager@nhs.example"
    manager.save(update_fields=["email"])
    return manager


def give_up_on_one(person, capture):
    """Write one notification to ``person`` and let the outbox try it until it gives up."""
    with freeze_time(MONDAY_9), capture(execute=True):
        [note] = notify.notify(recipients=[person], kind="reminder.test", title="Waiting")
    for _ in range(5):
        note.refresh_from_db()
        if note.email_given_up_at is not None:
            return note
        with freeze_time(note.send_after), capture(execute=True):
            tasks.send_pending_notifications()
    raise AssertionError("The outbox never gave up")


def told_of_refusals():
    return Notification.objects.filter(kind="portal.email_refused")


def test_giving_up_flags_the_address_and_tells_comms_once(
    dead_address, comms, head, django_capture_on_commit_callbacks
):
    note = give_up_on_one(dead_address, django_capture_on_commit_callbacks)
    dead_address.refresh_from_db()
    assert dead_address.email_refused_at == note.email_given_up_at
    told = told_of_refusals()
    assert sorted(told.values_list("recipient__username", flat=True)) == ["comms", "head"]
    assert {row.url for row in told} == {reverse("portal:people") + "?refused=1"}
    assert "dead.manager@nhs.example" not in "".join(row.title + row.body for row in told)

    # Another e-mail given up on: the team already knows.
    give_up_on_one(dead_address, django_capture_on_commit_callbacks)
    assert told_of_refusals().count() == 2
    dead_address.refresh_from_db()
    assert dead_address.email_refused_at == note.email_given_up_at


def test_a_refused_comms_officer_is_not_told_of_their_own_address(
    settings, comms, head, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusesDeadAddressesBackend"
    settings.NOTIFICATION_EMAIL_ATTEMPTS = 1
    comms.email = "dead.comms@nhs.example"
    comms.save(update_fields=["email"])
    give_up_on_one(comms, django_capture_on_commit_callbacks)
    assert list(told_of_refusals().values_list("recipient__username", flat=True)) == ["head"]


def test_a_server_away_flags_nobody(settings, manager, comms, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusingBackend"
    with freeze_time(MONDAY_9), django_capture_on_commit_callbacks(execute=True):
        notify.notify(recipients=[manager], kind="reminder.test", title="Waiting")
    manager.refresh_from_db()
    assert manager.email_refused_at is None and not told_of_refusals().exists()


def test_the_people_page_shows_and_finds_refused_addresses(
    dead_address, comms, member, as_user, django_capture_on_commit_callbacks
):
    give_up_on_one(dead_address, django_capture_on_commit_callbacks)
    client = as_user(comms)
    everyone = client.get(reverse("portal:people")).content.decode()
    assert everyone.count(">Refused</span>") == 1
    assert "Our e-mails to this address have been refused since 9 Mar 2026" in everyone
    refused = client.get(reverse("portal:people"), {"refused": "1"}).content.decode()
    assert dead_address.username in refused and member.username not in refused
    assert 'id="people-refused" name="refused" value="1" checked' in refused


def test_correcting_the_address_clears_the_flag(
    dead_address, comms, as_user, django_capture_on_commit_callbacks
):
    give_up_on_one(dead_address, django_capture_on_commit_callbacks)
    client = as_user(comms)
    page = client.get(reverse("portal:person_edit", args=[dead_address.pk])).content.decode()
    assert "Our e-mails to dead.manager@nhs.example are refused." in page

    # Saving with the same address changes nothing about the flag.
    form = {"first_name": "Mo", "last_name": "Manager", "email": "dead.manager@nhs.example"}
    client.post(reverse("portal:person_edit", args=[dead_address.pk]), form)
    dead_address.refresh_from_db()
    assert dead_address.first_name == "Mo" and dead_address.email_refused_at is not None

    form["email"] = "mo.manager@nhs.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:person_edit", args=[dead_address.pk]), form)
    dead_address.refresh_from_db()
    assert dead_address.email_refused_at is None
    assert ">Refused</span>" not in client.get(reverse("portal:people")).content.decode()


def test_the_person_sees_on_their_settings_that_e_mail_is_refused(
    dead_address, member, as_user, django_capture_on_commit_callbacks
):
    settings_url = reverse("portal:notification_settings")
    warning = "Our e-mails to this address are being refused."
    assert warning not in as_user(dead_address).get(settings_url).content.decode()
    give_up_on_one(dead_address, django_capture_on_commit_callbacks)
    assert warning in as_user(dead_address).get(settings_url).content.decode()
    assert warning not in as_user(member).get(settings_url).content.decode()


@pytest.mark.parametrize("role", ["manager", "member", "auditor", "staff"])
def test_only_comms_find_refused_addresses(people, role, as_user):
    response = as_user(people[role]).get(reverse("portal:people"), {"refused": "1"})
    assert response.status_code == 403


def test_a_refused_sender_or_message_marks_no_address(
    settings, manager, comms, django_capture_on_commit_callbacks
):
    """A 5xx about the sender or the message is given up on, but says nothing of the
    recipient's address."""
    settings.EMAIL_BACKEND = "tests.portal.mail_backends.RefusesTheSenderBackend"
    settings.NOTIFICATION_EMAIL_ATTEMPTS = 1
    note = give_up_on_one(manager, django_capture_on_commit_callbacks)
    assert note.email_given_up_at is not None
    manager.refresh_from_db()
    assert manager.email_refused_at is None and not told_of_refusals().exists()


def test_an_e_mail_that_goes_clears_the_mark(
    settings, dead_address, comms, django_capture_on_commit_callbacks
):
    give_up_on_one(dead_address, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with freeze_time(MONDAY_9), django_capture_on_commit_callbacks(execute=True):
        notify.notify(recipients=[dead_address], kind="reminder.test", title="Waiting again")
    dead_address.refresh_from_db()
    assert dead_address.email_refused_at is None


def test_someone_deactivated_is_not_listed_as_refused(
    dead_address, comms, as_user, django_capture_on_commit_callbacks
):
    give_up_on_one(dead_address, django_capture_on_commit_callbacks)
    dead_address.is_active = False
    dead_address.save(update_fields=["is_active"])
    page = as_user(comms).get(reverse("portal:people"), {"refused": "1"}).content.decode()
    assert dead_address.username not in page and "Nobody matches." in page
