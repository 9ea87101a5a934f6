"""Reads about people that span models: who holds a role, who is in a team."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from portal import rules
from portal.models import Membership


def users_with_permission(perm):
    app_label, codename = perm.split(".")
    match = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    User = get_user_model()
    return User.objects.filter(is_active=True).filter(
        pk__in=User.objects.filter(match).values("pk")
    )


def comms_users():
    return users_with_permission(rules.COMMS_PERM)


def heads_of_comms():
    return users_with_permission(rules.HEAD_PERM)


def safeguarding_leads():
    return users_with_permission(rules.SAFEGUARDING_PERM)


def team_users(team_id, role=None):
    memberships = Membership.objects.filter(team_id=team_id)
    if role:
        memberships = memberships.filter(role=role)
    return get_user_model().objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def team_managers(team_id):
    return team_users(team_id, Membership.Role.MANAGER)
