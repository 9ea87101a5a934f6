"""Reports of worrying posts and accounts: staff report, comms triage, old reports thinned.

Other apps act on a concern through ``concern_link``: the moderation log, once it exists,
calls it after making an entry from a concern so the report points at what was done.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from portal import rules, selectors
from portal.models import Concern, ConcernEvent, Notification, SafeguardingOutcome
from portal.notify import notify

from .errors import ActionConflict, ActionError, ActionRefused
from .workflow import office_hours_start, require_comment, run_transition

REDACTED = "[removed at the end of the retention period]"
REDACTED_LINK = "https://removed.invalid/"
ERASED = "[removed with the details of the person it was about]"
# What the team's note on a report's timeline, and in the reporter's notification, says
# once the report's details go: the note was about what was reported, often its people.
NOTE_REMOVED = "[note removed with the report's details]"
# The timeline's rows that carry a note the team typed.
NOTED_ACTIONS = ("acknowledge", "record_action", "close")
# What a timeline comment says before the incident reference given with it.
INCIDENT_REFERENCE = "Incident reference: "
# Where the reporter's notification quotes that note.
NOTE_QUOTED = " The communications team's note: "


def concern_report(*, actor, kind, link, what_worries, someone_at_risk=False):
    if not rules.can_report_concern(actor):
        raise ActionRefused("Sign in to report a concern.")
    link = (link or "").strip()
    if not link.lower().startswith(("https://", "http://")):
        raise ActionError(
            "Give the web address of what worries you.", errors={"link": "Give a web address."}
        )
    with transaction.atomic():
        concern = Concern.objects.create(
            reported_by=actor,
            kind=kind,
            link=link,
            what_worries=what_worries.strip(),
            someone_at_risk=someone_at_risk,
        )
        ConcernEvent.objects.create(
            concern=concern,
            actor=actor,
            at=concern.created_at,
            action="created",
            from_state="",
            to_state=concern.state,
        )
        # Only the kind and the platform travel in the message: the post itself, and
        # anything about the people in it, stay behind the sign-in.
        urgent = concern.is_urgent
        title = f"{'Urgent: ' if urgent else ''}Concern reported: {concern}"
        body = f"{actor} has reported {concern.get_kind_display().lower()}."
        if concern.someone_at_risk:
            body += " They think someone may be at risk of harm."
        notify(
            recipients=selectors.comms_users(),
            kind="concern.reported",
            title=title,
            body=body,
            url=concern.get_absolute_url(),
            urgent=urgent,
            actor=actor,
            send_after=None if urgent else office_hours_start(),
        )
        if concern.someone_at_risk:
            notify(
                recipients=selectors.safeguarding_leads(),
                kind="concern.at_risk",
                title=f"Urgent: a member of staff thinks someone may be at risk ({concern})",
                body=body,
                url=concern.get_absolute_url(),
                urgent=True,
                actor=actor,
            )
    return concern


COMMENT_REQUIRED = {"record_action": "recording the action taken"}


def concern_act(*, actor, concern_id, action, comment="", outcome="", incident_reference=""):
    """Acknowledge, record action taken, or close (with an outcome). Recording action and
    closing may give the incident system's number for the report."""
    comment = (comment or "").strip()
    if action in COMMENT_REQUIRED:
        comment = require_comment(comment, COMMENT_REQUIRED[action])
    kwargs = {}
    if action == "close":
        if outcome not in Concern.Outcome.values:
            raise ActionError("Choose how it ended.", errors={"outcome": "Choose how it ended."})
        kwargs["outcome"] = outcome
    incident_reference = " ".join((incident_reference or "").split())
    if incident_reference:
        if action not in ("record_action", "close"):
            raise ActionError("An incident reference is given when recording action or closing.")
        try:
            Concern._meta.get_field("incident_reference").run_validators(incident_reference)
        except ValidationError as error:
            raise ActionError(
                error.messages[0], errors={"incident_reference": error.messages[0]}
            ) from None
        kwargs["incident_reference"] = incident_reference
    noted = comment
    if incident_reference:
        noted = f"{comment}\n\n{INCIDENT_REFERENCE}{incident_reference}".strip()
    with transaction.atomic():
        concern, _ = run_transition(
            Concern,
            concern_id,
            actor=actor,
            name=action,
            event_model=ConcernEvent,
            event_field="concern",
            comment=noted,
            event_extra={"incident_reference": incident_reference},
            **kwargs,
        )
        if action in ("acknowledge", "close"):
            done = (
                "is being looked at"
                if action == "acknowledge"
                else f"is closed: {concern.get_outcome_display().lower()}"
            )
            body = f"Thank you for reporting {concern.get_kind_display().lower()}."
            if comment and rules.can_read_concern_notes(concern, concern.reported_by):
                body += f"{NOTE_QUOTED}{comment}"
            notify(
                recipients=[concern.reported_by],
                kind=f"concern.{action}",
                title=f"Your report {done}",
                body=body,
                url=concern.get_absolute_url(),
                actor=actor,
            )
    return concern


def concern_link(*, actor, concern_id, url, label):
    """Point the concern at the record made from it (a moderation entry, say)."""
    if not rules.is_comms(actor):
        raise ActionRefused("Only the communications team can link a concern to a record.")
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        raise ActionError("Link to a page of this portal.")
    with transaction.atomic():
        concern = Concern.objects.select_for_update().get(pk=concern_id)
        concern.linked_url = url[:300]
        concern.linked_label = label[:200]
        concern.save(update_fields=["linked_url", "linked_label"])
        ConcernEvent.objects.create(
            concern=concern,
            actor=actor,
            at=timezone.now(),
            action="linked",
            from_state=concern.state,
            to_state=concern.state,
            comment=label,
        )
    return concern


