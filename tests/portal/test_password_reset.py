"""Forgotten passwords: a link by e-mail that works once and for an hour, the same answer
whether or not the address is known, a limit on requests, and a notice to the owner
whenever a password changes."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from portal import passwords
from portal.models import Notification, Session
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-Fresh-passphrase-2026"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="Alice.Jones@trust.example.nhs.uk")


def ask(email, address="192.0.2.10"):
    return Client().post(reverse("portal:password_reset"), {"email": email}, REMOTE_ADDR=address)


def link_in(message):
    return re.search(r"https?://\S+/password/new/\S+/", message.body).group(0)


def path_of(link):
    return re.sub(r"^https?://[^/]+", "", link)


def signed_in(client):
    return client.get(reverse("portal:home")).status_code == 200


def test_the_link_sets_a_new_password_and_signs_out_everywhere(
    alice, django_capture_on_commit_callbacks
):
    elsewhere = Client()
    elsewhere.force_login(alice)
    response = ask("alice.jones@TRUST.example.nhs.uk")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["Alice.Jones@trust.example.nhs.uk"]
    assert "alice" in message.body and "60 minutes" in message.body
    assert PASSWORD not in message.body

    client = Client()
    form = client.get(path_of(link_in(message)), follow=True)
    assert "Choose a new password" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert done["Location"] == reverse("portal:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not Session.objects.filter(user_id=alice.pk).exists()
    assert not signed_in(elsewhere)

    notice = Notification.objects.get(recipient=alice, kind="portal.password_changed")
    assert notice.urgent and "from the link in a password e-mail" in notice.body
    [told] = mail.outbox[1:]
    assert told.to == [alice.email] and "password was changed" in told.subject

    # The link works once.
    again = Client().get(path_of(link_in(message)), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(alice):
    known, unknown = ask("alice.jones@trust.example.nhs.uk"), ask("nobody@trust.example.nhs.uk")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_nobody_inactive_or_kept_from_signing_in_with_a_password_is_sent_a_link(db):
    UserFactory(email="left@trust.example.nhs.uk", is_active=False)
    # No password, and has signed in before (another way): not one to give a password to.
    blocked = UserFactory(email="blocked@trust.example.nhs.uk", last_login="2026-12-01T09:00Z")
    blocked.set_unusable_password()
    blocked.save()
    ask("left@trust.example.nhs.uk")
    ask("blocked@trust.example.nhs.uk")
    assert mail.outbox == []


def test_the_link_stops_working_after_an_hour(alice):
    with freeze_time("2026-12-07 09:00"):
        ask("alice.jones@trust.example.nhs.uk")
    path = path_of(link_in(mail.outbox[0]))
    with freeze_time("2026-12-07 09:59"):
        assert "Choose a new password" in Client().get(path, follow=True).content.decode()
    with freeze_time("2026-12-07 10:01"):
        assert "This link no longer works" in Client().get(path, follow=True).content.decode()


def test_a_tampered_link_does_not_work(alice):
    ask("alice.jones@trust.example.nhs.uk")
    path = path_of(link_in(mail.outbox[0]))
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    page = Client().get(tampered, follow=True).content.decode()
    assert "This link no longer works" in page


def test_requests_are_limited_per_e_mail_and_per_network_address(alice, db):
    for n in range(passwords.PER_EMAIL_PER_HOUR + 2):
        assert ask("alice.jones@trust.example.nhs.uk", address=f"192.0.2.{n}").status_code == 302
    assert len(mail.outbox) == passwords.PER_EMAIL_PER_HOUR

    mail.outbox.clear()
    people = [
        UserFactory(email=f"person{n}@trust.example.nhs.uk")
        for n in range(passwords.PER_ADDRESS_PER_HOUR + 1)
    ]
    for person in people:
        ask(person.email, address="198.51.100.7")
    assert len(mail.outbox) == passwords.PER_ADDRESS_PER_HOUR


def test_the_limits_hold_across_web_processes_and_keep_no_address(alice, db):
    from django.core.cache import cache

    from portal import tasks
    from portal.models import ResetRequest

    with freeze_time("2026-12-07 09:00"):
        for n in range(passwords.PER_EMAIL_PER_HOUR):
            ask("alice.jones@trust.example.nhs.uk", address=f"192.0.2.{n}")
    # Another web process has nothing in memory of these: the count is in the database.
    cache.clear()
    with freeze_time("2026-12-07 09:30"):
        ask("alice.jones@trust.example.nhs.uk", address="192.0.2.99")
    assert len(mail.outbox) == passwords.PER_EMAIL_PER_HOUR
    kept = " ".join(ResetRequest.objects.values_list("key", flat=True))
    assert "alice" not in kept.lower() and "192.0.2" not in kept
    # An hour on, the earliest no longer count, and go as the next is counted.
    with freeze_time("2026-12-07 10:01"):
        ask("alice.jones@trust.example.nhs.uk", address="192.0.2.100")
    assert len(mail.outbox) == passwords.PER_EMAIL_PER_HOUR + 1
    assert ResetRequest.objects.filter(kind="email").count() == 2
    kept = ResetRequest.objects.count()
    with freeze_time("2026-12-07 11:02"):
        assert tasks.clear_old_sign_in_records()["reset_requests"] == kept
    assert not ResetRequest.objects.exists()


def test_a_bad_address_is_explained_and_kept(db):
    response = Client().post(reverse("portal:password_reset"), {"email": "not an address"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "valid email address" in page and 'value="not an address"' in page
    empty = Client().post(reverse("portal:password_reset"), {"email": ""}).content.decode()
    assert "Enter your work e-mail address." in empty


def test_a_weak_new_password_is_refused_and_nothing_changes(alice):
    ask("alice.jones@trust.example.nhs.uk")
    client = Client()
    form = client.get(path_of(link_in(mail.outbox[0])), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert not Notification.objects.filter(kind="portal.password_changed").exists()


def test_the_request_form_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:password_reset"), {"email": alice.email})
    assert response.status_code == 403
    assert mail.outbox == []


def test_changing_a_password_while_signed_in_tells_its_owner(alice):
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse("portal:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    notice = Notification.objects.get(recipient=alice, kind="portal.password_changed")
    assert "while signed in" in notice.body
    assert signed_in(client)  # the session that made the change carries on


def test_the_sign_in_page_offers_the_way_back_in(db):
    page = Client().get(reverse("portal:login")).content.decode()
    assert reverse("portal:password_reset") in page


def test_with_the_broker_down_the_link_is_sent_from_the_request(alice, monkeypatch):
    from portal import tasks

    def down(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr(tasks.send_password_reset, "apply_async", down)
    assert ask("alice.jones@trust.example.nhs.uk").status_code == 302
    [message] = mail.outbox
    assert message.to == [alice.email]
