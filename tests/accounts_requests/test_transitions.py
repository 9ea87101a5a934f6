"""Every proposal transition from every state for every role, through the services."""

from decimal import Decimal

import pytest

from accounts_requests import services
from accounts_requests.models import AccountRequest, AccountRequestEvent, ManagedAccount
from tests.factories import proposal_in_state

State = AccountRequest.State
TEAM = {"member", "manager"}
COMMS = {"comms", "head"}
ROLES = ["member", "manager", "outsider", "comms", "head", "auditor", "staff"]

# action: (states it may start from, roles that may take it)
RULES = {
    "submit": ({State.DRAFT}, TEAM),
    "endorse": ({State.AWAITING_ENDORSEMENT}, {"manager"}),
    "start_review": ({State.SUBMITTED}, COMMS),
    "request_changes": ({State.IN_REVIEW}, COMMS),
    "resubmit": ({State.CHANGES_REQUESTED}, TEAM),
    "approve": ({State.IN_REVIEW}, COMMS),
    "reject": ({State.IN_REVIEW}, COMMS),
    "withdraw": (
        {State.DRAFT, State.AWAITING_ENDORSEMENT, State.SUBMITTED, State.CHANGES_REQUESTED},
        TEAM,
    ),
}

TARGETS = services.Targets(
    followers=300, posts_per_month=12, engagement_rate=Decimal("2.5"), reply_hours=8
)


def expected_target(action, role):
    if action == "submit":
        return State.SUBMITTED if role == "manager" else State.AWAITING_ENDORSEMENT
    return {
        "endorse": State.SUBMITTED,
        "start_review": State.IN_REVIEW,
        "request_changes": State.CHANGES_REQUESTED,
        "resubmit": State.SUBMITTED,
        "approve": State.APPROVED,
        "reject": State.REJECTED,
        "withdraw": State.WITHDRAWN,
    }[action]


def run(action, actor, proposal):
    if action == "approve":
        return services.account_request_approve(
            actor=actor, proposal_id=proposal.pk, targets=TARGETS
        )
    if action == "start_review":
        return services.account_request_start_review(actor=actor, proposal_id=proposal.pk)
    return services.account_request_act(
        actor=actor, proposal_id=proposal.pk, action=action, comment="Because."
    )


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", sorted(RULES))
def test_transition_from_every_state_for_every_role(action, state, people, team):
    sources, allowed_roles = RULES[action]
    for role in ROLES:
        proposal = proposal_in_state(state, team=team, applicant=people["member"])
        actor = people[role]
        events_before = AccountRequestEvent.objects.count()

        if state not in sources:
            with pytest.raises(services.ActionConflict):
                run(action, actor, proposal)
        elif role not in allowed_roles:
            with pytest.raises(services.ActionRefused):
                run(action, actor, proposal)
        else:
            run(action, actor, proposal)
            proposal.refresh_from_db()
            assert proposal.state == expected_target(action, role), role
            event = AccountRequestEvent.objects.latest("id")
            assert (event.actor, event.action, event.from_state, event.to_state) == (
                actor,
                action,
                state,
                proposal.state,
            )
            continue

        proposal.refresh_from_db()
        assert proposal.state == state, role
        assert AccountRequestEvent.objects.count() == events_before, role


def test_submit_is_refused_with_every_missing_answer_listed(member, team):
    proposal = proposal_in_state(
        State.DRAFT, team=team, applicant=member, goals="", office_hours_commitment=False
    )
    with pytest.raises(services.ProposalIncomplete) as refused:
        services.account_request_act(actor=member, proposal_id=proposal.pk, action="submit")
    assert set(refused.value.errors) == {"goals", "office_hours_commitment"}
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


