"""Reads about proposals and accounts that pages need."""

from django.db.models import Count, Q

from accounts_requests.models import AccountRequest
from portal import rules as portal_rules

State = AccountRequest.State

# What "open" means in the queue: someone still has to act.
WAITING_STATES = (
    State.AWAITING_ENDORSEMENT,
    State.SUBMITTED,
    State.IN_REVIEW,
    State.CHANGES_REQUESTED,
)


# Buttons read from the step forward to the step away.
ACTION_ORDER = [
    "submit",
    "endorse",
    "start_review",
    "resubmit",
    "approve",
    "request_changes",
    "reject",
    "withdraw",
]


def proposal_actions(proposal, user):
    """The transitions this user may start on this proposal, for its buttons.

    Conditions are not checked here: a submit button shows on an incomplete draft and
    pressing it lists what is missing.
    """
    actions = []
    for transition in proposal.get_all_state_transitions():
        if transition.source not in (proposal.state, "*"):
            continue
        if not transition.has_perm(proposal, user):
            continue
        actions.append({"name": transition.name, **transition.custom})
    return sorted(actions, key=lambda action: ACTION_ORDER.index(action["name"]))


def proposal_for_page(user, pk):
    return (
        AccountRequest.objects.visible_to(user)
        .select_related("team", "applicant", "reviewer", "endorsed_by", "decided_by", "account")
        .get(pk=pk)
    )


def proposal_timeline(proposal):
    return proposal.events.select_related("actor").order_by("at", "id")


def latest_reason(proposal, timeline):
    """The comment that put the proposal where it is, when someone gave one."""
    for event in reversed(timeline):
        if event.to_state == proposal.state and event.from_state != event.to_state:
            return event if event.comment else None
    return None


# What a queue row shows; the long answers of the form stay in the database.
QUEUE_COLUMNS = (
    "id",
    "proposed_name",
    "platform",
    "state",
    "state_changed_at",
    "submitted_at",
    "team__name",
    "reviewer__first_name",
    "reviewer__last_name",
    "reviewer__username",
)


def queue(filters):
    proposals = AccountRequest.objects.select_related("team", "reviewer").only(*QUEUE_COLUMNS)
    state = filters.get("state")
    if state == "all":
        pass
    elif state:
        proposals = proposals.filter(state=state)
    else:
        proposals = proposals.filter(state__in=WAITING_STATES)
    if filters.get("team"):
        proposals = proposals.filter(team=filters["team"])
    if filters.get("platform"):
        proposals = proposals.filter(platform=filters["platform"])
    if filters.get("reviewer"):
        proposals = proposals.filter(reviewer=filters["reviewer"])
    return proposals.order_by("state_changed_at", "id")


def queue_counts():
    """How many proposals wait in each of the states comms watch, from the state index."""
    counted = (
        State.SUBMITTED,
        State.IN_REVIEW,
        State.AWAITING_ENDORSEMENT,
    )
    rows = (
        AccountRequest.objects.filter(state__in=counted)
        .order_by()
        .values_list("state")
        .annotate(n=Count("*"))
    )
    counts = dict.fromkeys((state.value for state in counted), 0)
    counts.update(dict(rows))
    return counts


def team_proposals(user):
    return (
        AccountRequest.objects.filter(portal_rules.team_scope(user))
        .select_related("team", "applicant")
        .order_by("-updated_at")
    )


def proposals_awaiting(user):
    """Proposals waiting on this user: endorsements for managers, edits for applicants."""
    managed = portal_rules.managed_team_ids(user)
    return (
        AccountRequest.objects.filter(
            Q(state=State.AWAITING_ENDORSEMENT, team__in=managed)
            | Q(state=State.CHANGES_REQUESTED, team__in=portal_rules.team_ids(user))
            | Q(state=State.DRAFT, applicant=user)
        )
        .select_related("team")
        .order_by("state_changed_at")
    )
