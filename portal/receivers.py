"""A deactivated user is signed out everywhere at once, however they were deactivated:
the communications team's page, the Django admin or a script that saves the user."""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_note_deactivation")
def note_deactivation(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._portal_deactivated_now = False
    if raw or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    instance._portal_deactivated_now = sender._default_manager.filter(
        pk=instance.pk, is_active=True
    ).exists()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_end_sessions")
def end_sessions_of_the_deactivated(sender, instance, raw=False, **kwargs):
    if raw or not getattr(instance, "_portal_deactivated_now", False):
        return
    instance._portal_deactivated_now = False
    from portal.security import end_sessions

    # In the same transaction as the deactivation: a rolled-back one leaves them signed in.
    end_sessions(instance)
