"""Reads for the account register, the account page and the public register."""

from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts_requests import checklist, rules
from accounts_requests.models import (
    AccountModerator,
    CredentialChangeNotice,
    CredentialReveal,
    ManagedAccount,
    RotationTask,
    SecurityIncident,
)
from portal import rules as portal_rules
from portal.models import Membership, Team

State = ManagedAccount.State


def _incident_open():
    return Exists(SecurityIncident.objects.open().filter(account=OuterRef("pk")))


def _flags():
    return {
        "incident_open": _incident_open(),
        "rotation_open": Exists(RotationTask.objects.open().filter(account=OuterRef("pk"))),
        "notice_waiting": Exists(
            CredentialChangeNotice.objects.awaiting_acknowledgement().filter(
                account=OuterRef("pk")
            )
        ),
    }


REGISTER_UNREAD = (
    "activated_at",
    "created_at",
    "review_due_on",
    "setup__badge_confirmed_at",
    "setup__ready_notified_at",
    "setup__updated_at",
    "setup__comms_admin_confirmed_by__last_login",
    "setup__comms_admin_confirmed_by__date_joined",
    "setup__comms_admin_confirmed_by__password",
)


def register(user, filters):
    """The accounts this user may see that match the filters, in the register's order.

    Plain rows, cheap to count and to page through; ``register_rows`` adds what the
    register shows, for the one page being read.
    """
    accounts = ManagedAccount.objects.visible_to(user)
    search = (filters.get("search") or "").lstrip("@")  # the form has trimmed it
    if search:
        accounts = accounts.filter(Q(name__icontains=search) | Q(handle__icontains=search))
    if filters.get("team"):
        accounts = accounts.filter(team=filters["team"])
    if filters.get("platform"):
        accounts = accounts.filter(platform=filters["platform"])
    state = filters.get("state")
    if state == "live":
        accounts = accounts.filter(state__in=ManagedAccount.LIVE_STATES)
    elif state:
        accounts = accounts.filter(state=state)
    return accounts.order_by("-team__is_communications", "team__name", "name", "id")


def register_rows(ids):
    """The accounts ``ids``, in that order, with what a row of the register shows.

    The checklist counts and the open-incident, rotation and notice flags are worked out
    for these rows only, not for every account before the page is cut.
    """
    rows = (
        ManagedAccount.objects.filter(pk__in=ids)
        .select_related("team", "setup", "setup__comms_admin_confirmed_by")
        .annotate(**checklist.annotations(), **_flags())
        # Dates the register never shows: each one read is a parse on every row.
        .defer(*REGISTER_UNREAD)
    )
    found = {account.pk: account for account in rows}
    return [found[pk] for pk in ids if pk in found]


EXPORT_HEADER = [
    "Account",
    "Handle",
    "Address",
    "Platform",
    "Team",
    "Directorate",
    "State",
    "Active since",
    "Communications team back-up admin confirmed",
    "Next review due",
    "Open security incident",
]


