"""Who hears about each step of a proposal, and what they are told."""

from accounts_requests.models import AccountRequest
from portal import selectors
from portal.notify import notify

State = AccountRequest.State


def _applicant_and_managers(proposal):
    managers = selectors.team_managers(proposal.team_id)
    return [proposal.applicant, *managers]


def _comms_for(proposal):
    if proposal.reviewer_id:
        return [proposal.reviewer]
    return list(selectors.comms_users())


def proposal_moved(proposal, *, actor, action, comment=""):
    """Write the notifications for a transition that has just happened."""
    name = str(proposal)
    if action == "submit" and proposal.state == State.AWAITING_ENDORSEMENT:
        recipients = selectors.team_managers(proposal.team_id)
        title = f"Please endorse: {name}"
        body = (
            f"{actor} has proposed a new account for {proposal.team} and needs your endorsement."
        )
    elif action in ("submit", "endorse"):
        recipients = selectors.comms_users()
        title = f"New proposal to review: {name}"
        body = f"{proposal.team} has submitted a proposal for a new account."
        if action == "endorse":
            # The applicant hears that their manager endorsed it, not the reviewers' task.
            _notify_moved(
                proposal,
                action,
                actor,
                [proposal.applicant],
                f"Endorsed and sent for review: {name}",
                f"{actor} endorsed your proposal. It is now with the communications team, "
                "who will review it.",
                comment,
            )
    elif action == "resubmit":
        recipients = [*_comms_for(proposal), *selectors.team_managers(proposal.team_id)]
        title = f"Proposal updated and resubmitted: {name}"
        body = f"{actor} has made the changes asked for and resubmitted the proposal."
    elif action == "start_review":
        recipients = _applicant_and_managers(proposal)
        title = f"Your proposal is being reviewed: {name}"
        body = f"{proposal.reviewer} from the communications team is reviewing it."
    elif action == "request_changes":
        recipients = _applicant_and_managers(proposal)
        title = f"Changes requested: {name}"
        body = "The communications team has asked for changes before it can decide."
    elif action == "approve":
        recipients = _applicant_and_managers(proposal)
        title = f"Approved: {name}"
        body = (
            "Your proposal has been approved. Next, set up the account and complete the "
            "set-up checklist so the communications team can verify it."
        )
    elif action == "reject":
        recipients = _applicant_and_managers(proposal)
        title = f"Not approved: {name}"
        body = "The communications team has decided not to approve this proposal."
    elif action == "withdraw":
        recipients = [*_applicant_and_managers(proposal)]
        if proposal.reviewer_id:
            recipients.append(proposal.reviewer)
        title = f"Withdrawn: {name}"
        body = f"{actor} has withdrawn this proposal."
    else:
        return []
    return _notify_moved(proposal, action, actor, recipients, title, body, comment)


def _notify_moved(proposal, action, actor, recipients, title, body, comment):
    if comment:
        body = f"{body}\n\nComment from {actor}: {comment}"
    return notify(
        recipients=recipients,
        kind=f"proposal.{action}",
        title=title,
        body=body,
        url=proposal.get_absolute_url(),
        actor=actor,
    )
