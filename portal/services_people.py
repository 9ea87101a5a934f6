"""Changes to people that the communications team makes outside the Django admin."""

import logging
import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from portal import passwords, rules, selectors
from portal.models import Membership

log = logging.getLogger(__name__)


class PeopleError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _refuse_unless_may_change(actor, user, doing, be_done):
    """Raise PeopleError unless ``actor`` may change ``user`` (``rules.can_change_person``),
    saying who can."""
    roles = selectors.roles_held([user.pk])[user.pk]
    if rules.can_change_person(actor, user, roles):
        return
    if not rules.is_comms(actor):
        raise PeopleError(f"Only the communications team can {doing} people.")
    if user.is_superuser or user.is_staff:
        raise PeopleError(f"A portal administrator can only {be_done} in the admin.")
    if rules.HEAD_PERM in roles:
        raise PeopleError(
            f"A head of communications can only {be_done} in the admin, by a portal administrator."
        )
    raise PeopleError(
        f"{user} holds a role in the portal, so only the head of communications can "
        f"{doing} them: their e-mail address is where their password resets go."
    )


def user_deactivate(*, actor, user):
    """Stop someone signing in, for a leaver. Nothing of theirs is deleted.

    Saved through the model so every receiver of a user's save sees it (other parts of
    the portal act on a deactivation).
    """
    if user.pk == actor.pk and rules.is_comms(actor):
        raise PeopleError("You cannot deactivate yourself.")
    _refuse_unless_may_change(actor, user, "deactivate", "be deactivated")
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise PeopleError(f"{user} is already deactivated.")
        user.is_active = False
        user.save(update_fields=["is_active"])
    log.info("User %s deactivated by %s", user.pk, actor.pk)
    return user


def _free_username(email):
    """A user name from the start of the e-mail address, made unique with a number."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0].lower())[:140] or "person"
    taken = {
        name.lower()
        for name in get_user_model()
        .objects.filter(username__istartswith=base)
        .values_list("username", flat=True)
    }
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}{number}"
    return name


def person_add(*, actor, first_name, last_name, email, team=None, role=Membership.Role.MEMBER):
    """Give someone a sign-in, in a team if one is given, and e-mail them their user name
    with a link to choose a password once it is saved. They have no password until they
    choose one. Returns the new user."""
    if not rules.is_comms(actor):
        raise PeopleError("Only the communications team can add people.")
    try:
        with transaction.atomic():
            user = get_user_model()(
                username=_free_username(email),
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                email=email.strip(),
            )
            user.set_unusable_password()
            user.save()
            if team is not None:
                Membership.objects.create(team=team, user=user, role=role)
            transaction.on_commit(lambda: passwords.invite(user.pk))
    except IntegrityError:
        raise PeopleError(
            "Someone was given the same user name at this moment. Add them again."
        ) from None
    log.info("User %s added by %s", user.pk, actor.pk)
    return user


def person_invite_again(*, actor, user):
    """Send someone who has not chosen a password yet a fresh invitation, for one whose
    link has run out or gone astray. Only the newest link works from then on: the
    placeholder that stands for "no password yet" is drawn afresh, and it is part of what
    every invitation link signs (an invitation still waiting for the worker is written
    with the new one). Returns the user."""
    if not rules.is_comms(actor):
        raise PeopleError("Only the communications team can send invitations.")
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise PeopleError(f"{user} has been deactivated, so they cannot be invited.")
        if not user.awaits_first_password:
            raise PeopleError(f"{user} has chosen a password already; they need no invitation.")
        if not user.email:
            raise PeopleError(f"{user} has no e-mail address to send the invitation to.")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        transaction.on_commit(lambda: passwords.invite(user.pk))
    log.info("User %s invited again by %s", user.pk, actor.pk)
    return user


def person_update(*, actor, user, first_name, last_name, email):
    """Correct someone's name or work e-mail address. A person who has not signed in yet is
    sent their invitation again at a new address; anyone else is told of the change there,
    and their old address is told it is no longer used (``portal.passwords``). Returns the
    user."""
    _refuse_unless_may_change(actor, user, "change the details of", "have their details changed")
    with transaction.atomic():
        user = type(user).objects.select_for_update().get(pk=user.pk)
        old_email = user.email.strip()
        moved = old_email.lower() != email.strip().lower()
        user.first_name, user.last_name, user.email = (
            first_name.strip(),
            last_name.strip(),
            email.strip(),
        )
        user.save(update_fields=["first_name", "last_name", "email"])
        if moved and user.awaits_first_password:
            transaction.on_commit(lambda: passwords.invite(user.pk))
        elif moved:
            _tell_of_new_address(user, actor)
            if old_email:
                transaction.on_commit(lambda: passwords.tell_old_address(user.pk, old_email))
    log.info("User %s details changed by %s", user.pk, actor.pk)
    return user


def _tell_of_new_address(user, actor):
    from django.urls import reverse

    from portal.notify import notify

    notify(
        recipients=[user],
        kind="portal.email_changed",
        title="Your work e-mail address in the portal was changed",
        body=(
            f"{actor} changed the address the portal has for you to {user.email}. "
            "Notifications and password e-mails now go here. If that is wrong, tell the "
            "communications team."
        ),
        url=reverse("portal:notification_settings"),
        actor=actor,
    )