def register_export_rows(user, filters):
    """Every account of the register this user may see that matches the filters, as CSV
    cells in the order of EXPORT_HEADER: the register's rows, with none of the logins."""
    platforms = dict(ManagedAccount._meta.get_field("platform").choices)
    states = dict(State.choices)
    zone = timezone.get_current_timezone()

    def day(moment):
        return moment.astimezone(zone).date().isoformat() if moment else ""

    rows = (
        register(user, filters)
        .annotate(incident_open=_incident_open())
        .values(
            "name",
            "handle",
            "url",
            "platform",
            "team__name",
            "team__directorate",
            "state",
            "activated_at",
            "setup__comms_admin_confirmed_at",
            "review_due_on",
            "incident_open",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        yield [
            row["name"],
            row["handle"],
            row["url"],
            platforms.get(row["platform"], row["platform"]),
            row["team__name"],
            row["team__directorate"],
            states.get(row["state"], row["state"]),
            day(row["activated_at"]),
            day(row["setup__comms_admin_confirmed_at"]) or "No",
            row["review_due_on"].isoformat() if row["review_due_on"] else "",
            "Yes" if row["incident_open"] else "No",
        ]


def register_teams(user):
    """The teams a user may filter the register by."""
    teams = Team.objects.filter(accounts__isnull=False).distinct()
    if not portal_rules.sees_everything(user):
        teams = teams.filter(pk__in=portal_rules.team_ids(user))
    return teams.order_by("name")


def public_register():
    """The trust's live official accounts, for anyone (the page shows nothing internal)."""
    return (
        ManagedAccount.objects.filter(state__in=ManagedAccount.LIVE_STATES)
        .exclude(Exists(SecurityIncident.objects.open().filter(account=OuterRef("pk"))))
        .select_related("team", "setup")
        .order_by("-team__is_communications", "team__name", "platform", "name")
    )


def _any_row(model):
    """Whether ``model`` has any row for the account, as a plain EXISTS.

    Written out rather than built as ``Exists(...)``: the page asks seven of these, and
    the ORM took longer to build them than the database took to answer them.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field("account").column)
    outer = connection.ops.quote_name(ManagedAccount._meta.db_table)
    return RawSQL(  # noqa: S611 (table and column names from the models, no user input)
        f"EXISTS (SELECT 1 FROM {table} WHERE {table}.{column} = {outer}.id)",  # noqa: S608
        (),
        output_field=BooleanField(),
    )


def _section_flags():
    """Whether each of the account page's lists could have anything in it.

    Most accounts have no incident, notice, reveal, rotation task, review or closure: with
    these flags on the account's own query the page asks for none of the empty lists.
    """
    from accounts_requests.models import AccountClosure, AccountReview

    return {
        "has_incidents": _any_row(SecurityIncident),
        "has_notices": _any_row(CredentialChangeNotice),
        "has_reveals": _any_row(CredentialReveal),
        "has_rotation_tasks": _any_row(RotationTask),
        "has_moderators": _any_row(AccountModerator),
        "has_reviews": _any_row(AccountReview),
        "has_closures": _any_row(AccountClosure),
    }


def account_for_page(user, pk, *, sections=False):
    """The account with its checklist counts.

    ``sections`` is for the account's own page: it adds whether each list on the page has
    anything in it (see ``_section_flags``), and reads of the proposal the account came
    from only the name and platform the page shows (see ``proposal``).
    """
    accounts = ManagedAccount.objects.visible_to(user).annotate(**checklist.annotations())
    if sections:
        return (
            accounts.select_related(
                "team", "setup", "setup__comms_admin_confirmed_by", "setup__badge_confirmed_by"
            )
            .annotate(
                proposal_name=F("source_request__proposed_name"),
                proposal_platform=F("source_request__platform"),
                **_section_flags(),
            )
            .get(pk=pk)
        )
    return accounts.select_related(
        "team",
        "source_request",
        "setup",
        "setup__comms_admin_confirmed_by",
        "setup__badge_confirmed_by",
    ).get(pk=pk)


def proposal(account):
    """The proposal the account came from, to name and link to; None if it had none.

    The page's own query read only its name and platform: a whole proposal row is some
    forty columns the page never shows. The instance made from them serves its name and
    its address, nothing else.
    """
    if account.source_request_id is None:
        return None
    if not hasattr(account, "proposal_name"):
        return account.source_request
    from accounts_requests.models import AccountRequest

    return AccountRequest(
        pk=account.source_request_id,
        proposed_name=account.proposal_name,
        platform=account.proposal_platform,
    )


def found_none(account, flag):
    """True when the account's own query has just found nothing for ``flag``."""
    return getattr(account, flag, None) is False


def account_actions(account, user):
    """The state changes this user may start on the account, for its buttons."""
    actions = []
    for transition in account.get_all_state_transitions():
        if transition.source not in (account.state, "*"):
            continue
        if not transition.has_perm(account, user):
            continue
        actions.append({"name": transition.name, **transition.custom})
    return actions


def moderators(account):
    if found_none(account, "has_moderators"):
        return []
    return (
        AccountModerator.objects.filter(account=account)
        .select_related("user", "added_by")
        .annotate(
            in_team=Exists(Membership.objects.filter(user=OuterRef("user"), team=account.team_id))
        )
    )


def notices(account):
    if found_none(account, "has_notices"):
        return []
    return CredentialChangeNotice.objects.filter(account=account).select_related(
        "filed_by", "acknowledged_by"
    )


def reveal_audit(account, user, limit=50):
    if found_none(account, "has_reveals"):
        return []
    reveals = CredentialReveal.objects.filter(account=account).select_related("actor")
    if not rules.can_see_failed_reveals(account, user):
        reveals = reveals.successful()
    return reveals[:limit]


def open_incident(account):
    if found_none(account, "has_incidents"):
        return None
    return (
        SecurityIncident.objects.open()
        .filter(account=account)
        .select_related("opened_by", "notice")
        .first()
    )


def open_rotation_tasks(account):
    if found_none(account, "has_rotation_tasks"):
        return []
    return RotationTask.objects.open().filter(account=account).select_related("departed_user")


def credential(account):
    from accounts_requests.models import Credential

    if found_none(account, "has_credential"):
        return None  # the page's own query has just found none lodged
    return (
        Credential.objects.filter(account=account)
        .select_related("lodged_by")
        .defer("ciphertext")
        .first()
    )


# For the home page.


def notices_awaiting(limit=10):
    return (
        CredentialChangeNotice.objects.awaiting_acknowledgement()
        .exclude(account__state=State.CLOSED)  # read-only: nothing left to acknowledge
        .select_related("account", "filed_by")
        .order_by("reported_at")[:limit]
    )


def incidents_open(user):
    return (
        SecurityIncident.objects.visible_to(user)
        .open()
        .select_related("account")
        .order_by("opened_at")
    )


def rotation_tasks_open(user):
    return (
        RotationTask.objects.visible_to(user)
        .open()
        .select_related("account", "departed_user")
        .order_by("raised_at")
    )


def accounts_in_setup(user):
    """Accounts this user's teams are setting up, with their checklist annotations."""
    return (
        ManagedAccount.objects.filter(portal_rules.team_scope(user))
        .filter(state=State.SETTING_UP)
        .select_related("setup", "setup__comms_admin_confirmed_by", "team")
        .annotate(**checklist.annotations())
    )


def ready_to_verify():
    """The set-ups comms were told are ready, longest waiting first, as a list: those whose
    checklist is still complete. One whose named moderator has since left the team or the
    trust is not offered for a Verify that would fail."""
    told = (
        ManagedAccount.objects.filter(
            state=State.SETTING_UP, setup__ready_notified_at__isnull=False
        )
        .select_related("team", "setup", "setup__comms_admin_confirmed_by")
        .annotate(**checklist.annotations())
        .order_by("setup__ready_notified_at")
    )
    return [account for account in told if checklist.is_complete(account)]
