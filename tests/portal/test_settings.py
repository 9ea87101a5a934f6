"""Production refuses to start without what it cannot guess, and passes --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "x7Qp9Lm2Vr8Tz4Wn6Ys1Bc5Df0Gh3Jk" * 2


def manage(*args, **env):
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    # A name given as None is left out, even where this process has it.
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    clean = {name: value for name, value in clean.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", PORTAL_ENV="production", ALLOWED_HOSTS="portal.example.nhs.uk")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", PORTAL_ENV="production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "portal.example.nhs.uk",
    "EMAIL_HOST": "smtp.example.nhs.uk",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CREDENTIAL_KEYS": os.getenv(
        "TEST_CREDENTIAL_KEY", "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg="
    ),
}


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize(
    "missing, warning",
    [
        ("EMAIL_HOST", "portal.W001"),
        ("REDIS_URL", "portal.W002"),
        ("CACHE_URL", "portal.W003"),
    ],
)
def test_the_deploy_check_warns_of_what_production_should_not_run_without(missing, warning):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, missing: None}
    )
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


def production_settings(*names, **env):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = manage("shell", "-c", code, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_check_is_silenced_and_production_cookies_are_secure_httponly_and_samesite():
    got = production_settings(
        "SILENCED_SYSTEM_CHECKS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "TRUSTED_PROXY_COUNT",
        "SECURE_REDIRECT_EXEMPT",
    )
    assert got["SILENCED_SYSTEM_CHECKS"] == []
    assert got["SESSION_COOKIE_SECURE"] and got["CSRF_COOKIE_SECURE"]
    assert got["SESSION_COOKIE_HTTPONLY"] and got["CSRF_COOKIE_HTTPONLY"]
    assert got["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert got["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert got["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert got["SECURE_SSL_REDIRECT"]
    # Only the health check may be asked over plain HTTP.
    assert got["SECURE_REDIRECT_EXEMPT"] == [r"^health/$"]
    # A client's own X-Forwarded-For is believed only when proxies are declared.
    assert got["TRUSTED_PROXY_COUNT"] == 0


def test_the_embedded_default_needs_nothing_set():
    result = manage("check", PORTAL_ENV="local")
    assert result.returncode == 0, result.stderr


def test_without_cache_url_each_process_keeps_its_own_work_in_memory():
    backend = production_settings("CACHES", CACHE_URL=None)["CACHES"]["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_with_cache_url_every_worker_shares_one_redis_that_may_fail_without_failing_a_page():
    got = production_settings(
        "CACHES", "DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS", CACHE_URL="redis://cache:6379/2"
    )
    cache = got["CACHES"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == "redis://cache:6379/2"
    # Down or slow, it is skipped (and logged) after half a second rather than failing.
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert cache["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] == 0.5
    assert cache["OPTIONS"]["SOCKET_TIMEOUT"] == 0.5
    assert got["DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS"] is True
