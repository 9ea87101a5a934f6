"""No page shown to a signed-in person may be kept by a browser or a shared cache.

Walks every route in the URL table (the same table and world as test_url_access.py) as
people of each kind and checks every page they are given.
"""

import pytest
from django.urls import reverse

from tests.portal.test_security_headers import inline_script_problems
from tests.test_url_access import ROUTES, url_world  # noqa: F401 (the world fixture)


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("role", ["comms", "member", "auditor", "staff"])
def test_every_page_for_a_signed_in_person_is_no_store(role, world, as_user):
    client = as_user(world.users[role])
    pages, problems = 0, {}
    for name, route in sorted(ROUTES.items()):
        url = reverse(name, kwargs=route.url_kwargs(world)) + route.query
        response = client.get(url)
        if response.status_code != 200:
            continue
        pages += 1
        directives = cache_control(response)
        if not {"no-store", "private"} <= directives:
            problems[name] = response.get("Cache-Control", "(none)")
        if not response.streaming and response["Content-Type"].startswith("text/html"):
            found = inline_script_problems(response.content.decode())
            if found:
                problems[name] = found
    assert pages > 10
    assert not problems, problems


def test_refusals_and_redirects_for_a_signed_in_person_are_no_store(world, as_user):
    client = as_user(world.users["member"])
    refused = client.get(reverse("portal:people"))
    missing = client.get("/no-such-page/")
    assert (refused.status_code, missing.status_code) == (403, 404)
    for response in (refused, missing):
        assert {"no-store", "private"} <= cache_control(response)


def test_public_pages_for_a_visitor_may_be_cached(client, db):
    response = client.get(reverse("portal:welcome"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_view_that_sets_no_store_itself_keeps_its_own_header(world, as_user):
    response = as_user(world.users["comms"]).get(reverse("moderation:export"))
    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_control(response)
