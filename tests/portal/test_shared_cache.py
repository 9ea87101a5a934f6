"""With CACHE_URL every web worker keeps its work in one Redis: a panel one worker drew is
there for the next, and a Redis that stops costs pages only their kept work."""

import logging
import shutil
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from portal.bench.rig import Redis as RedisServer  # one of its own, on a spare port
from portal.logs import OncePerInterval
from portal.models import OrganisationProfile
from tests.conftest import require_service

HOME = reverse("portal:home")


@pytest.fixture
def shared_cache(settings, tmp_path):
    require_service("redis-server", shutil.which("redis-server") is not None)
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # as portal.settings sets with CACHE_URL
    settings.HOME_PANELS_KEPT_SECONDS = 300
    yield server
    server.stop()


def _kept_keys(server):
    client = redis.Redis.from_url(server.url)
    try:
        return sorted(key.decode() for key in client.scan_iter(match="*home-panels*"))
    finally:
        client.close()


def test_a_home_page_drawn_by_one_worker_is_kept_where_every_worker_reads(
    shared_cache, as_user, comms, published, django_assert_max_num_queries
):
    client = as_user(comms)
    first = client.get(HOME)
    assert first.status_code == 200
    # Kept in the Redis every worker reads, not in this process's memory.
    assert _kept_keys(shared_cache) == [f"{cache.make_key(f'portal:home-panels:{comms.pk}')}"]
    # The next visit, whichever worker takes it, draws no panel again.
    with django_assert_max_num_queries(13):
        second = client.get(HOME)
    assert "Concerns reported by staff" in second.content.decode()


def test_pages_work_while_the_cache_is_stopped_and_keep_again_once_it_is_back(
    shared_cache, as_user, comms, published
):
    client = as_user(comms)
    assert client.get(HOME).status_code == 200
    OrganisationProfile.load()
    shared_cache.stop()

    # Every read misses and every write is dropped: the page is drawn in full each time.
    for _ in range(2):
        page = client.get(HOME)
        assert page.status_code == 200
        assert "Concerns reported by staff" in page.content.decode()
    assert OrganisationProfile.load().pk == 1
    assert client.get(reverse("portal:organisation")).status_code == 200

    shared_cache.start()
    assert _kept_keys(shared_cache) == []  # it keeps nothing on disk
    assert client.get(HOME).status_code == 200
    assert len(_kept_keys(shared_cache)) == 1


def test_a_saved_profile_is_forgotten_for_every_worker_at_once(shared_cache, db):
    OrganisationProfile.load()
    client = redis.Redis.from_url(shared_cache.url)
    assert list(client.scan_iter(match="*organisation*"))
    profile = OrganisationProfile.load()
    profile.trust_name = "Northshire Community Health"
    profile.save()
    assert not list(client.scan_iter(match="*organisation*"))
    assert OrganisationProfile.load().trust_name == "Northshire Community Health"
    client.close()


def test_a_stopped_cache_is_logged_once_a_minute_not_on_every_request(
    shared_cache, as_user, comms, published, caplog
):
    (once,) = [
        found
        for found in logging.getLogger("django_redis.cache").filters
        if isinstance(found, OncePerInterval)
    ]
    once._passed.clear()  # earlier tests in this process may have logged already
    client = as_user(comms)
    shared_cache.stop()
    with caplog.at_level(logging.ERROR, logger="django_redis.cache"):
        for _ in range(3):
            assert client.get(HOME).status_code == 200
    logged = [record for record in caplog.records if record.name == "django_redis.cache"]
    assert len(logged) == 1
    assert logged[0].exc_info  # the one that passes keeps its traceback
