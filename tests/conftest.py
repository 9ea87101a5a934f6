"""Standing people for every test: a team with its manager and member, another team,
the communications team, its head, an auditor, a safeguarding lead and a member of staff
with no team. Tests ask for them by name."""

import os
import warnings

import pytest
from django.conf import settings
from django.db import connection

from portal import roles
from portal.models import Membership
from tests import factories

# Playwright's sync API runs an event loop in the test thread; the ORM must still work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.getenv("CI", "").lower() in ("1", "true", "yes")


def require_service(name, available):
    """Skip on a laptop without the service; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required in CI but is not configured or not reachable.")
    pytest.skip(f"{name} is not available here")


@pytest.fixture
def require_postgres():
    require_service(
        "PostgreSQL (DATABASE_URL)", settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    )


@pytest.fixture
def require_redis():
    url = os.getenv("REDIS_URL", "")
    ok = False
    if url:
        import redis

        try:
            ok = redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError:
            ok = False
    require_service("Redis (REDIS_URL)", ok)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and at the end a check that nothing a test started
    (a thread, a worker, a server) still holds a connection to it: such a session keeps
    the database from being dropped. Any found are named in a warning, then ended."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, left(query, 200) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        strays = cursor.fetchall()
        for pid, *_ in strays:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    if strays:
        warnings.warn(f"Sessions left open on the test database: {strays}", stacklevel=1)


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # Every request moves the idle limit on, so that a page costs the same queries
    # whenever it is asked for under a frozen clock (test_sessions checks the interval).
    settings.SESSION_RENEW_SECONDS = 0
    # A test's writes never commit, so nothing would tell the home page that its kept
    # panels are out of date; test_home_kept turns keeping on where it commits.
    settings.HOME_PANELS_KEPT_SECONDS = 0
    from django.core.cache import cache

    cache.clear()
    from portal.celery import app

    app.conf.task_always_eager = True


@pytest.fixture
def team(db):
    return factories.TeamFactory(name="Perinatal Mental Health")


@pytest.fixture
def other_team(db):
    return factories.TeamFactory(name="Community Nursing")


@pytest.fixture
def comms_team(db):
    return factories.TeamFactory(name="Communications", is_communications=True)


@pytest.fixture
def manager(team):
    return factories.member_of(team, Membership.Role.MANAGER, username="manager")


@pytest.fixture
def member(team):
    return factories.member_of(team, username="member")


@pytest.fixture
def outsider(other_team):
    """A member of another team: sees nothing of ``team``."""
    return factories.member_of(other_team, username="outsider")


@pytest.fixture
def other_manager(other_team):
    return factories.member_of(other_team, Membership.Role.MANAGER, username="othermanager")


@pytest.fixture
def comms(comms_team):
    user = factories.with_role(roles.COMMS, username="comms")
    Membership.objects.create(team=comms_team, user=user)
    return user


@pytest.fixture
def comms2(comms_team):
    user = factories.with_role(roles.COMMS, username="comms2")
    Membership.objects.create(team=comms_team, user=user)
    return user


@pytest.fixture
def head(comms_team):
    user = factories.with_role(roles.HEAD_OF_COMMS, username="head")
    Membership.objects.create(team=comms_team, user=user, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def auditor(db):
    return factories.with_role(roles.AUDITOR, username="auditor")


@pytest.fixture
def safeguarding_lead(db):
    return factories.with_role(roles.SAFEGUARDING_LEAD, username="safeguarding")


@pytest.fixture
def staff(db):
    """Signed-in staff with no team and no role."""
    return factories.UserFactory(username="staff")


@pytest.fixture
def people(manager, member, outsider, other_manager, comms, head, auditor, staff):
    """Every standing user by role name, for tests that walk all roles."""
    return {
        "manager": manager,
        "member": member,
        "outsider": outsider,
        "other_manager": other_manager,
        "comms": comms,
        "head": head,
        "auditor": auditor,
        "staff": staff,
    }


def client_for(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_user():
    return client_for
