"""Each review and closure transition, from every state, for every role."""

import pytest

from accounts_requests.kpi import reviews
from accounts_requests.models import AccountClosure, ManagedAccount
from accounts_requests.services import ActionConflict, ActionRefused
from tests import kpi_factories

pytestmark = pytest.mark.django_db

State = ManagedAccount.State
ROLES = ("member", "manager", "comms", "head", "auditor", "outsider", "other_manager")
COMMS = {"comms", "head"}


def _start(actor, account, comms):
    reviews.account_review_start(actor=actor, account_id=account.pk)


def _decide(outcome):
    def run(actor, account, comms):
        review = kpi_factories.review(account, comms)
        reviews.account_review_decide(
            actor=actor,
            review_id=review.pk,
            outcome=outcome,
            reasons="What the figures show.",
            actions="Post twice a week.",
            closure_reason="low_engagement",
        )

    return run


def _propose(actor, account, comms):
    from portal import rules as portal_rules

    reason = "inappropriate_content" if portal_rules.is_comms(actor) else "team_request"
    reviews.account_closure_propose(
        actor=actor, account_id=account.pk, reason=reason, explanation="Why it should close."
    )


def _cancel(actor, account, comms):
    closure = kpi_factories.closure(account, comms)
    reviews.account_closure_cancel(actor=actor, closure_id=closure.pk, reason="Still needed.")


def _sign_off(actor, account, comms):
    closure = kpi_factories.closure(account, comms)
    kpi_factories.complete_checklist(closure, comms)
    reviews.account_closure_sign_off(actor=actor, closure_id=closure.pk)


# action: (run, {source state: (roles allowed, state afterwards)})
ACTIONS = {
    "start_review": (
        _start,
        {
            State.ACTIVE: (COMMS, State.UNDER_REVIEW),
            State.IMPROVEMENT_PLAN: (COMMS, State.UNDER_REVIEW),
        },
    ),
    "continue": (_decide("continue"), {State.UNDER_REVIEW: (COMMS, State.ACTIVE)}),
    "improvement_plan": (
        _decide("improvement_plan"),
        {State.UNDER_REVIEW: (COMMS, State.IMPROVEMENT_PLAN)},
    ),
    "propose_closure_in_review": (
        _decide("propose_closure"),
        {State.UNDER_REVIEW: (COMMS, State.CLOSURE_PROPOSED)},
    ),
    "propose_closure": (
        _propose,
        {
            State.ACTIVE: (COMMS | {"manager"}, State.CLOSURE_PROPOSED),
            State.IMPROVEMENT_PLAN: (COMMS | {"manager"}, State.CLOSURE_PROPOSED),
        },
    ),
    "cancel_closure": (_cancel, {State.CLOSURE_PROPOSED: (COMMS, State.ACTIVE)}),
    "sign_off": (_sign_off, {State.CLOSURE_PROPOSED: ({"head"}, State.CLOSED)}),
}


@pytest.mark.parametrize("state", State.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_transition_from_each_state_for_each_role(action, state, people, team, comms):
    run, allowed_from = ACTIONS[action]
    for role in ROLES:
        account = kpi_factories.account(team, state=state, name=f"{action} {state} {role}")
        actor = people[role]
        if state not in allowed_from:
            with pytest.raises(ActionConflict):
                run(actor, account, comms)
            expected = state
        elif role not in allowed_from[state][0]:
            with pytest.raises(ActionRefused):
                run(actor, account, comms)
            expected = state
        else:
            run(actor, account, comms)
            expected = allowed_from[state][1]
        fresh = ManagedAccount.objects.get(pk=account.pk)
        assert fresh.state == expected, (action, state, role)
        moved = fresh.events.filter(from_state=state, to_state=expected).exclude(
            from_state=expected
        )
        assert moved.exists() == (expected != state), (action, state, role)


def test_a_closure_goes_back_to_the_improvement_plan_it_interrupted(team, comms, manager):
    account = kpi_factories.account(team, state=State.IMPROVEMENT_PLAN)
    closure = reviews.account_closure_propose(
        actor=manager, account_id=account.pk, reason="team_request", explanation="We are merging."
    )
    assert closure.previous_state == State.IMPROVEMENT_PLAN
    reviews.account_closure_cancel(actor=comms, closure_id=closure.pk, reason="Keep going.")
    assert ManagedAccount.objects.get(pk=account.pk).state == State.IMPROVEMENT_PLAN


def test_a_closed_account_has_no_transitions_left(team, people):
    account = kpi_factories.account(team, state=State.CLOSED)
    assert list(account.get_available_state_transitions()) == []
    for user in people.values():
        assert list(account.get_available_user_state_transitions(user)) == []


def test_a_team_may_only_give_its_own_reasons(team, manager):
    account = kpi_factories.account(team)
    with pytest.raises(reviews.ActionError) as error:
        reviews.account_closure_propose(
            actor=manager,
            account_id=account.pk,
            reason=AccountClosure.Reason.INAPPROPRIATE_CONTENT,
            explanation="x",
        )
    assert "reason" in error.value.errors
    assert ManagedAccount.objects.get(pk=account.pk).state == State.ACTIVE
