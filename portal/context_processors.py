from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from portal import rules, sessions
from portal.models import Notification, OrganisationProfile

# The badge counts unread notifications up to this many and then shows "99+": every page
# asks, so the count stops early instead of reading a long unread backlog each time.
UNREAD_BADGE_LIMIT = 99


def portal(request):
    # A request refused before authentication ran (a body Django would not read) has no
    # user yet; its error page is rendered as for someone signed out.
    user = getattr(request, "user", None) or AnonymousUser()

    def unread():
        if not user.is_authenticated:
            return 0
        return Notification.objects.for_user(user).unread()[: UNREAD_BADGE_LIMIT + 1].count()

    return {
        "org": SimpleLazyObject(OrganisationProfile.load),
        "unread_count": SimpleLazyObject(unread),
        "unread_limit": UNREAD_BADGE_LIMIT,
        "role": SimpleLazyObject(lambda: Roles(user)),
        "idle": SimpleLazyObject(lambda: IdleLimit(request)),
    }


class IdleLimit:
    """When a signed-in page should warn of the idle sign-out, for its script."""

    def __init__(self, request):
        session = getattr(request, "session", None)
        self.ends_in = sessions.seconds_left(session) if session is not None else 0
        self.warn_before = min(settings.SESSION_WARN_SECONDS, settings.SESSION_COOKIE_AGE // 2)


class Roles:
    """What the navigation needs to know about the user, asked of ``portal.rules``."""

    def __init__(self, user):
        self.is_comms = rules.is_comms(user)
        self.is_head_of_comms = rules.is_head_of_comms(user)
        self.is_auditor = rules.is_auditor(user)
        self.sees_everything = rules.sees_everything(user)
        self.is_team_member = rules.is_team_member(user)
        self.is_safeguarding_lead = rules.is_safeguarding_lead(user)
