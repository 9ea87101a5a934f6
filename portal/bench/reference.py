"""The benchmark's admin reference: Django's changelist as it ships.

The portal's own admin is tuned for the big tables (it skips the count of every row and
names its joins), which would make it a kinder reference than the changelist the targets
speak of. This site registers every model the portal's admin has with a plain
``ModelAdmin`` showing the same columns and filters, and nothing else changed, so a
page is compared with what Django's admin does out of the box for the same rows and
filter: count them all, count them filtered, and show the first hundred.

It is mounted only for the benchmark (``manage.py bench`` uses ``portal.bench.urls``),
never in the portal's own URL table.
"""

from django.contrib import admin

site = admin.AdminSite(name="reference_admin")


def _on_model(model, names):
    """The columns or filters that name the model's own fields or attributes (an admin's
    own display methods are left out: they belong to the tuned admin)."""
    return [name for name in names if not isinstance(name, str) or hasattr(model, name)] or [
        "__str__"
    ]


for model, model_admin in admin.site._registry.items():
    site.register(
        model,
        type(
            f"Stock{model.__name__}Admin",
            (admin.ModelAdmin,),
            {
                "__module__": __name__,
                "list_display": _on_model(model, model_admin.list_display),
                "list_filter": [
                    name
                    for name in model_admin.list_filter
                    if not isinstance(name, str) or "__" in name or hasattr(model, name)
                ],
            },
        ),
    )

PREFIX = "/reference-admin/"


def reference_url(admin_url):
    """The stock changelist's address for a page of the portal's admin."""
    return PREFIX + admin_url.removeprefix("/admin/")
