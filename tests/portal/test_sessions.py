"""Sessions: a new key at sign-in, gone at sign-out, expired when idle, ended when the
person is deactivated; and the cookie that carries them cannot be read or sent astray."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from portal import security
from portal.models import Session
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signed_in_client(user):
    client = Client()
    response = client.post(
        reverse("portal:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


def sessions_of(user):
    """Decoded from each session's data, not from the user column the portal keeps
    beside it, which is checked against the data here too."""
    found = []
    for session in Session.objects.all():
        owner = session.get_decoded().get("_auth_user_id")
        assert session.user_id == (int(owner) if owner else None)
        if owner == str(user.pk):
            found.append(session.session_key)
    return found


def is_signed_in(client):
    return client.get(reverse("portal:home")).status_code == 200


def test_signing_in_gives_a_new_session_key_and_drops_the_old_one(member):
    client = Client()
    before = client.session
    before["seen_welcome"] = True
    before.save()
    old_key = before.session_key
    client.cookies["sessionid"] = old_key
    client.post(reverse("portal:login"), {"username": member.username, "password": PASSWORD})
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert sessions_of(member) == [new_key]


def test_signing_out_deletes_the_session(member):
    client = signed_in_client(member)
    key = client.cookies["sessionid"].value
    assert client.get(reverse("portal:logout")).status_code == 405  # only by POST
    assert is_signed_in(client)
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)
    # Replaying the old cookie gets nothing either.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert not is_signed_in(replay)


def test_a_session_idle_longer_than_the_limit_expires(member, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        client = signed_in_client(member)
    # Each request moves the limit on: a working day of activity keeps the session.
    for hours in (7, 14, 21):
        with freeze_time(start + datetime.timedelta(hours=hours)):
            assert is_signed_in(client)
    with freeze_time(start + datetime.timedelta(hours=21 + 8, minutes=1)):
        assert not is_signed_in(client)


def test_the_idle_limit_is_set_and_moved_on_with_use():
    # The settings module as deployed (the test fixtures change the live settings).
    from portal import settings as deployed

    assert 0 < deployed.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert 0 < deployed.SESSION_RENEW_SECONDS <= 5 * 60
    assert not deployed.SESSION_SAVE_EVERY_REQUEST
    assert "portal.sessions.RenewIdleSessionMiddleware" in deployed.MIDDLEWARE


def test_a_session_is_written_at_most_once_a_minute_while_in_use(member, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    settings.SESSION_RENEW_SECONDS = 60
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        client = signed_in_client(member)
        assert is_signed_in(client)
    key = client.cookies["sessionid"].value

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    renewed = expiry()
    assert renewed == start + datetime.timedelta(hours=1)
    # Within the minute: pages are served without writing the session.
    with freeze_time(start + datetime.timedelta(seconds=59)):
        assert is_signed_in(client)
    assert expiry() == renewed
    # After it, the next page moves the limit on, and the cookie with it.
    later = start + datetime.timedelta(seconds=61)
    with freeze_time(later):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert expiry() == later + datetime.timedelta(hours=1)
    assert response.cookies["sessionid"]["max-age"] == 60 * 60


def _idle_box(page):
    """The idle warning's element on a page: its data attributes, or None."""
    found = re.search(r'<div class="modal" id="idle-warning"[^>]*>', page)
    if found is None:
        return None
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', found.group(0)))


