import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import HistoryAdmin
from portal.models import User
from tests import factories


def test_the_admin_lists_every_model_and_those_with_history_show_it():
    ours = [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"portal", "accounts_requests", "moderation"}
        and not model.__name__.startswith("Historical")
    ]
    inlined = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = [m.__name__ for m in ours if m not in admin.site._registry and m not in inlined]
    assert not missing
    for model in ours:
        if hasattr(model, "history") and model is not User:
            assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model
    # Every history page is the portal's own, which names its rows without a query each.
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SimpleHistoryAdmin) and model is not User:
            assert isinstance(model_admin, HistoryAdmin), model


def test_every_admin_changelist_opens(admin_client):
    for model in admin.site._registry:
        if model._meta.app_label not in {"portal", "accounts_requests", "moderation"}:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url


def _history_queries(admin_client, record, changes):
    """Queries the admin history page of ``record`` asks after ``changes`` more saves."""
    for _ in range(changes):
        record.save()
    url = reverse(
        f"admin:{record._meta.app_label}_{record._meta.model_name}_history", args=[record.pk]
    )
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("kind", ["notice", "moderator"])
def test_a_history_page_asks_the_same_queries_however_long_the_history(
    kind, admin_client, team, manager
):
    account = factories.managed_account(team, name="Wards news")
    if kind == "notice":
        record = factories.notice(account, manager)
    else:
        record = factories.named_moderator(account, manager)
    few, _ = _history_queries(admin_client, record, 1)
    many, page = _history_queries(admin_client, record, 8)
    assert many == few
    # Each row still names its record as the record itself does, account and all.
    assert page.count(escape(str(record))) >= 9
