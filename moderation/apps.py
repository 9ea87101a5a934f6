from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation log"

    def ready(self):
        post_migrate.connect(restore_empty_taxonomy, sender=self)


def restore_empty_taxonomy(app_config=None, using="default", apps=None, **kwargs):
    """Give an emptied database (a flush) the starting categories again.

    The data migration adds them once; this only acts when there are none at all, so it
    never overwrites or brings back what the communications team has changed since.
    """
    import importlib

    from django.apps import apps as global_apps

    models = apps or global_apps
    try:
        Category = models.get_model("moderation", "Category")
    except LookupError:
        return
    if Category.objects.using(using).exists():
        return
    seed = importlib.import_module("moderation.migrations.0002_guideline_taxonomy")
    seed.add_categories(models, None)
