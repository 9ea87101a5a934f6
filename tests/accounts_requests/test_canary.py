"""A canary secret goes through a whole journey and a forced error in the reveal view,
and is then looked for everywhere it must never be: the PostgreSQL dump, the history
tables, the logs, the e-mails sent, the Redis queue, the admin and every page but the
reveal page.

Runs against the real PostgreSQL and Redis (committed data, real broker messages).
"""

import base64
import datetime
import json
import logging
import subprocess
import sys

import pytest
import redis
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from accounts_requests import views_vault
from accounts_requests.models import Credential, ManagedAccount, Platform
from portal.celery import app as celery_app
from portal.tasks import send_pending_notifications
from tests import factories
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

CANARY_LOGIN = "canary-login-5d1f@example.nhs.uk"
CANARY_PASSWORD = "CANARY-pw-7f3a9c2e51"
CANARY_NOTES = "CANARY-recovery-b62e0d"
CANARY_NEW_PASSWORD = "CANARY-new-pw-91ac44"
CANARIES = (CANARY_LOGIN, CANARY_PASSWORD, CANARY_NOTES, CANARY_NEW_PASSWORD)


def _found_in(text):
    return [canary for canary in CANARIES if canary in text]


class Pages:
    """A signed-in client that remembers every page it was given."""

    seen = []

    def __init__(self, user):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)

    def get(self, url, **kwargs):
        return self._keep(url, self.client.get(url, **kwargs))

    def post(self, url, data=None):
        return self._keep(url, self.client.post(url, data or {}))

    def _keep(self, url, response):
        self.seen.append((url, response.status_code, response.content.decode()))
        return response


def _redis_texts(client):
    """Every value in the Redis database, with Celery message bodies decoded."""
    texts = []
    for key in client.scan_iter():
        kind = client.type(key).decode()
        if kind == "string":
            values = [client.get(key)]
        elif kind == "list":
            values = client.lrange(key, 0, -1)
        elif kind == "set":
            values = list(client.smembers(key))
        elif kind == "hash":
            values = [v for pair in client.hgetall(key).items() for v in pair]
        elif kind == "zset":
            values = client.zrange(key, 0, -1)
        else:
            values = []
        for value in values:
            text = value.decode(errors="replace")
            texts.append(text)
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict) and "body" in message:
                texts.append(base64.b64decode(message["body"]).decode(errors="replace"))
    return texts


