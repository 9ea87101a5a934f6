"""The set-up checklist of Appendix A 1.5: what must be true before an account goes live.

One function decides it for the account page, the register and the transition's
condition. The register passes in annotated counts so a list of accounts costs no extra
query per row (see ``selectors_accounts.annotate_checklist``).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts_requests.models import Platform
from portal.moments import local_day

MIN_MODERATORS = 2


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    done: bool
    detail: str
    todo: str


def current_moderators(moderators):
    """Of a queryset of named people, those still active and still in the account's team."""
    return moderators.filter(user__is_active=True, user__memberships__team=F("account__team"))


def annotations():
    """Annotations a queryset of accounts needs for ``items`` to run without queries.

    Each is a subquery rather than a join with a GROUP BY: joined, the moderators, their
    users and memberships multiply the planner's join orders, and planning an account's
    page took longer than running it.
    """
    from accounts_requests.models import AccountModerator, Credential

    current = (
        AccountModerator.objects.filter(
            account=OuterRef("pk"),
            user__is_active=True,
            user__memberships__team=OuterRef("team"),
        )
        .order_by()
        .values("account")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return {
        "current_moderator_count": Coalesce(Subquery(current), 0),
        "has_credential": Exists(Credential.objects.filter(account=OuterRef("pk"))),
    }


def _setup(account):
    from accounts_requests.models import AccountSetup

    try:
        return account.setup
    except AccountSetup.DoesNotExist:
        return None


def _moderator_count(account):
    count = getattr(account, "current_moderator_count", None)
    if count is None:
        from accounts_requests.models import AccountModerator

        count = (
            current_moderators(AccountModerator.objects.filter(account=account)).distinct().count()
        )
    return count


def _has_credential(account):
    found = getattr(account, "has_credential", None)
    if found is None:
        from accounts_requests.models import Credential

        found = Credential.objects.filter(account=account).exists()
    return found


def items(account):
    """Every checklist item for ``account``, done or not, with what to do next."""
    setup = _setup(account)
    moderators = _moderator_count(account)
    offers_badge = Platform.offers_verification(account.platform)
    missing_address = [
        name
        for name, value in (("the handle", account.handle), ("the web address", account.url))
        if not value
    ]
    result = [
        Item(
            "address",
            "Handle and web address",
            not missing_address,
            f"{account.handle} at {account.url}" if not missing_address else "",
            f"Add {' and '.join(missing_address)}.",
        ),
        Item(
            "moderators",
            f"At least {MIN_MODERATORS} named moderators from the team",
            moderators >= MIN_MODERATORS,
            f"{moderators} named",
            f"Name {MIN_MODERATORS - moderators} more "
            f"moderator{'s' if MIN_MODERATORS - moderators > 1 else ''} from the team.",
        ),
        Item(
            "comms_admin",
            "The communications team has admin rights",
            bool(setup and setup.comms_admin_confirmed),
            (
                f"Confirmed by {setup.comms_admin_confirmed_by} on "
                f"{local_day(setup.comms_admin_confirmed_at)}"
                if setup and setup.comms_admin_confirmed
                else ""
            ),
            "Give the communications team admin rights on the platform, then confirm it.",
        ),
        Item(
            "credentials",
            "Login details lodged with the communications team",
            bool(_has_credential(account)),
            "Lodged",
            "Lodge the login details.",
        ),
        Item(
            "badge",
            "Verified badge",
            (not offers_badge) or bool(setup and setup.verified_badge),
            "Verified" if offers_badge else f"{account.get_platform_display()} does not offer one",
            f"Apply for {account.get_platform_display()}'s verified badge and confirm it "
            "once it shows.",
        ),
    ]
    return result


def missing(account):
    """What still has to be done, as sentences; empty when the checklist is complete."""
    return [item.todo for item in items(account) if not item.done]


def is_complete(account):
    return not missing(account)


def progress(account):
    found = items(account)
    return sum(1 for item in found if item.done), len(found)
