"""Sign-in is throttled per user name and address together, for a while and no longer."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from portal import security
from tests.factories import PASSWORD, UserFactory

OFFICE = "203.0.113.10"  # one NAT address for a whole site
HOME = "198.51.100.7"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    settings.TRUSTED_PROXY_COUNT = 0


def sign_in(username, password, address, **headers):
    client = Client()
    response = client.post(
        reverse("portal:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )
    return client, response


def lock(username, address, **headers):
    for _ in range(3):
        sign_in(username, "wrong-password", address, **headers)


def signed_in(response):
    return response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_the_settings_count_user_name_and_address_together_for_a_finite_while():
    from django.conf import settings

    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME.total_seconds() > 0
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_RESET_ON_SUCCESS


def test_too_many_wrong_passwords_pause_sign_in_with_a_clear_message(alice):
    lock("alice", OFFICE)
    _, response = sign_in("alice", PASSWORD, OFFICE)
    assert response.status_code == 429
    page = response.content.decode()
    assert "<h1>Sign-in paused</h1>" in page
    assert 'role="alert"' in page
    assert "try again in 15 minutes" in page
    # The way out is the person's own reset link, which nobody else can give them.
    assert f'href="{reverse("portal:password_reset")}"' in page
    assert "_auth_user_id" not in _.session


def test_locking_one_user_from_an_address_leaves_others_at_that_address_alone(alice, bob):
    lock("alice", OFFICE)
    _, response = sign_in("bob", PASSWORD, OFFICE)
    assert signed_in(response)


def test_locking_a_user_from_one_address_leaves_them_free_from_another(alice):
    lock("alice", OFFICE)
    _, response = sign_in("alice", PASSWORD, HOME)
    assert signed_in(response)
    _, response = sign_in("alice", PASSWORD, OFFICE)
    assert response.status_code == 429


def test_a_forged_forwarded_for_neither_dodges_nor_moves_a_lock(alice):
    lock("alice", OFFICE)
    # Claiming to be somewhere else does not get round the lock...
    _, response = sign_in("alice", PASSWORD, OFFICE, HTTP_X_FORWARDED_FOR=HOME)
    assert response.status_code == 429
    # ...and failures sent with a forged header count against the real address only.
    lock("alice", HOME, HTTP_X_FORWARDED_FOR=OFFICE)
    _, response = sign_in("alice", PASSWORD, "192.0.2.99", HTTP_X_FORWARDED_FOR=OFFICE)
    assert signed_in(response)


def test_the_lock_ends_after_the_cool_off(alice):
    with freeze_time("2026-03-02 10:00:00"):
        lock("alice", OFFICE)
        assert sign_in("alice", PASSWORD, OFFICE)[1].status_code == 429
    with freeze_time("2026-03-02 10:14:00"):
        assert sign_in("alice", PASSWORD, OFFICE)[1].status_code == 429
    with freeze_time("2026-03-02 10:16:00"):
        assert signed_in(sign_in("alice", PASSWORD, OFFICE)[1])


def test_a_successful_sign_in_clears_the_count(alice):
    for _ in range(2):
        sign_in("alice", "wrong-password", OFFICE)
    assert signed_in(sign_in("alice", PASSWORD, OFFICE)[1])
    for _ in range(2):
        sign_in("alice", "wrong-password", OFFICE)
    assert signed_in(sign_in("alice", PASSWORD, OFFICE)[1])


def test_behind_trusted_proxies_the_address_is_the_one_our_proxy_saw(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote its own "HOME" in front; our proxy appended the real OFFICE address.
    forged_then_real = f"{HOME}, {OFFICE}"
    lock("alice", "10.0.0.2", HTTP_X_FORWARDED_FOR=forged_then_real)
    _, response = sign_in("alice", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR=f"{OFFICE}")
    assert response.status_code == 429
    _, response = sign_in("alice", PASSWORD, "10.0.0.2", HTTP_X_FORWARDED_FOR=HOME)
    assert signed_in(response)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.2"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "2.2.2.2"),
        (2, "3.3.3.3", "10.0.0.2"),  # fewer hops than proxies: the header is not ours
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_reads_forwarded_for_only_as_far_as_our_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert security.client_ip(request) == expected


def test_an_overlong_user_name_is_a_wrong_sign_in_not_a_server_error(alice):
    from axes.models import AccessAttempt

    overlong = "a" * 300
    _, response = sign_in(overlong, "p" * 300, OFFICE, HTTP_USER_AGENT="U" * 400)
    assert response.status_code == 200
    assert "_auth_user_id" not in _.session
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == "a" * 150
    # Long names still count towards a lock, as the name they are cut to.
    lock(overlong + "b", OFFICE)
    assert sign_in(overlong, "p", OFFICE)[1].status_code == 429
    assert signed_in(sign_in("alice", PASSWORD, OFFICE)[1])


def test_sign_in_records_are_kept_for_a_set_time_then_deleted_by_the_nightly_job(
    alice, bob, settings
):
    from axes.models import AccessAttempt, AccessLog

    from portal import tasks
    from portal.celery import BEAT_SCHEDULE

    settings.SIGN_IN_RECORDS_KEEP_DAYS = 90
    with freeze_time("2026-06-01 09:00"):
        _, response = sign_in("alice", PASSWORD, OFFICE)
        assert signed_in(response)
    with freeze_time("2026-08-20 09:00"):
        assert signed_in(sign_in("bob", PASSWORD, HOME)[1])
        sign_in("alice", "wrong-password", HOME)
    assert AccessLog.objects.count() == 2
    assert AccessAttempt.objects.count() == 1

    with freeze_time("2026-08-31 09:00"):  # 91 days after alice's, 11 after bob's
        assert tasks.clear_old_sign_in_records() == {
            "sign_ins": 1,
            "failure_counts": 1,
            "reset_requests": 0,
        }
    assert list(AccessLog.objects.values_list("username", "ip_address")) == [("bob", HOME)]
    assert not AccessAttempt.objects.exists()
    with freeze_time("2026-08-31 09:00"):
        assert tasks.clear_old_sign_in_records() == {
            "sign_ins": 0,
            "failure_counts": 0,
            "reset_requests": 0,
        }
    tasks_run = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "portal.tasks.clear_old_sign_in_records" in tasks_run


def test_a_pause_still_running_keeps_its_count(alice):
    from axes.models import AccessAttempt

    from portal import tasks

    with freeze_time("2026-08-20 09:00"):
        lock("alice", OFFICE)
    with freeze_time("2026-08-20 09:10"):
        assert tasks.clear_old_sign_in_records()["failure_counts"] == 0
        assert not signed_in(sign_in("alice", PASSWORD, OFFICE)[1])
    assert AccessAttempt.objects.filter(username="alice").exists()