@pytest.fixture
def broker(require_redis, settings):
    """Tasks go to the real Redis queue instead of running in the test."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    before = set(client.lrange("celery", 0, -1))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield client
    celery_app.conf.task_always_eager = True
    for item in set(client.lrange("celery", 0, -1)) - before:
        client.lrem("celery", 0, item)


@pytest.fixture
def error_reports():
    """What an error e-mail to the administrators would say, for each request that fails."""
    reports = []

    def keep(sender, request=None, **kwargs):
        exc_info = sys.exc_info()
        reporter = ExceptionReporter(request, *exc_info, is_email=True)
        reports.append(reporter.get_traceback_text() + reporter.get_traceback_html())

    got_request_exception.connect(keep, weak=False)
    yield reports
    got_request_exception.disconnect(keep)


def test_the_canary_is_found_nowhere_it_must_not_be(
    require_postgres, broker, error_reports, settings, caplog, monkeypatch
):
    settings.DEBUG = False
    caplog.set_level(logging.DEBUG)
    Pages.seen = []

    team = factories.TeamFactory(name="Perinatal Mental Health")
    comms_team = factories.TeamFactory(name="Communications", is_communications=True)
    member = factories.member_of(team, username="member")
    manager = factories.member_of(team, "manager", username="manager")
    leaver = factories.member_of(team, username="leaver")
    comms = factories.with_role(factories.ROLES.COMMS, username="comms")
    head = factories.with_role(factories.ROLES.HEAD_OF_COMMS, username="head")
    for person in (comms, head):
        factories.MembershipFactory(team=comms_team, user=person)
    auditor = factories.with_role(factories.ROLES.AUDITOR, username="auditor")
    superuser = factories.UserFactory(is_staff=True, is_superuser=True, username="root")
    account = factories.managed_account(
        team=team,
        state=ManagedAccount.State.SETTING_UP,
        platform=Platform.INSTAGRAM,
        name="Perinatal Peers",
        handle="",
        url="",
    )
    url = account.get_absolute_url()
    team_pages, comms_pages = Pages(member), Pages(comms)

    # The team sets the account up and lodges the canary, once with a mistake first.
    lodge = reverse("accounts_requests:credentials", args=[account.pk])
    response = team_pages.post(
        lodge, {"login": CANARY_LOGIN, "password": CANARY_PASSWORD, "notes": "x" * 2001}
    )
    assert response.status_code == 400
    response = team_pages.post(
        lodge, {"login": CANARY_LOGIN, "password": CANARY_PASSWORD, "notes": CANARY_NOTES}
    )
    assert response.status_code == 302
    team_pages.post(
        reverse("accounts_requests:account_setup", args=[account.pk]),
        {
            "handle": "@perinatal_peers",
            "url": "https://www.instagram.com/perinatal_peers",
            "comms_admin": "on",
            "verified_badge": "on",
        },
    )
    for person in (member, leaver):
        team_pages.post(
            reverse("accounts_requests:moderator_add", args=[account.pk]),
            {"user": person.pk, "role": "moderator"},
        )
    team_pages.get(url)

    # Comms verify it; it is on the public register.
    response = comms_pages.post(reverse("accounts_requests:account_verify", args=[account.pk]))
    assert response.status_code == 302
    Pages(member)._keep("public", Client().get(reverse("accounts_requests:public_register")))

    # Comms reveal it: the one page allowed to show it.
    reveal = reverse("accounts_requests:reveal", args=[account.pk])
    comms_pages.get(reveal)
    comms_pages.post(reveal, {"password": "wrong-password", "reason": "Checking access works"})
    shown = comms_pages.client.post(
        reveal, {"password": PASSWORD, "reason": "Checking access works"}
    )
    assert shown.status_code == 200
    assert CANARY_PASSWORD in shown.content.decode()  # the search below can find it

    # A forced error while the reveal page is being shown.
    real_render = views_vault.render

    def failing_render(request, template, context=None, **kwargs):
        if context and "secret" in context:
            raise RuntimeError("Forced failure while showing the page")
        return real_render(request, template, context, **kwargs)

    monkeypatch.setattr(views_vault, "render", failing_render)
    crashed = comms_pages.post(reveal, {"password": PASSWORD, "reason": "Checking the error page"})
    assert crashed.status_code == 500
    monkeypatch.undo()
    assert error_reports, "the forced error was not reported"

    # The team changes the password and reports it, with one bad try; then a compromise.
    notice = reverse("accounts_requests:notice_create", args=[account.pk])
    form = {
        "what_changed": "password",
        "reason": "routine",
        "changed_at": (timezone.localtime() + datetime.timedelta(days=3)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "password": CANARY_NEW_PASSWORD,
    }
    assert team_pages.post(notice, form).status_code == 400
    form["changed_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert team_pages.post(notice, form).status_code == 302
    form.update(reason="compromise", password=CANARY_NEW_PASSWORD)
    assert team_pages.post(notice, form).status_code == 302
    comms_pages.get(url)
    for notice_row in account.notices.all():
        comms_pages.post(reverse("accounts_requests:notice_acknowledge", args=[notice_row.pk]))
    comms_pages.post(
        reverse("accounts_requests:incident_resolve", args=[account.pk]),
        {"comment": "Password changed again; nothing posted."},
    )

    # A moderator leaves.
    comms_pages.post(reverse("portal:user_deactivate", args=[leaver.pk]), {"confirm": "on"})

    # Everyone reads what they may: the register, the account, home, notifications, admin.
    for pages in (team_pages, comms_pages, Pages(auditor), Pages(manager), Pages(head)):
        for page in (
            url,
            reverse("accounts_requests:account_list"),
            reverse("portal:home"),
            reverse("portal:notifications"),
        ):
            pages.get(page)
    admin_pages = Pages(superuser)
    credential = Credential.objects.get(account=account)
    for model in (
        "credential",
        "credentialreveal",
        "credentialchangenotice",
        "managedaccount",
        "securityincident",
        "rotationtask",
        "accountmoderator",
        "accountsetup",
    ):
        admin_pages.get(reverse(f"admin:accounts_requests_{model}_changelist"))
    admin_pages.get(reverse("admin:accounts_requests_credential_change", args=[credential.pk]))
    admin_pages.get(reverse("admin:accounts_requests_credential_history", args=[credential.pk]))
    admin_pages.get(reverse("admin:portal_notification_changelist"))

    # E-mails go out through the outbox sweep (the queued tasks stay in Redis).
    send_pending_notifications()
    assert mail.outbox, "no e-mails were sent, so the check below would prove nothing"

    # 1. Pages: only the successful reveal showed it (it was kept apart above).
    leaks = [(u, s) for u, s, body in Pages.seen if _found_in(body)]
    assert leaks == []
    assert _found_in(crashed.content.decode()) == []

    # 2. Error reports of the forced error.
    assert all(_found_in(report) == [] for report in error_reports)

    # 3. Logs.
    assert any(r.levelno >= logging.ERROR for r in caplog.records)  # the forced error
    assert _found_in(caplog.text) == []
    assert all(_found_in(r.getMessage()) == [] for r in caplog.records)

    # 4. E-mails.
    for message in mail.outbox:
        parts = [message.subject, message.body] + [c for c, _ in message.alternatives]
        assert _found_in("\n".join(parts)) == []

    # 5. The Redis queue: real messages were published, none holds the canary.
    texts = _redis_texts(broker)
    assert any("portal.tasks.send_notification_emails" in t for t in texts)
    assert all(_found_in(text) == [] for text in texts)

    # 6. The history tables.
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            for row in model.objects.values():
                assert _found_in(str(row)) == [], model.__name__

    # 7. The whole database, as pg_dump writes it.
    db = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"},
    ).stdout
    assert "accounts_requests_credential" in dump
    assert credential.ciphertext[:40] in dump  # the row is there, encrypted
    assert _found_in(dump) == []
