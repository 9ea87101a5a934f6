"""Changes to people that the communications team makes outside the Django admin."""

import logging

from django.db import transaction

from portal import rules

log = logging.getLogger(__name__)


class PeopleError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def user_deactivate(*, actor, user):
    """Stop someone signing in, for a leaver. Nothing of theirs is deleted.

    Saved through the model so every receiver of a user's save sees it (other parts of
    the portal act on a deactivation).
    """
    if not rules.is_comms(actor):
        raise PeopleError("Only the communications team can deactivate people.")
    if user.pk == actor.pk:
        raise PeopleError("You cannot deactivate yourself.")
    if user.is_superuser:
        raise PeopleError("A portal administrator can only be deactivated in the admin.")
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise PeopleError(f"{user} is already deactivated.")
        user.is_active = False
        user.save(update_fields=["is_active"])
    log.info("User %s deactivated by %s", user.pk, actor.pk)
    return user
