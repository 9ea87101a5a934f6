from django.utils.functional import SimpleLazyObject

from portal import rules
from portal.models import Notification, OrganisationProfile


def portal(request):
    user = request.user

    def unread():
        if not user.is_authenticated:
            return 0
        return Notification.objects.for_user(user).unread().count()

    return {
        "org": SimpleLazyObject(OrganisationProfile.load),
        "unread_count": SimpleLazyObject(unread),
        "role": SimpleLazyObject(lambda: Roles(user)),
    }


class Roles:
    """What the navigation needs to know about the user, asked of ``portal.rules``."""

    def __init__(self, user):
        self.is_comms = rules.is_comms(user)
        self.is_head_of_comms = rules.is_head_of_comms(user)
        self.is_auditor = rules.is_auditor(user)
        self.sees_everything = rules.sees_everything(user)
        self.is_team_member = rules.is_team_member(user)
        self.is_safeguarding_lead = rules.is_safeguarding_lead(user)
