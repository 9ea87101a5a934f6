from django.apps import apps
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import User


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


def test_every_admin_changelist_opens(admin_client):
    for model in admin.site._registry:
        if model._meta.app_label not in {"portal", "accounts_requests", "moderation"}:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
