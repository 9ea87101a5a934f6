"""The leaver rule, hung on the user model's save so it holds however a user is
deactivated: the Django admin, the communications team's page, or a script.

A signal here decouples: the portal's people code knows nothing of accounts.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_note_deactivation")
def note_deactivation(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._accounts_deactivated_now = False
    if raw or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    instance._accounts_deactivated_now = sender._default_manager.filter(
        pk=instance.pk, is_active=True
    ).exists()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_leaver_rule")
def raise_rotation_tasks(sender, instance, raw=False, **kwargs):
    if raw or not getattr(instance, "_accounts_deactivated_now", False):
        return
    instance._accounts_deactivated_now = False
    from accounts_requests.services_notices import rotation_tasks_raise_for_leaver

    rotation_tasks_raise_for_leaver(user=instance)
