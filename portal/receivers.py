"""A user's deactivation, noticed once however it happens: the communications team's
page, the Django admin or a script that saves the user.

The portal ends the person's sessions at once and then sends ``user_deactivated``, so
other apps act on a leaver (accounts_requests raises its login rotation tasks) without
each watching the user model for itself.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver

# Sent with ``user`` in the transaction that deactivated them.
user_deactivated = Signal()


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
    user_deactivated.send(sender=sender, user=instance)
