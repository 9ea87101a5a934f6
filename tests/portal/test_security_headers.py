"""Every kind of answer carries the same protective headers: pages, refusals, errors and
downloads alike, and no template has script the Content Security Policy would have to allow.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.evidence import clean_upload
from tests import factories
from tests.moderation.helpers import log_entry, png_bytes, upload

ROOT = Path(__file__).resolve().parents[2]
YEAR = 365 * 24 * 60 * 60


@pytest.fixture(autouse=True)
def _production_security(settings):
    """The HTTPS settings production turns on (see portal/settings.py)."""
    settings.SECURE_HSTS_SECONDS = YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.DEBUG = False


def directives(policy):
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            assert words[0] not in parsed, f"{words[0]} given twice in {policy!r}"
            parsed[words[0]] = words[1:]
    return parsed


def assert_protected(response):
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in headers
    assert policy.count("default-src") == 1, "one policy, not two joined"
    found = directives(policy)
    assert found["object-src"] == ["'none'"]
    scripts = found.get("script-src", found["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "*" not in scripts
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    hsts = headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= YEAR
    assert "includeSubDomains" in hsts


def secure_client(user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_a_page_carries_the_headers(member):
    response = secure_client(member).get(reverse("portal:home"), secure=True)
    assert response.status_code == 200
    assert_protected(response)


def test_a_public_page_carries_the_headers(db):
    response = secure_client().get(reverse("portal:welcome"), secure=True)
    assert response.status_code == 200
    assert_protected(response)


def test_a_refusal_carries_the_headers(member):
    response = secure_client(member).get(reverse("portal:people"), secure=True)
    assert response.status_code == 403
    assert_protected(response)


def test_a_missing_page_carries_the_headers(member):
    response = secure_client(member).get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert_protected(response)


def test_a_server_error_carries_the_headers_and_shows_nothing_of_the_fault(member, settings):
    settings.ROOT_URLCONF = "tests.portal.urls_failing"
    response = secure_client(member).get("/test-only/fails/", secure=True)
    assert response.status_code == 500
    assert_protected(response)
    assert "an unexpected fault" not in response.content.decode()


def test_plain_http_is_sent_to_https(db):
    response = secure_client().get(reverse("portal:welcome"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_an_evidence_download_carries_the_headers(comms, auditor, team):
    account = factories.managed_account(team=team)
    entry = log_entry(comms, account, files=[clean_upload(upload("a.png", png_bytes()))])
    response = secure_client(auditor).get(entry.evidence.get().get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert_protected(response)
    # A downloaded file is never a page that may run anything.
    assert directives(response["Content-Security-Policy"])["default-src"] == ["'none'"]


def test_the_csv_exports_carry_the_headers(comms, team):
    account = factories.managed_account(team=team)
    log_entry(comms, account)
    client = secure_client(comms)
    for url in (
        reverse("moderation:export"),
        reverse("accounts_requests:figures_template", args=[account.pk]),
        reverse("accounts_requests:figures_template_all"),
        reverse("accounts_requests:account_export"),
    ):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/csv"), url
        assert "attachment" in response["Content-Disposition"], url
        assert_protected(response)


def test_the_subject_access_export_carries_the_headers(comms, team):
    account = factories.managed_account(team=team)
    entry = log_entry(comms, account)
    url = reverse("moderation:commenter_export", args=[entry.commenter.pk])
    client = secure_client(comms)
    assert_protected(client.get(url, secure=True))
    response = client.post(url, {"received_on": timezone.localdate().isoformat()}, secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert_protected(response)


def test_the_policy_allows_no_inline_script_and_no_plugins():
    policy = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "CONTENT_SECURITY_POLICY_REPORT_ONLY" not in dir(django_settings)


def template_files():
    folders = [ROOT / "templates"]
    folders += [ROOT / app / "templates" for app in ("portal", "accounts_requests", "moderation")]
    return sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.html"))


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+|hx-on[:\-][\w:\-]*)\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def inline_script_problems(html):
    problems = []
    for match in INLINE_SCRIPT.finditer(html):
        tag = match.group(0)
        # A data block (e.g. json_script) is not run; anything else inline would be.
        if not re.search(r"type=[\"']application/(ld\+)?json[\"']", tag):
            problems.append(tag)
    problems += [m.group(0) for m in EVENT_HANDLER.finditer(html)]
    problems += [m.group(0) for m in SCRIPT_URL.finditer(html)]
    return problems


def test_the_scan_finds_what_it_looks_for():
    assert inline_script_problems("<script>alert(1)</script>")
    assert inline_script_problems('<button type="button" onclick="go()">')
    assert inline_script_problems('<div hx-on:click="go()">')
    assert inline_script_problems('<a href="javascript:go()">')
    assert not inline_script_problems('<script src="/static/js/portal.js"></script>')
    assert not inline_script_problems('<script id="d" type="application/json">{}</script>')
    assert not inline_script_problems('<input name="online" data-once="x">')


def test_no_template_has_inline_script_or_event_handlers():
    files = template_files()
    assert len(files) > 50
    found = {}
    for path in files:
        problems = inline_script_problems(path.read_text())
        if problems:
            found[str(path.relative_to(ROOT))] = problems
    assert not found, found