def concern_safeguarding_take_on(*, actor, concern_id, outcome):
    """The safeguarding lead takes on a report that someone may be at risk and says what
    became of it; the reminders about it stop. Comms' triage of the post goes on apart.

    The timeline, which the reporter reads too, says only that it was taken on: what was
    done is shown to the safeguarding lead, comms and auditors."""
    if not rules.can_take_on_safeguarding(actor):
        raise ActionRefused("Only the safeguarding lead takes on a safeguarding concern.")
    with transaction.atomic():
        concern = Concern.objects.select_for_update().get(pk=concern_id)
        # Where the report stands comes first, so a page loaded before someone else
        # took it on is told so, whatever it sent.
        if not concern.someone_at_risk:
            raise ActionConflict("This report does not say that someone may be at risk.")
        if concern.safeguarding_taken_at is not None:
            raise ActionConflict("This concern has already been taken on. Nothing was changed.")
        if concern.redacted_at:
            raise ActionConflict("This report has been removed; there is nothing left to take on.")
        if outcome not in SafeguardingOutcome.values:
            raise ActionError(
                "Choose what was done about it.", errors={"outcome": "Choose what was done."}
            )
        concern.safeguarding_taken_at = timezone.now()
        concern.safeguarding_taken_by = actor
        concern.safeguarding_outcome = outcome
        concern.save(
            update_fields=[
                "safeguarding_taken_at",
                "safeguarding_taken_by",
                "safeguarding_outcome",
            ]
        )
        ConcernEvent.objects.create(
            concern=concern,
            actor=actor,
            at=concern.safeguarding_taken_at,
            action="safeguarding_taken_on",
            from_state=concern.state,
            to_state=concern.state,
        )
    return concern


def retention_days():
    return settings.CONCERN_RETENTION_DAYS


def concerns_redact_expired(now=None, limit=500):
    """Remove the link and description of reports closed longer ago than the retention
    period; each is locked, removed and recorded in a transaction of its own. Returns how
    many were removed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    due = list(
        Concern.objects.filter(
            state=Concern.State.CLOSED, closed_at__lt=cutoff, redacted_at__isnull=True
        )
        .order_by("closed_at")
        .values_list("pk", flat=True)[:limit]
    )
    removed = 0
    for pk in due:
        with transaction.atomic():
            removed += _redact(
                pk,
                now=now,
                actor=None,
                action="redacted",
                description=REDACTED,
                comment=f"Kept for {retention_days()} days after it was closed.",
            )
    return removed


def concerns_erase(ids, *, actor, why):
    """Remove now the link and description of the reports ``ids``, whatever their state:
    they point at a person whose details are being removed (``why`` says so, without
    naming them). Runs in the caller's transaction. Returns how many were removed."""
    now = timezone.now()
    return sum(
        _redact(
            pk,
            now=now,
            actor=actor,
            action="erased",
            description=ERASED,
            comment=f"Removed with the commenter's details: {why}.",
        )
        for pk in ids
    )


def _note_removed(comment, reference):
    """A timeline comment with the team's note taken out and the incident reference given
    with it (kept on the row, ``concern_act``) kept, so the report can still be matched to
    the incident."""
    line = f"{INCIDENT_REFERENCE}{reference}" if reference else ""
    if comment == line:
        return comment  # a reference given with no note
    return f"{NOTE_REMOVED}\n\n{line}" if line else NOTE_REMOVED


def _redact(pk, *, now, actor, action, description, comment):
    """Blank one report's link and description unless that is done already, and say so
    on its timeline. The team's notes on its timeline go too, and from the reporter's
    notifications that quoted them: what was done, and when, stays. Runs in a
    transaction. Returns 1 when this call did it."""
    concern = (
        Concern.objects.select_for_update()
        .filter(pk=pk, redacted_at__isnull=True)
        .only("state")
        .first()
    )
    if concern is None:
        return 0
    Concern.objects.filter(pk=pk).update(
        redacted_at=now, link=REDACTED_LINK, what_worries=description
    )
    # On purpose, through a plain query set: the timeline's rows are kept from any other
    # change.
    noted = models.QuerySet(ConcernEvent).filter(concern_id=pk, action__in=NOTED_ACTIONS)
    rows = noted.exclude(comment="").values_list("pk", "comment", "incident_reference")
    for event_pk, typed, reference in rows:
        models.QuerySet(ConcernEvent).filter(pk=event_pk).update(
            comment=_note_removed(typed, reference)
        )
    quoting = list(
        Notification.objects.filter(
            kind__startswith="concern.",
            url=reverse("portal:concern_detail", args=[pk]),
            body__contains=NOTE_QUOTED,
        ).only("body")
    )
    for note in quoting:
        note.body = f"{note.body.split(NOTE_QUOTED)[0]}{NOTE_QUOTED}{NOTE_REMOVED}"
    Notification.objects.bulk_update(quoting, ["body"])
    ConcernEvent.objects.create(
        concern_id=pk,
        actor=actor,
        at=now,
        action=action,
        from_state=concern.state,
        to_state=concern.state,
        comment=comment,
    )
    return 1
