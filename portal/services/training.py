"""Bespoke training sessions: a team asks, comms schedule, the team is told."""

import datetime

from django.db import transaction
from django.utils import timezone

from portal import rules, selectors
from portal.models import TrainingRequest, TrainingRequestEvent
from portal.notify import notify

from .errors import ActionError, ActionRefused
from .workflow import office_hours_start, require_comment, run_transition

FIELDS = (
    "team",
    "service_name",
    "audience",
    "audience_size",
    "topics",
    "other_topics",
    "session_format",
    "preferred_date_1",
    "preferred_date_2",
    "preferred_date_3",
    "timing_notes",
)
SESSION_MINUTES = (15, 480)


def _audience_users(record):
    """Who hears about the session: the team, or the person who asked."""
    if record.team_id:
        return [record.requested_by, *selectors.team_users(record.team_id)]
    return [record.requested_by]


def _when(record):
    start = timezone.localtime(record.session_starts_at)
    return f"{start:%A %-d %B %Y at %H:%M}"


def training_request_create(*, actor, data):
    if not rules.can_request_training(actor):
        raise ActionRefused("Sign in to ask for training.")
    team = data.get("team")
    if team is not None and not rules.is_member_of(actor, team.pk):
        raise ActionRefused("You can only ask for training for a team you belong to.")
    if team is None and not (data.get("service_name") or "").strip():
        raise ActionError(
            "Say which team or service the session is for.",
            errors={"service_name": "Say which team or service the session is for."},
        )
    with transaction.atomic():
        record = TrainingRequest(requested_by=actor)
        for name in FIELDS:
            if name in data:
                setattr(record, name, data[name])
        if team is not None:
            record.service_name = ""
        record.save()
        TrainingRequestEvent.objects.create(
            request=record,
            actor=actor,
            at=record.created_at,
            action="created",
            from_state="",
            to_state=record.state,
        )
        notify(
            recipients=selectors.comms_users(),
            kind="training.requested",
            title=f"Training requested by {record.audience_name}",
            body=f"{actor} would like a social media session for {record.audience_name}. "
            f"First choice of date: {record.preferred_date_1:%-d %B %Y}.",
            url=record.get_absolute_url(),
            actor=actor,
            send_after=office_hours_start(),
        )
    return record


def _check_booking(starts_at, minutes, location, presenter):
    errors = {}
    if starts_at is None:
        errors["starts_at"] = "Give the date and time."
    elif starts_at <= timezone.now():
        errors["starts_at"] = "Choose a time in the future."
    if minutes is None or not SESSION_MINUTES[0] <= minutes <= SESSION_MINUTES[1]:
        errors["minutes"] = (
            f"A session lasts between {SESSION_MINUTES[0]} and {SESSION_MINUTES[1]} minutes."
        )
    if not (location or "").strip():
        errors["location"] = "Say where it is, or give the link to join."
    if presenter is not None and not rules.is_comms(presenter):
        errors["presenter"] = "Choose someone from the communications team."
    if errors:
        raise ActionError("The session was not booked: correct what is marked.", errors=errors)


COMMENT_REQUIRED = {"decline": "declining a request"}


def training_request_act(*, actor, request_id, action, comment="", **booking):
    """Run one transition: schedule, reschedule, mark_delivered, decline or cancel."""
    comment = (comment or "").strip()
    if action in COMMENT_REQUIRED:
        comment = require_comment(comment, COMMENT_REQUIRED[action])
    kwargs = {}
    if action in ("schedule", "reschedule"):
        kwargs = {
            "starts_at": booking.get("starts_at"),
            "minutes": booking.get("minutes"),
            "location": (booking.get("location") or "").strip(),
            "presenter": booking.get("presenter"),
        }
        _check_booking(**kwargs)
    with transaction.atomic():
        record, from_state = run_transition(
            TrainingRequest,
            request_id,
            actor=actor,
            name=action,
            event_model=TrainingRequestEvent,
            event_field="request",
            comment=comment,
            **kwargs,
        )
        _tell(record, actor=actor, action=action, comment=comment, from_state=from_state)
    return record


def _tell(record, *, actor, action, comment, from_state):
    url = record.get_absolute_url()
    note = f"\n\nFrom {actor}: {comment}" if comment else ""
    if action in ("schedule", "reschedule"):
        verb = "booked" if action == "schedule" else "moved"
        ends = timezone.localtime(record.session_ends_at)
        notify(
            recipients=_audience_users(record),
            kind=f"training.{action}",
            title=f"Social media training {verb}: {_when(record)}",
            body=f"Your session with {record.presenter} is on {_when(record)} until "
            f"{ends:%H:%M}.\nWhere: {record.location}{note}",
            url=url,
            actor=actor,
        )
    elif action == "decline":
        notify(
            recipients=[record.requested_by],
            kind="training.declined",
            title=f"Training request declined: {record.audience_name}",
            body=f"The communications team cannot run this session.{note}",
            url=url,
            actor=actor,
        )
    elif action == "cancel":
        if rules.is_comms(actor):
            recipients = _audience_users(record)
        elif from_state == TrainingRequest.State.SCHEDULED and record.presenter_id:
            recipients = [record.presenter, record.requested_by]
        else:
            recipients = [*selectors.comms_users(), record.requested_by]
        notify(
            recipients=recipients,
            kind="training.cancelled",
            title=f"Training cancelled: {record.audience_name}",
            body=f"{actor} has cancelled the training request.{note}",
            url=url,
            actor=actor,
        )


def default_session_start(record):
    """A suggestion for the booking form: the first choice of date, at 10:00."""
    first = next((d for d in record.preferred_dates() if d >= timezone.localdate()), None)
    if first is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time(10, 0)))
