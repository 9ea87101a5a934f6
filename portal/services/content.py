"""Editing and publishing the playbook and the slides, and confirming the playbook is read."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal import markup, rules
from portal.models import Document, DocumentVersion, ReadConfirmation
from portal.moments import local_day, local_time
from portal.notify import notify

from .errors import ActionConflict, ActionError, ActionRefused
from .workflow import office_hours_start

TITLE_MAX = Document._meta.get_field("draft_title").max_length
BODY_MAX = 200_000


def _locked(kind):
    document, _ = Document.objects.get_or_create(kind=kind)
    return Document.objects.select_for_update().get(pk=document.pk)


def _check_editor(actor):
    if not rules.can_edit_content(actor):
        raise ActionRefused("Only the communications team can edit the playbook and slides.")


def _check_revision(document, revision, doing):
    if document.draft_revision != revision:
        who = document.draft_updated_by or "Someone"
        when = document.draft_updated_at
        since = f" at {local_time(when)} on {local_day(when)}" if when else ""
        raise ActionConflict(
            f"{who} changed the draft{since} while you were {doing}. Nothing was saved over "
            "their work."
        )


def validate_content(kind, title, body):
    """{field: message} for a draft that could not be published as it stands."""
    errors = {}
    if not title.strip():
        errors["title"] = "Give it a title."
    if not body.strip():
        errors["body"] = "Write the text."
    elif len(body) > BODY_MAX:
        errors["body"] = f"Keep it under {BODY_MAX:,} characters."
    elif kind == Document.Kind.SLIDES and not markup.split_slides(body):
        errors["body"] = "Write at least one slide."
    return errors


def content_save_draft(*, actor, kind, title, body, revision):
    """Save the shared draft; refuses when someone else saved it since ``revision``."""
    _check_editor(actor)
    title, body = title.strip(), body.replace("\r\n", "\n")
    errors = validate_content(kind, title, body)
    if errors:
        raise ActionError("The draft was not saved: correct what is marked.", errors=errors)
    with transaction.atomic():
        document = _locked(kind)
        _check_revision(document, revision, "editing")
        if not document.has_draft:
            current = document.current_version()
            document.draft_based_on = current.number if current else None
        document.has_draft = True
        document.draft_title = title
        document.draft_body = body
        document.draft_revision += 1
        document.draft_updated_by = actor
        document.draft_updated_at = timezone.now()
        document.save()
    return document


def content_discard_draft(*, actor, kind, revision):
    _check_editor(actor)
    with transaction.atomic():
        document = _locked(kind)
        if not document.has_draft:
            raise ActionConflict("There is no draft to discard.")
        _check_revision(document, revision, "looking at it")
        _clear_draft(document)
        document.save()
    return document


def _clear_draft(document):
    document.has_draft = False
    document.draft_title = ""
    document.draft_body = ""
    document.draft_based_on = None
    document.draft_revision += 1


def content_publish(*, actor, kind, revision, summary, ask_staff=False):
    """Publish the draft as the next version; with ``ask_staff`` tell every member of
    staff that the playbook has changed and asks them to read it again."""
    _check_editor(actor)
    summary = " ".join((summary or "").split())
    if not summary:
        raise ActionError(
            "Say what changed, so staff know what to look for.",
            errors={"change_summary": "Say what changed in a sentence or two."},
        )
    with transaction.atomic():
        document = _locked(kind)
        if not document.has_draft:
            raise ActionConflict("There is no draft to publish: someone may have published it.")
        _check_revision(document, revision, "previewing it")
        errors = validate_content(kind, document.draft_title, document.draft_body)
        if errors:
            raise ActionError("The draft cannot be published: " + " ".join(errors.values()))
        current = document.current_version()
        if current and (current.title, current.body) == (
            document.draft_title,
            document.draft_body,
        ):
            raise ActionError(
                "The draft is the same as the published version: nothing to publish."
            )
        version = DocumentVersion.objects.create(
            document=document,
            number=current.number + 1 if current else 1,
            title=document.draft_title,
            body=document.draft_body,
            change_summary=summary[:300],
            published_by=actor,
            published_at=timezone.now(),
        )
        _clear_draft(document)
        document.save()
        if ask_staff and kind == Document.Kind.PLAYBOOK:
            notify(
                recipients=get_user_model().objects.filter(is_active=True),
                kind="playbook.published",
                title=f"The playbook has changed: please read version {version.number}",
                body=f"What changed: {version.change_summary}\n\nRead it and confirm you have.",
                url=reverse("portal:playbook"),
                actor=actor,
                send_after=office_hours_start(),
            )
    return version


def playbook_confirm_read(*, actor, version_number):
    """Record that ``actor`` has read this playbook version; returns (row, created)."""
    if not (actor and actor.is_authenticated):
        raise ActionRefused("Sign in to confirm.")
    current = (
        DocumentVersion.objects.filter(document__kind=Document.Kind.PLAYBOOK)
        .order_by("-number")
        .first()
    )
    if current is None:
        raise ActionConflict("The playbook has not been published yet.")
    if current.number != version_number:
        raise ActionConflict(
            f"Version {current.number} of the playbook was published while you were reading. "
            "Look at what changed, then confirm the new version."
        )
    return ReadConfirmation.objects.get_or_create(
        user=actor, version=current, defaults={"confirmed_at": timezone.now()}
    )
