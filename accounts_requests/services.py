"""Every change to a proposal goes through here.

Each service locks the row, checks the transition is allowed for this user, calls it,
records what happened on the timeline and writes the notifications, all in one
transaction. E-mails leave only after the commit (see ``portal.notify``).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition

from accounts_requests import notifications
from accounts_requests.models import (
    AccountRequest,
    AccountRequestEvent,
    ManagedAccount,
    ManagedAccountEvent,
)
from accounts_requests.rules import can_edit

# The one family of domain errors (see portal.services.errors); imported from here by the
# tests written before the family moved to the site app.
from portal.opened import merge as merge_answers
from portal.services.errors import ActionConflict, ActionError, ActionRefused

__all__ = ["ActionConflict", "ActionError", "ActionRefused"]


class ProposalIncomplete(ActionError):
    """Answers are missing; ``errors`` maps each field to what it needs."""


@dataclass(frozen=True)
class Targets:
    followers: int
    posts_per_month: int
    engagement_rate: object
    reply_hours: int


def _locked(proposal_id):
    try:
        return AccountRequest.objects.select_for_update().get(pk=proposal_id)
    except AccountRequest.DoesNotExist:
        raise ActionConflict("This proposal no longer exists.") from None


def _record(proposal, *, actor, action, from_state, comment="", changed_fields=()):
    return AccountRequestEvent.objects.create(
        request=proposal,
        actor=actor,
        at=timezone.now(),
        action=action,
        from_state=from_state,
        to_state=proposal.state,
        comment=comment,
        changed_fields=list(changed_fields),
    )


def _run_transition(proposal_id, *, actor, name, comment="", **kwargs):
    """Lock, check, transition, save, record. Returns (proposal, from_state)."""
    proposal = _locked(proposal_id)
    method = getattr(proposal, name)
    meta = method._django_fsm
    if not meta.has_transition(proposal.state):
        raise ActionConflict(
            f"This proposal is now '{proposal.get_state_display()}', so that can no longer "
            "be done. Nothing was changed."
        )
    if not meta.has_transition_perm(proposal, proposal.state, actor):
        raise ActionRefused("You are not allowed to do that to this proposal.")
    if not meta.conditions_met(proposal, proposal.state):
        raise ProposalIncomplete(
            "Some answers are missing. Complete them and submit again.",
            errors=proposal.missing_for_submission(),
        )
    from_state = proposal.state
    method(by=actor, comment=comment, **kwargs)
    proposal._change_reason = f"{name}: {comment}"[:100] if comment else name
    try:
        proposal.save()
    except ConcurrentTransition:
        raise ActionConflict(
            "Someone else acted on this proposal at the same moment. Nothing was changed; "
            "reload the page to see where it stands."
        ) from None
    _record(proposal, actor=actor, action=name, from_state=from_state, comment=comment)
    return proposal, from_state


def _require_comment(comment, what):
    comment = (comment or "").strip()
    if not comment:
        raise ActionError(
            f"Say why: {what} needs a comment.", errors={"comment": "Write a comment."}
        )
    return comment


def account_request_create(*, actor, team, data):
    """Start a draft for ``team`` with whatever content has been filled in."""
    from portal import rules as portal_rules

    if not portal_rules.is_member_of(actor, team.pk):
        raise ActionRefused("You can only propose accounts for a team you belong to.")
    with transaction.atomic():
        proposal = AccountRequest(team=team, applicant=actor)
        for name in AccountRequest.CONTENT_FIELDS:
            if name in data:
                setattr(proposal, name, data[name])
        proposal._change_reason = "created"
        proposal.save()
        _record(proposal, actor=actor, action="created", from_state="")
    return proposal


def proposal_answers(proposal):
    """What the edit form shows of a proposal, as it is saved (``portal.opened``)."""
    return {name: getattr(proposal, name) for name in AccountRequest.CONTENT_FIELDS}


def account_request_update(*, actor, proposal_id, data, opened=None):
    """Save edits to a draft or to a proposal sent back for changes.

    ``opened`` is the edit page's stamp of what it showed (``portal.opened``): an answer
    left as it was keeps what is saved now, so a member and their manager editing at once
    do not undo each other's answers; an answer both changed is refused."""
    with transaction.atomic():
        proposal = _locked(proposal_id)
        if not can_edit(proposal, actor):
            if proposal.is_editable:
                raise ActionRefused("You cannot edit this proposal.")
            raise ActionConflict(
                f"This proposal is now '{proposal.get_state_display()}' and can no longer be "
                "edited. Nothing was changed."
            )
        data = merge_answers(
            opened,
            proposal_answers(proposal),
            {name: value for name, value in data.items() if name in AccountRequest.CONTENT_FIELDS},
            labels={
                name: str(AccountRequest._meta.get_field(name).verbose_name)
                for name in AccountRequest.CONTENT_FIELDS
            },
        )
        changed = [
            name
            for name in AccountRequest.CONTENT_FIELDS
            if name in data and getattr(proposal, name) != data[name]
        ]
        if not changed:
            return proposal, []
        for name in changed:
            setattr(proposal, name, data[name])
        proposal._change_reason = "edited"
        proposal.save()
        _record(
            proposal,
            actor=actor,
            action="edited",
            from_state=proposal.state,
            changed_fields=changed,
        )
    return proposal, changed


# Actions that must say why.
COMMENT_REQUIRED = {"request_changes": "asking for changes", "reject": "a rejection"}


def account_request_act(*, actor, proposal_id, action, comment="", **kwargs):
    """Run one of the proposal's transitions (submit, endorse, start_review, ...)."""
    if action in COMMENT_REQUIRED:
        comment = _require_comment(comment, COMMENT_REQUIRED[action])
    with transaction.atomic():
        proposal, from_state = _run_transition(
            proposal_id, actor=actor, name=action, comment=comment, **kwargs
        )
        if not (action == "withdraw" and from_state == AccountRequest.State.DRAFT):
            notifications.proposal_moved(proposal, actor=actor, action=action, comment=comment)
    return proposal


def account_request_start_review(*, actor, proposal_id, reviewer=None, comment=""):
    from portal import rules as portal_rules

    if reviewer is not None and not portal_rules.is_comms(reviewer):
        raise ActionError(
            "The reviewer must be in the communications team.",
            errors={"reviewer": "Choose someone from the communications team."},
        )
    return account_request_act(
        actor=actor,
        proposal_id=proposal_id,
        action="start_review",
        comment=comment,
        reviewer=reviewer,
    )


def account_request_approve(*, actor, proposal_id, targets, comment=""):
    """Approve and open the account in set-up, with the KPI targets it will be reviewed on."""
    with transaction.atomic():
        proposal, _ = _run_transition(proposal_id, actor=actor, name="approve", comment=comment)
        account = ManagedAccount(
            team_id=proposal.team_id,
            platform=proposal.platform,
            name=proposal.proposed_name,
            handle=proposal.proposed_handle,
            source_request=proposal,
            target_followers=targets.followers,
            target_posts_per_month=targets.posts_per_month,
            target_engagement_rate=targets.engagement_rate,
            target_reply_hours=targets.reply_hours,
        )
        account._change_reason = "opened on approval"
        account.save()
        ManagedAccountEvent.objects.create(
            account=account,
            actor=actor,
            at=account.state_changed_at,
            action="opened",
            from_state="",
            to_state=account.state,
            comment=f"Opened when proposal {proposal.pk} was approved.",
        )
        notifications.proposal_moved(proposal, actor=actor, action="approve", comment=comment)
    return proposal, account