@pytest.mark.parametrize("action", ["request_changes", "reject"])
def test_asking_for_changes_or_rejecting_needs_a_comment(action, comms, team):
    proposal = proposal_in_state(State.IN_REVIEW, team=team)
    with pytest.raises(services.ActionError) as refused:
        services.account_request_act(
            actor=comms, proposal_id=proposal.pk, action=action, comment="   "
        )
    assert "comment" in refused.value.errors
    proposal.refresh_from_db()
    assert proposal.state == State.IN_REVIEW


def test_a_manager_submitting_skips_endorsement_and_is_recorded_as_endorser(manager, team):
    proposal = proposal_in_state(State.DRAFT, team=team, applicant=manager)
    services.account_request_act(actor=manager, proposal_id=proposal.pk, action="submit")
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert proposal.endorsed_by == manager
    assert proposal.submitted_at is not None


def test_start_review_assigns_the_chosen_reviewer(comms, comms2, team):
    proposal = proposal_in_state(State.SUBMITTED, team=team)
    services.account_request_start_review(actor=comms, proposal_id=proposal.pk, reviewer=comms2)
    proposal.refresh_from_db()
    assert proposal.reviewer == comms2


def test_the_reviewer_must_be_in_the_communications_team(comms, member, team):
    proposal = proposal_in_state(State.SUBMITTED, team=team)
    with pytest.raises(services.ActionError):
        services.account_request_start_review(
            actor=comms, proposal_id=proposal.pk, reviewer=member
        )
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


def test_approval_opens_the_account_in_set_up_with_its_targets(comms, team):
    proposal = proposal_in_state(State.IN_REVIEW, team=team, proposed_handle="@peers")
    _, account = services.account_request_approve(
        actor=comms, proposal_id=proposal.pk, targets=TARGETS, comment="Well argued."
    )
    account = ManagedAccount.objects.get(pk=account.pk)
    assert account.state == ManagedAccount.State.SETTING_UP
    assert (account.team, account.handle, account.source_request_id) == (
        team,
        "@peers",
        proposal.pk,
    )
    assert (account.target_followers, account.target_engagement_rate) == (300, Decimal("2.50"))
    assert account.events.get().action == "opened"
    proposal.refresh_from_db()
    assert (proposal.decided_by, proposal.decision_comment) == (comms, "Well argued.")


def test_edits_are_recorded_with_the_fields_that_changed(member, team):
    proposal = proposal_in_state(State.DRAFT, team=team, applicant=member)
    services.account_request_update(
        actor=member, proposal_id=proposal.pk, data={"goals": "New goals", "risks": "New risks"}
    )
    event = proposal.events.latest("id")
    assert event.action == "edited"
    assert sorted(event.changed_fields) == ["goals", "risks"]
    assert proposal.history.count() == 2


def test_a_proposal_cannot_be_edited_once_submitted(member, team):
    proposal = proposal_in_state(State.SUBMITTED, team=team, applicant=member)
    with pytest.raises(services.ActionConflict):
        services.account_request_update(
            actor=member, proposal_id=proposal.pk, data={"goals": "Sneaky"}
        )
    proposal.refresh_from_db()
    assert proposal.goals != "Sneaky"


def test_another_team_cannot_edit_a_draft(outsider, team):
    proposal = proposal_in_state(State.DRAFT, team=team)
    with pytest.raises(services.ActionRefused):
        services.account_request_update(
            actor=outsider, proposal_id=proposal.pk, data={"goals": "Sneaky"}
        )


def test_the_timeline_log_cannot_be_changed_or_deleted(member, team):
    proposal = proposal_in_state(State.DRAFT, team=team, applicant=member)
    services.account_request_act(actor=member, proposal_id=proposal.pk, action="submit")
    event = proposal.events.get()
    with pytest.raises(PermissionError):
        event.delete()
    event.comment = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        proposal.events.all().delete()
    with pytest.raises(PermissionError):
        proposal.events.update(comment="rewritten")


def test_state_cannot_be_set_directly(team):
    proposal = proposal_in_state(State.DRAFT, team=team)
    with pytest.raises(AttributeError):
        proposal.state = State.APPROVED