def test_a_signed_in_page_says_when_to_warn_of_the_idle_sign_out(member, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    settings.SESSION_RENEW_SECONDS = 60
    settings.SESSION_WARN_SECONDS = 300
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        client = signed_in_client(member)
        box = _idle_box(client.get(reverse("portal:home")).content.decode())
    assert box["ends-in"] == "3600"
    assert box["warn-before"] == "300"
    assert box["keep-url"] == reverse("portal:stay_signed_in")
    # Within the minute the limit is not moved on, and the page says what is left of it.
    with freeze_time(start + datetime.timedelta(seconds=50)):
        box = _idle_box(client.get(reverse("portal:playbook")).content.decode())
    assert box["ends-in"] == "3550"
    # A limit shorter than twice the warning is warned of half way.
    settings.SESSION_COOKIE_AGE = 400
    with freeze_time(start + datetime.timedelta(seconds=120)):
        box = _idle_box(client.get(reverse("portal:home")).content.decode())
    assert box["warn-before"] == "200"


def test_every_signed_in_answer_says_how_long_its_session_has_left(member, settings, client):
    settings.SESSION_COOKIE_AGE = 60 * 60
    settings.SESSION_RENEW_SECONDS = 60
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        signed_in = signed_in_client(member)
    with freeze_time(start + datetime.timedelta(seconds=30)):
        response = signed_in.get(reverse("portal:home"))
        assert response["X-Session-Ends-In"] == _idle_box(response.content.decode())["ends-in"]
        assert response["X-Session-Ends-In"] == "3600"
    with freeze_time(start + datetime.timedelta(seconds=40)):
        # Within the minute the limit is not moved on: ten seconds of it have gone.
        assert signed_in.get(reverse("portal:playbook"))["X-Session-Ends-In"] == "3590"
        signed_out = signed_in.post(reverse("portal:logout"))
    assert "X-Session-Ends-In" not in signed_out
    assert "X-Session-Ends-In" not in client.get(reverse("portal:welcome"))


def test_a_signed_out_page_has_no_idle_warning(client):
    assert _idle_box(client.get(reverse("portal:welcome")).content.decode()) is None
    assert _idle_box(client.get(reverse("portal:login")).content.decode()) is None


def test_staying_signed_in_moves_the_idle_limit_on_at_once(member, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    settings.SESSION_RENEW_SECONDS = 60
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        client = signed_in_client(member)
        assert is_signed_in(client)
    key = client.cookies["sessionid"].value
    # Within the minute a page would not move it on; staying signed in does.
    later = start + datetime.timedelta(seconds=30)
    with freeze_time(later):
        response = client.post(reverse("portal:stay_signed_in"))
    assert response.status_code == 200
    assert response.json() == {"ends_in": 3600}
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry == later + datetime.timedelta(hours=1)
    with freeze_time(later + datetime.timedelta(minutes=59)):
        assert is_signed_in(client)


def test_staying_signed_in_needs_a_session_and_a_post(client, member):
    response = client.post(reverse("portal:stay_signed_in"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert Session.objects.count() == 0
    assert signed_in_client(member).get(reverse("portal:stay_signed_in")).status_code == 405


def test_staying_signed_in_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(reverse("portal:stay_signed_in")).status_code == 403


def test_a_visitor_who_has_not_signed_in_gets_no_session(client):
    assert client.get(reverse("portal:login")).status_code == 200
    assert "sessionid" not in client.cookies
    assert not Session.objects.exists()


def test_deactivating_a_person_ends_their_sessions_at_once(comms, member, manager):
    laptop, phone = signed_in_client(member), signed_in_client(member)
    colleague = signed_in_client(manager)
    assert len(sessions_of(member)) == 2
    response = signed_in_client(comms).post(
        reverse("portal:user_deactivate", args=[member.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    assert sessions_of(member) == []
    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert len(sessions_of(manager)) == 1 and is_signed_in(colleague)


def test_deactivating_in_the_admin_or_a_script_ends_sessions_too(member):
    client = signed_in_client(member)
    member.is_active = False
    member.save()
    assert sessions_of(member) == []
    assert not is_signed_in(client)


def test_a_deactivated_persons_surviving_session_is_refused_on_the_next_request(member):
    # Even a session that outlived the deactivation (an update that skipped the model's
    # save) lets nobody in: authentication refuses an inactive user on every request.
    client = signed_in_client(member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert len(sessions_of(member)) == 1
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_saving_an_active_person_leaves_their_sessions_alone(member):
    client = signed_in_client(member)
    member.first_name = "Renamed"
    member.save()
    assert len(sessions_of(member)) == 1 and is_signed_in(client)
    assert security.end_sessions(UserFactory()) == 0


def test_ending_sessions_touches_no_one_elses(member, comms):
    mine, theirs = signed_in_client(member), signed_in_client(comms)
    anonymous = Client()
    anonymous.get(reverse("portal:login"))  # a session with no one signed in
    assert security.end_sessions(member) == 1
    assert sessions_of(member) == [] and not is_signed_in(mine)
    assert len(sessions_of(comms)) == 1 and is_signed_in(theirs)


def test_the_cookies_are_http_only_same_site_and_secure_over_https(member, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()
    client.get(reverse("portal:login"), secure=True)
    response = client.post(
        reverse("portal:login"),
        {"username": member.username, "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"], name
        assert cookie["httponly"], name
        assert cookie["samesite"] in ("Lax", "Strict"), name


def test_expired_sessions_are_cleared_every_night(member):
    from portal.celery import BEAT_SCHEDULE
    from portal.tasks import clear_expired_sessions

    assert "portal.tasks.clear_expired_sessions" in {e["task"] for e in BEAT_SCHEDULE.values()}
    stale, fresh = signed_in_client(member), signed_in_client(member)
    Session.objects.filter(session_key=stale.cookies["sessionid"].value).update(
        expire_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert clear_expired_sessions() == 1
    assert sessions_of(member) == [fresh.cookies["sessionid"].value]
    assert is_signed_in(fresh)


def test_the_admin_lists_who_is_signed_in_without_any_session_key(member, admin_client):
    client = signed_in_client(member)
    key = client.cookies["sessionid"].value
    page = admin_client.get(reverse("admin:portal_session_changelist"))
    assert page.status_code == 200
    assert str(member.pk) in page.content.decode()
    assert key not in page.content.decode()
    assert admin_client.get(f"/admin/portal/session/{key}/change/").status_code in (302, 403)
