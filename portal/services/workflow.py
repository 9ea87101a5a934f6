"""Running one state-machine transition: lock, check, call, save, record."""

from django.utils import timezone
from django_fsm import ConcurrentTransition

from portal.worktime import WorkingCalendar

from .errors import ActionConflict, ActionError, ActionRefused


def run_transition(
    model, pk, *, actor, name, event_model, event_field, comment="", event_extra=None, **kwargs
):
    """Run transition ``name`` on row ``pk`` for ``actor``; returns (record, from_state).
    ``event_extra`` holds any further fields of the timeline's row.

    Call inside ``transaction.atomic()``: the row stays locked until the caller commits.
    """
    noun = model._meta.verbose_name
    try:
        record = model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise ActionConflict(f"This {noun} no longer exists.") from None
    method = getattr(record, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ActionError("There is no such action.")
    if not meta.has_transition(record.state):
        raise ActionConflict(
            f"This {noun} is now '{record.get_state_display()}', so that can no longer be "
            "done. Nothing was changed."
        )
    if not meta.has_transition_perm(record, record.state, actor):
        raise ActionRefused(f"You are not allowed to do that to this {noun}.")
    if not meta.conditions_met(record, record.state):
        raise ActionError(f"That cannot be done to this {noun} yet. Nothing was changed.")
    from_state = record.state
    method(by=actor, comment=comment, **kwargs)
    try:
        record.save()
    except ConcurrentTransition:
        raise ActionConflict(
            f"Someone else acted on this {noun} at the same moment. Nothing was changed; "
            "reload the page to see where it stands."
        ) from None
    event_model.objects.create(
        **{event_field: record},
        actor=actor,
        at=timezone.now(),
        action=name,
        from_state=from_state,
        to_state=record.state,
        comment=comment,
        **(event_extra or {}),
    )
    return record, from_state


def require_comment(comment, what):
    comment = (comment or "").strip()
    if not comment:
        raise ActionError(
            f"Say why: {what} needs a comment.", errors={"comment": "Write a comment."}
        )
    return comment


def office_hours_start(now=None):
    """When an ordinary notification may go: now in office hours, else when they begin."""
    now = now or timezone.now()
    start = WorkingCalendar.current().next_office_start(now)
    return None if start <= now else start
