"""Every URL in the project, asked as every role, answers as tests/<app>/access.py says."""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import LOGIN, REDIRECT, ROLES, World

APPS = ["portal", "accounts_requests", "moderation"]
# Django's own admin is checked separately below.
SKIPPED_NAMESPACES = {"admin"}


def _tables():
    routes, builders = {}, []
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.access")
        except ModuleNotFoundError:
            continue
        routes.update(module.ROUTES)
        if hasattr(module, "build"):
            builders.append(module.build)
    return routes, builders


def _named_routes(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in SKIPPED_NAMESPACES:
                continue
            if entry.namespace and namespace:
                inner = f"{namespace}:{entry.namespace}"
            yield from _named_routes(entry, inner)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                yield f"<unnamed {entry.pattern}>"
            else:
                yield f"{namespace}:{entry.name}" if namespace else entry.name


ROUTES, BUILDERS = _tables()


def test_every_url_is_declared():
    undeclared = sorted(set(_named_routes()) - set(ROUTES))
    assert not undeclared, f"Declare who may open these in tests/<app>/access.py: {undeclared}"


def test_no_declared_url_is_stale():
    stale = sorted(set(ROUTES) - set(_named_routes()))
    assert not stale, f"These are declared but no longer exist: {stale}"


@pytest.fixture(name="world")
def url_world(people, team, other_team, safeguarding_lead):
    """Every role's user and one record of each kind. Other walks over the URL table
    import this fixture rather than building their own world."""
    users = {**people, "safeguarding": safeguarding_lead, "anonymous": None}
    built = World(users=users, team=team, other_team=other_team)
    for build in BUILDERS:
        build(built)
    return built


def _answer(response):
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        return LOGIN if location.startswith(reverse("portal:login")) else REDIRECT
    return response.status_code


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_route_answers_each_role_as_declared(name, world, as_user):
    route = ROUTES[name]
    url = reverse(name, kwargs=route.url_kwargs(world)) + route.query
    got = {}
    for role in ROLES:
        got[role] = _answer(as_user(world.users[role]).get(url))
    wrong = {
        role: f"got {got[role]}, declared {route.expect[role]}"
        for role in ROLES
        if got[role] != route.expect[role]
    }
    assert not wrong, f"{name} ({url}): {wrong}"


def test_the_admin_is_for_superusers_only(world, as_user):
    for role in ROLES:
        response = as_user(world.users[role]).get(reverse("admin:index"))
        assert response.status_code == 302, role
        assert "/admin/login/" in response["Location"], role
