"""Running a transition on a managed account, the way every account service must.

One helper for every side of the account: set-up and security (register, verify,
suspend, resolve) and reviews and closure. Lock the row, check the transition exists from
here, that this user may take it and that its conditions hold, call it, save with a
change reason, and write the event the account's timeline shows.
"""

from django.utils import timezone
from django_fsm import ConcurrentTransition

from accounts_requests.models import ManagedAccount, ManagedAccountEvent
from portal.services.errors import ActionConflict, ActionError, ActionRefused

CLOSED_MESSAGE = (
    "This account is closed. Its record is kept as it was and can no longer be changed."
)


def locked_account(account_id):
    """The account row, locked until the caller's transaction ends. Every account service
    locks the account first, so two services never wait on each other."""
    try:
        return (
            ManagedAccount.objects.select_for_update(of=("self",))
            .select_related("team")
            .get(pk=account_id)
        )
    except ManagedAccount.DoesNotExist:
        raise ActionConflict("This account no longer exists.") from None


def refuse_if_closed(account):
    if account.state == ManagedAccount.State.CLOSED:
        raise ActionConflict(CLOSED_MESSAGE)


def record_event(account, *, actor, action, from_state=None, comment="", changed_fields=()):
    return ManagedAccountEvent.objects.create(
        account=account,
        actor=actor,
        at=timezone.now(),
        action=action,
        from_state=account.state if from_state is None else from_state,
        to_state=account.state,
        comment=comment,
        changed_fields=list(changed_fields),
    )


def require_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise ActionError(message, errors={field: message})
    return value


def run_account_transition(account, *, actor, name, comment="", at=None, unmet=None, **kwargs):
    """Take transition ``name`` on a locked account; returns the state it left.

    ``unmet`` makes the error raised when the transition's conditions do not hold (the
    set-up checklist says what is missing); ``kwargs`` go to the transition.
    """
    method = getattr(account, name)
    meta = method._django_fsm
    if not meta.has_transition(account.state):
        if account.state == ManagedAccount.State.CLOSED:
            raise ActionConflict(CLOSED_MESSAGE)
        raise ActionConflict(
            f"This account is now '{account.get_state_display()}', so that can no longer be "
            "done. Nothing was changed."
        )
    if not meta.has_transition_perm(account, account.state, actor):
        raise ActionRefused("You are not allowed to do that to this account.")
    if not meta.conditions_met(account, account.state):
        if unmet is not None:
            raise unmet()
        raise ActionConflict("That cannot be done to this account yet. Nothing was changed.")
    from_state = account.state
    method(by=actor, at=at or timezone.now(), comment=comment, **kwargs)
    account._change_reason = (f"{name}: {comment}" if comment else name)[:100]
    try:
        account.save()
    except ConcurrentTransition:
        raise ActionConflict(
            "Someone else acted on this account at the same moment. Nothing was changed; "
            "reload the page to see where it stands."
        ) from None
    record_event(account, actor=actor, action=name, from_state=from_state, comment=comment)
    return from_state
