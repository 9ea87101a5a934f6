"""Reads that span models: who holds a role, who is in a team, who has read the playbook,
and the lists of training requests and concerns."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from portal import rules
from portal.models import (
    SIGN_IN_STATUS_QUERIES,
    Concern,
    Document,
    DocumentVersion,
    Membership,
    ReadConfirmation,
    Team,
    TrainingRequest,
)
from portal.models.concerns import SAFEGUARDING_WAITING


def users_with_permission(perm):
    """The active users holding ``perm`` ("app_label.codename") through a group or in
    their own right (superusers are not counted in: they are not a role).

    Each route is a narrow subquery of ids; one join across both routes would pair every
    user with every group and permission row before filtering, and costs several times as
    much to plan as to run.
    """
    app_label, codename = perm.split(".")
    User = get_user_model()
    permission = Permission.objects.filter(
        codename=codename, content_type__app_label=app_label
    ).values("pk")
    groups = Group.permissions.through.objects.filter(permission__in=permission)
    via_group = User.groups.through.objects.filter(group__in=groups.values("group_id"))
    own = User.user_permissions.through.objects.filter(permission__in=permission)
    return User.objects.filter(is_active=True).filter(
        Q(pk__in=via_group.values("user_id")) | Q(pk__in=own.values("user_id"))
    )


def roles_held(user_ids):
    """{user id: the ``rules.ROLE_PERMS`` they hold}, through a group or in their own
    right, whether or not they are active (a deactivated head of communications is still
    one to the admin that can bring them back). Two queries however many people."""
    wanted = {}
    for perm in rules.ROLE_PERMS:
        app_label, codename = perm.split(".")
        wanted[(app_label, codename)] = perm
    User = get_user_model()
    held = {pk: set() for pk in user_ids}
    by_group = User.groups.through.objects.filter(user_id__in=held).values_list(
        "user_id",
        "group__permissions__content_type__app_label",
        "group__permissions__codename",
    )
    own = User.user_permissions.through.objects.filter(user_id__in=held).values_list(
        "user_id", "permission__content_type__app_label", "permission__codename"
    )
    for rows in (by_group, own):
        for pk, app_label, codename in rows:
            if perm := wanted.get((app_label, codename)):
                held[pk].add(perm)
    return held


def people_with_status(people, status):
    """``people`` narrowed to one ``SignInStatus`` (any other value narrows nothing)."""
    query = SIGN_IN_STATUS_QUERIES.get(status)
    return people if query is None else people.filter(query)


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


# Playbook and slides, and who has read the playbook.


def document(kind):
    """The document of this kind; made empty if a database has none (nothing published)."""

    found, _ = Document.objects.select_related("draft_updated_by").get_or_create(kind=kind)
    return found


def current_version(kind):

    return (
        DocumentVersion.objects.filter(document__kind=kind)
        .select_related("document", "published_by")
        .order_by("-number")
        .first()
    )


def version(kind, number):

    return DocumentVersion.objects.select_related("document", "published_by").get(
        document__kind=kind, number=number
    )


def versions(kind):

    return (
        DocumentVersion.objects.filter(document__kind=kind)
        .select_related("published_by")
        .order_by("-number")
    )


def playbook_status(user):
    """The current playbook version, and whether and which version this user confirmed."""

    current = current_version(Document.Kind.PLAYBOOK)
    last = None
    if current is not None and user.is_authenticated:
        last = (
            ReadConfirmation.objects.filter(user=user, version__document=current.document_id)
            .select_related("version")
            .order_by("-version__number")
            .first()
        )
    return {
        "version": current,
        "confirmed": bool(last and current and last.version_id == current.pk),
        "last": last,
    }


def readership_by_team(version):
    """Each active team with how many of its active members have confirmed ``version``:
    one query, whatever the number of teams and staff."""

    active = Q(memberships__user__is_active=True)
    return (
        Team.objects.filter(is_active=True)
        .annotate(
            member_count=Count("memberships__user", filter=active, distinct=True),
            confirmed_count=Count(
                "memberships__user",
                filter=active & Q(memberships__user__read_confirmations__version=version),
                distinct=True,
            ),
        )
        .order_by("name")
    )


def _without_team():

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk__in=Membership.objects.filter(team__is_active=True).values("user_id"))
    )


def _confirmed(version):

    return Exists(ReadConfirmation.objects.filter(version=version, user=OuterRef("pk")))


def readership_without_team(version):
    """How many active staff outside any team have and have not confirmed ``version``."""

    return _without_team().aggregate(
        member_count=Count("pk"), confirmed_count=Count("pk", filter=_confirmed(version))
    )


def readership_totals(version):
    """Everyone active: how many have confirmed ``version``."""

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .aggregate(
            member_count=Count("pk"), confirmed_count=Count("pk", filter=_confirmed(version))
        )
    )


def readers(version, team=None):
    """Active members of ``team`` (or of no team) with when each confirmed ``version`` and
    the last version they confirmed: one query. Those yet to confirm come first."""

    users = (
        get_user_model().objects.filter(is_active=True, memberships__team=team)
        if team is not None
        else _without_team()
    )
    mine = ReadConfirmation.objects.filter(user=OuterRef("pk"))
    return users.annotate(
        confirmed_at=Subquery(mine.filter(version=version).values("confirmed_at")[:1]),
        last_number=Subquery(
            mine.filter(version__document=version.document_id)
            .order_by("-version__number")
            .values("version__number")[:1]
        ),
    ).order_by(F("confirmed_at").asc(nulls_first=True), "first_name", "last_name", "username")


# Training requests and concerns.


def training_requests(user, state=""):
    """Requests this user may see: those waiting on comms first, then sessions by date."""

    State = TrainingRequest.State
    found = TrainingRequest.objects.visible_to(user).select_related(
        "team", "requested_by", "presenter"
    )
    if state == "open":
        found = found.filter(state__in=TrainingRequest.OPEN_STATES)
    elif state:
        found = found.filter(state=state)
    return found.annotate(
        rank=Case(
            When(state=State.REQUESTED, then=Value(0)),
            When(state=State.SCHEDULED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "session_starts_at", "-created_at", "-id")


def upcoming_sessions(user, limit=5):

    return (
        TrainingRequest.objects.visible_to(user)
        .filter(state=TrainingRequest.State.SCHEDULED, session_starts_at__gte=timezone.now())
        .select_related("team", "presenter")
        .order_by("session_starts_at")[:limit]
    )


def training_counts():

    State = TrainingRequest.State
    return TrainingRequest.objects.aggregate(
        requested=Count("pk", filter=Q(state=State.REQUESTED)),
        scheduled=Count("pk", filter=Q(state=State.SCHEDULED)),
    )


def concerns(user, state=""):
    """Reports this user may see: open ones first, the urgent at the top, oldest first.
    For the safeguarding lead, the reports waiting on them come first, closed or not."""

    lead = rules.is_safeguarding_lead(user)
    found = Concern.objects.visible_to(user).select_related("reported_by", "handled_by")
    if state == "open" and lead:
        # Closed by comms is not done for the lead while it waits on them.
        found = found.filter(~Q(state=Concern.State.CLOSED) | SAFEGUARDING_WAITING)
    elif state == "open":
        found = found.open()
    elif state:
        found = found.filter(state=state)
    first = [When(SAFEGUARDING_WAITING, then=Value(-1))] if lead else []
    return found.annotate(
        rank=Case(
            *first,
            When(state=Concern.State.CLOSED, then=Value(3)),
            When(someone_at_risk=True, then=Value(0)),
            When(kind__in=Concern.URGENT_KINDS, then=Value(0)),
            When(state=Concern.State.NEW, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "created_at", "id")


def concern_counts():

    State = Concern.State
    urgent = Q(someone_at_risk=True) | Q(kind__in=Concern.URGENT_KINDS)
    return Concern.objects.aggregate(
        new=Count("pk", filter=Q(state=State.NEW)),
        open=Count("pk", filter=~Q(state=State.CLOSED)),
        urgent=Count("pk", filter=urgent & ~Q(state=State.CLOSED)),
    )


def same_link_reports(concern):
    """Other reports of the same link, so comms can deal with them together."""

    return (
        Concern.objects.filter(link=concern.link, redacted_at__isnull=True)
        .exclude(pk=concern.pk)
        .order_by("-created_at")
    )
