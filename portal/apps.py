from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import freshness, required_messages, roles
        from .models import OrganisationProfile

        required_messages.install()
        freshness.install()
        freshness.forget_on_change(OrganisationProfile, OrganisationProfile.forget)

        post_migrate.connect(roles.sync_groups, sender=self)
        checks.register(check_production_settings, checks.Tags.security, deploy=True)

        from . import receivers  # noqa: F401 - ends a deactivated user's sessions
        from .reminders.checks import check_calendar_settings, check_reminder_rules

        checks.register(check_reminder_rules)
        checks.register(check_calendar_settings)


def check_production_settings(app_configs, **kwargs):
    from django.conf import settings

    errors = []
    if settings.PRODUCTION and settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        errors.append(
            checks.Warning(
                "E-mail goes to the console: set EMAIL_HOST so notifications reach people.",
                id="portal.W001",
            )
        )
    if settings.PRODUCTION and settings.CELERY_BROKER_URL.startswith("filesystem://"):
        errors.append(
            checks.Warning(
                "Celery uses the filesystem broker: set REDIS_URL in production.",
                id="portal.W002",
            )
        )
    if settings.PRODUCTION and not settings.CACHE_URL:
        errors.append(
            checks.Warning(
                "Each web process keeps its own cache: set CACHE_URL so the limits on "
                "password-reset requests hold across every process.",
                id="portal.W003",
            )
        )
    return errors
