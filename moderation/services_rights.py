"""Requests from members of the public about what the log holds on them, from the day
each arrives until it is answered.

A request is logged against the commenter it is about, with the day it reached the
trust; the answer is due a calendar month later, and the reminder engine tells the
communications team and the head of communications before then and once it is late
(``moderation/reminders.py``). A subject access export or an early removal of their
details answers the open request of its kind (``services.subject_access_export``,
``services.commenter_erase``); one that is withdrawn, refused or answered elsewhere is
closed with its reason. While a request for a copy waits, nothing about its commenter is
removed, by retention or early: the copy must hold what was there when they asked.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from moderation import notifications, rules, selectors
from moderation.models import Commenter, RightsRequest
from portal.services.errors import ActionConflict, ActionError, ActionRefused


def check_received(received_on):
    """A request about a person's data is answered from the day it reached the trust,
    which has to be given and cannot be in the future."""
    if received_on is None or received_on > timezone.localdate():
        said = (
            "Give the day the request was received."
            if received_on is None
            else "The day received cannot be in the future."
        )
        raise ActionError(said, errors={"received_on": said})


def _refuse_unless_allowed(actor):
    if not rules.can_handle_rights_requests(actor):
        raise ActionRefused(
            "Only the communications team can log, correct or close a request about a "
            "person's data."
        )


def _clean_reference(reference):
    """The reference with its spaces tidied, refused unless it has the shape and length
    the model's field declares."""
    reference = " ".join((reference or "").split())
    if reference:
        try:
            RightsRequest._meta.get_field("reference").clean(reference, None)
        except ValidationError as error:
            said = error.messages[0]
            raise ActionError(said, errors={"reference": said}) from None
    return reference


def request_log(*, actor, commenter, kind, received_on, reference=""):
    """Log a request of ``kind`` about ``commenter`` that reached the trust on
    ``received_on``. Refused while one of the same kind is open for them: that one is
    answered first. The heads of communications hear of an erasure request at once."""
    _refuse_unless_allowed(actor)
    check_received(received_on)
    if kind not in RightsRequest.Kind.values:
        raise ActionError("Choose what they asked for.", errors={"kind": "Choose one."})
    reference = _clean_reference(reference)
    request = RightsRequest(
        commenter=commenter,
        kind=kind,
        received_on=received_on,
        reference=reference,
        logged_by=actor,
    )
    try:
        with transaction.atomic():
            # Locked, as retention locks them before it removes anything: a request for
            # a copy logged now holds back what it is about, or finds it already gone.
            locked = Commenter.objects.select_for_update().filter(pk=commenter.pk).first()
            if locked is None or locked.is_forgotten:
                raise ActionConflict("Nothing that names this commenter is held any more.")
            request.save()
            if kind == RightsRequest.Kind.ERASURE:
                notifications.erasure_request_logged(request, actor=actor)
    except IntegrityError:
        said = (
            f"A {request.kind_label} request about them is already open. Answer or close "
            "that one first."
        )
        raise ActionError(said, errors={"kind": said}) from None
    return request


def request_close(*, actor, request_id, closure):
    """Close an open request without an export or a removal, for ``closure``. One closed
    as logged in error leaves the year's figures, so the heads of communications are told
    at once: nobody can take a late request out of them unseen."""
    _refuse_unless_allowed(actor)
    if closure not in RightsRequest.Closure.values:
        raise ActionError("Say why it is closed.", errors={"closure": "Choose one."})
    with transaction.atomic():
        request = RightsRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise ActionConflict("There is no such request.")
        if request.status != RightsRequest.Status.OPEN:
            raise ActionConflict("This request has already been answered or closed.")
        if closure == RightsRequest.Closure.REFUSED and not rules.can_refuse_rights_request(
            actor, request
        ):
            said = (
                "Only the head of communications can refuse an erasure request. Ask them to "
                "close it, or choose another reason."
            )
            raise ActionError(said, errors={"closure": said})
        request.status = RightsRequest.Status.CLOSED
        request.closure = closure
        request.closed_by = actor
        request.closed_at = timezone.now()
        request._change_reason = f"closed: {request.get_closure_display()}"
        request.save()
        if request.in_error:
            notifications.rights_closed_in_error(request, actor=actor)
    return request


def request_correct(*, actor, request_id, received_on, reference, why):
    """Put right the day a waiting request was received, and so the day its answer is
    due, or its reference, for ``why`` (a ``RightsRequest.Correction``). The request's
    history keeps what it said before, who changed it and why. An answered or closed
    request stays as it was, so whether it was answered in time cannot be rewritten.

    Moving the day due later gives less reason to hurry, so the heads of communications
    are told at once when that happens."""
    _refuse_unless_allowed(actor)
    if why not in RightsRequest.Correction.values:
        raise ActionError("Say why it is corrected.", errors={"why": "Choose one."})
    check_received(received_on)
    reference = _clean_reference(reference)
    with transaction.atomic():
        request = RightsRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise ActionConflict("There is no such request.")
        if request.status != RightsRequest.Status.OPEN:
            raise ActionConflict(
                "This request has been answered or closed, and is kept as it was then."
            )
        logged_on = timezone.localdate(request.logged_at)
        if received_on > logged_on:
            said = f"It was logged on {logged_on:%-d %B %Y}, so it had reached the trust by then."
            raise ActionError(said, errors={"received_on": said})
        if (received_on, reference) == (request.received_on, request.reference):
            said = (
                "Nothing was changed: the day received and the reference are as they were. "
                "Give the right one, or go back to the request."
            )
            raise ActionError(said, errors={"__all__": said})
        due_before = request.due_on
        request.received_on = received_on
        request.reference = reference
        request._change_reason = RightsRequest.CORRECTED + RightsRequest.Correction(why).label
        request._history_user = actor
        request.save()
        if request.due_on > due_before:
            notifications.rights_deadline_later(request, due_before=due_before, actor=actor)
    return request


def check_matches_open(commenter, kind, received_on):
    """An export or removal for a handle with an open request of its kind answers that
    request, so it must give the day that request was received."""
    waiting = selectors.open_request(commenter, kind)
    if waiting is not None and waiting.received_on != received_on:
        said = (
            f"The open {waiting.kind_label} request about them was received on "
            f"{waiting.received_on:%-d %B %Y}. Give that day, or close that request first."
        )
        raise ActionError(said, errors={"received_on": said})


def answer_open(*, actor, commenter, kind, received_on, export=None, erasure=None):
    """Mark the open request of ``kind`` about ``commenter`` received on ``received_on``,
    if any, answered by ``export`` or ``erasure``. Run in the transaction that records
    the answer; a request logged meanwhile for another day stays open."""
    request = (
        RightsRequest.objects.select_for_update()
        .open()
        .filter(commenter=commenter, kind=kind, received_on=received_on)
    ).first()
    if request is None:
        return None
    request.status = RightsRequest.Status.ANSWERED
    request.closed_by = actor
    request.closed_at = timezone.now()
    request.export = export
    request.erasure = erasure
    request._change_reason = "answered"
    request.save()
    return request
