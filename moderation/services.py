"""Every change to the moderation log goes through here.

Entries are never deleted. Each change is one transaction that writes the entry's
timeline, and the notifications it needs; e-mails leave only after the commit.
"""

import datetime
import functools
import logging
import re
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from accounts_requests.concerns import link_is_on
from accounts_requests.kpi.months import add_months
from moderation import (
    detector,
    notifications,
    rollups,
    rules,
    selectors,
    services_rights,
    subject_access,
)
from moderation import evidence as evidence_store
from moderation.models import (
    Action,
    AuthorTold,
    Category,
    Commenter,
    Entry,
    EntryAction,
    EntryCategory,
    EntryEvent,
    Erasure,
    EvidenceDownload,
    EvidenceFile,
    ExportRecord,
    ManagementPlan,
    PlanStep,
    Reconsideration,
    RightsRequest,
    SafeguardingOutcome,
)
from moderation.models.commenter import FORGOTTEN_KEY, handle_key
from moderation.models.rights import access_requesters
from portal.models import ConcernEvent
from portal.moments import local_day, local_moment
from portal.numbers import counted
from portal.opened import merge as merge_answers
from portal.services.concerns import concerns_erase
from portal.services.errors import ActionConflict, ActionError, ActionRefused

__all__ = ["ActionConflict", "ActionError", "ActionRefused"]

log = logging.getLogger(__name__)

# Fields a moderator fills in; the form passes them in ``data``.
ENTRY_FIELDS = (
    "account",
    "occurred_at",
    "post_url",
    "comment_url",
    "excerpt",
    "author_told",
    "not_told_reason",
    "hate_crime_strand",
    "safeguarding",
    "incident_reference",
    "notes",
)
# Whose old values the timeline may show: nothing that is a commenter's personal data.
SHOW_OLD_VALUES = {
    "account",
    "occurred_at",
    "author_told",
    "hate_crime_strand",
    "safeguarding",
    "incident_reference",
}


def default_retention(today=None):
    today = today or timezone.localdate()
    return add_months(today, settings.MODERATION_EVIDENCE_RETENTION_MONTHS)


def _require_writer(actor):
    if not rules.can_write(actor):
        raise ActionRefused("Only the communications team can change the moderation log.")


def _commenter_for(platform, handle, when):
    key = handle_key(handle)
    if not key:
        raise ActionError("Give the author's handle.", errors={"handle": "Give the handle."})
    for _attempt in range(2):
        commenter = Commenter.objects.filter(platform=platform, handle_key=key).first()
        if commenter is None:
            try:
                with transaction.atomic():
                    commenter = Commenter.objects.create(
                        platform=platform, handle=handle.strip(), first_seen_at=when
                    )
            except IntegrityError:  # someone logged the same person at the same moment
                commenter = Commenter.objects.get(platform=platform, handle_key=key)
        # Lock the person so two entries saved at once count their breaches one at a time.
        locked = Commenter.objects.select_for_update().get(pk=commenter.pk)
        if locked.handle_key == key:
            return locked
        # The retention job forgot them meanwhile: the handle starts a new record.
    raise ActionConflict("The author's record changed as this was saved. Save it again.")


def _normalise(data, *, zero_tolerance=True):
    data = dict(data)
    findings = detector.find(data.get("excerpt", ""))
    data["excerpt"] = detector.redact(data.get("excerpt", ""), findings).strip()
    categories = list(data.get("categories") or [])
    actions = list(dict.fromkeys(data.get("actions") or []))
    if any(c.raises_safeguarding for c in categories) or Action.SAFEGUARDING in actions:
        data["safeguarding"] = True
    if data.get("author_told") != AuthorTold.NOT_TOLD:
        data["not_told_reason"] = ""
    elif not (data.get("not_told_reason") or "").strip():
        raise ActionError(
            "Say why the author will not be told.",
            errors={"not_told_reason": "Give the reason the author will not be told."},
        )
    reference = data["incident_reference"] = (data.get("incident_reference") or "").strip()
    if reference:
        # A reference is the report to the incident system: it is that action.
        try:
            Entry._meta.get_field("incident_reference").run_validators(reference)
        except ValidationError as invalid:
            said = invalid.messages[0]
            raise ActionError(said, errors={"incident_reference": said}) from None
        if Action.INCIDENT not in actions:
            actions.append(Action.INCIDENT)
    elif Action.INCIDENT in actions:
        raise ActionError(
            "Give the incident's reference.",
            errors={"incident_reference": "Give the reference the incident system gave it."},
        )
    if not categories:
        raise ActionError(
            "Choose at least one guideline category.",
            errors={"categories": "Choose at least one category."},
        )
    if not actions:
        raise ActionError(
            "Choose at least one action.", errors={"actions": "Choose at least one action."}
        )
    if zero_tolerance:
        _check_zero_tolerance(categories, actions, data.get("notes") or "")
    data["categories"] = categories
    data["actions"] = actions
    return data


def _check_zero_tolerance(categories, actions, notes):
    """A zero-tolerance breach comes down and its author is blocked at once; an entry
    that does otherwise says why, so the departure from the guidelines is on record."""
    strict = [c.name for c in categories if c.zero_tolerance]
    if not strict or notes.strip():
        return
    missing = []
    if not {Action.HIDE, Action.DELETE} & set(actions):
        missing.append(f"'{Action.HIDE.label}' or '{Action.DELETE.label}'")
    if Action.BLOCK not in actions:
        missing.append(f"'{Action.BLOCK.label}'")
    if missing:
        said = (
            f"{' and '.join(strict)} {'is' if len(strict) == 1 else 'are'} zero tolerance: "
            "the comment comes down and its author is blocked at the first breach. Tick "
            f"{' and '.join(missing)}, or say in the notes why not."
        )
        raise ActionError(said, errors={"actions": said})


def _store_files(entry, files, actor):
    written = []
    try:
        for clean in files:
            record = EvidenceFile.objects.create(
                entry=entry,
                content_type=clean.content_type,
                size=clean.size,
                sha256=clean.sha256,
                uploaded_by=actor,
            )
            evidence_store.write(record.key, clean.content)
            written.append(record.key)
    except Exception:
        for key in written:
            evidence_store.remove(key)
        raise
    return written


def _evaluate_repeat(commenter, now=None):
    """Flag or clear the repeat-offender mark; True when this call flagged them."""
    now = now or timezone.now()
    window = datetime.timedelta(days=settings.MODERATION_REPEAT_WINDOW_DAYS)
    recent = Entry.objects.filter(commenter=commenter, occurred_at__gte=now - window).count()
    reached = recent >= settings.MODERATION_REPEAT_THRESHOLD
    if reached and commenter.repeat_offender_since is None:
        Commenter.objects.filter(pk=commenter.pk).update(repeat_offender_since=now)
        commenter.repeat_offender_since = now
        return True
    if not reached and commenter.repeat_offender_since is not None:
        Commenter.objects.filter(pk=commenter.pk).update(repeat_offender_since=None)
        commenter.repeat_offender_since = None
    return False


def _event(entry, *, actor, action, comment="", changed_fields=()):
    return EntryEvent.objects.create(
        entry=entry,
        actor=actor,
        at=timezone.now(),
        action=action,
        comment=comment,
        changed_fields=list(changed_fields),
    )


def _ids(categories):
    return [category.pk for category in categories]


def _set_rows(entry, categories, actions):
    EntryCategory.objects.filter(entry=entry).exclude(category__in=categories).delete()
    have = set(EntryCategory.objects.filter(entry=entry).values_list("category_id", flat=True))
    EntryCategory.objects.bulk_create(
        [EntryCategory(entry=entry, category=c) for c in categories if c.pk not in have]
    )
    EntryAction.objects.filter(entry=entry).exclude(action__in=actions).delete()
    have = set(EntryAction.objects.filter(entry=entry).values_list("action", flat=True))
    EntryAction.objects.bulk_create(
        [EntryAction(entry=entry, action=a) for a in actions if a not in have]
    )


def _with_file_cleanup(work):
    """Run ``work`` in a transaction; if it fails, remove any files it wrote."""
    written = []
    try:
        with transaction.atomic():
            return work(written)
    except Exception:
        for key in written:
            evidence_store.remove(key)
        raise


def entry_create(*, actor, data, files=(), concern=None):
    """Log one moderation entry in one go; returns the saved entry.

    ``entry.made_repeat_offender`` says whether it took the author over the threshold.
    ``concern`` is the staff report it was made from: the two are linked both ways in the
    same transaction (see ``moderation.concerns``).
    """
    _require_writer(actor)
    data = _normalise(data)
    account = data["account"]

    def work(written):
        now = timezone.now()
        commenter = _commenter_for(account.platform, data["handle"], data["occurred_at"])
        entry = Entry(
            commenter=commenter,
            platform=account.platform,
            moderator=actor,
            evidence_retain_until=default_retention(),
            safeguarding_flagged_at=now if data.get("safeguarding") else None,
            concern=concern,
            **{name: data[name] for name in ENTRY_FIELDS if name in data},
        )
        entry._change_reason = "logged"
        entry.save()
        _set_rows(entry, data["categories"], data["actions"])
        rollups.apply(after=rollups.counts_of(entry, _ids(data["categories"]), data["actions"]))
        written.extend(_store_files(entry, files, actor))
        entry.made_repeat_offender = _evaluate_repeat(commenter, now)
        if entry.made_repeat_offender:
            Entry.objects.filter(pk=entry.pk).update(made_repeat_offender=True)
        _event(entry, actor=actor, action="created")
        if concern is not None:
            _link_concern(entry, concern, actor=actor)
        if written:
            _event(entry, actor=actor, action="evidence_added", comment=_files_note(written))
        if entry.safeguarding:
            notifications.safeguarding_flagged(entry, actor=actor)
        return entry

    return _with_file_cleanup(work)


def _link_concern(entry, concern, *, actor):
    from portal.services.concerns import concern_link

    concern_link(
        actor=actor,
        concern_id=concern.pk,
        url=entry.get_absolute_url(),
        label=f"Moderation entry {entry.pk}",
    )
    _event(entry, actor=actor, action="from_concern", comment=f"Staff report {concern.pk}.")


def _files_note(written):
    return f"{len(written)} file{'s' if len(written) != 1 else ''} kept."


def _label(entry, name):
    value = getattr(entry, name)
    field = Entry._meta.get_field(name)
    if field.choices:
        return getattr(entry, f"get_{name}_display")() or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return local_moment(value)
    return str(value) if value not in (None, "") else "none"


def _refuse_past_retention(entry):
    if entry.is_past_retention:
        raise ActionConflict(
            "This entry is past its retention date: what it held of the commenter has been "
            "removed, and nothing more can be recorded on it."
        )


def entry_answers(entry):
    """What the edit form shows of an entry, as it is saved (``portal.opened``)."""
    return {
        **{name: getattr(entry, name) for name in ENTRY_FIELDS},
        "handle": entry.commenter.handle,
        "categories": list(entry.categories.all()),
        "actions": entry.action_values,
    }


def _answer_labels():
    labels = {name: str(Entry._meta.get_field(name).verbose_name) for name in ENTRY_FIELDS}
    labels.update(
        handle="the author's handle",
        categories="what it breached",
        actions="what was done",
        safeguarding="the safeguarding flag",
    )
    return labels


def entry_update(*, actor, entry_id, data, files=(), opened=None):
    """Save edits to an entry; the old values stay in its history.

    ``opened`` is the edit page's stamp of what it showed (``portal.opened``): an answer
    left as it was keeps what is saved now, so a change someone else saved meanwhile (a
    safeguarding flag, a note) is not undone; an answer both changed is refused.

    The zero-tolerance rule is asked only when the edit changes what was breached or
    what was done: an entry logged before a category became zero tolerance can still have
    its other answers corrected without recording a block that never happened.
    """
    _require_writer(actor)
    sent = dict(data)

    def work(written):
        try:
            entry = Entry.objects.select_for_update().get(pk=entry_id)
        except Entry.DoesNotExist:
            raise ActionConflict("This entry no longer exists.") from None
        _refuse_past_retention(entry)
        data = _normalise(
            merge_answers(opened, entry_answers(entry), sent, labels=_answer_labels()),
            zero_tolerance=False,
        )
        was_safeguarding = entry.safeguarding
        was_waiting = entry.safeguarding_waiting
        old_commenter_id = entry.commenter_id
        counted = rollups.current_counts(entry)
        changed, before = [], []
        for name in ENTRY_FIELDS:
            if name in data and getattr(entry, name) != data[name]:
                changed.append(name)
                if name in SHOW_OLD_VALUES:
                    before.append(
                        f"{Entry._meta.get_field(name).verbose_name}: {_label(entry, name)}"
                    )
                setattr(entry, name, data[name])
        if entry.safeguarding and not was_safeguarding:
            # Flagged again after being cleared: it is a new concern to take on.
            entry.safeguarding_flagged_at = timezone.now()
            entry.safeguarding_taken_at = entry.safeguarding_taken_by = None
            entry.safeguarding_outcome = ""
        if "account" in changed:
            entry.platform = entry.account.platform
        commenter = _commenter_for(entry.platform, data["handle"], entry.occurred_at)
        if commenter.pk != old_commenter_id:
            changed.append("commenter")
            entry.commenter = commenter
        old_categories = set(entry.category_rows.values_list("category_id", flat=True))
        old_actions = set(entry.action_rows.values_list("action", flat=True))
        if old_categories != {c.pk for c in data["categories"]}:
            changed.append("categories")
            names = Category.objects.filter(pk__in=old_categories).values_list("name", flat=True)
            before.append("categories: " + ", ".join(sorted(names)))
        if old_actions != set(data["actions"]):
            changed.append("actions")
            before.append("actions: " + ", ".join(Action(a).label for a in sorted(old_actions)))
        if "categories" in changed or "actions" in changed:
            _check_zero_tolerance(data["categories"], data["actions"], data.get("notes") or "")
        if not changed and not files:
            return entry, []
        if changed:
            entry._change_reason = "edited"
            entry.save()
            _set_rows(entry, data["categories"], data["actions"])
            rollups.apply(
                before=counted,
                after=rollups.counts_of(entry, _ids(data["categories"]), data["actions"]),
            )
            _event(
                entry,
                actor=actor,
                action="edited",
                changed_fields=changed,
                comment=("Before: " + "; ".join(before) + ".") if before else "",
            )
        written.extend(_store_files(entry, files, actor))
        if written:
            _event(entry, actor=actor, action="evidence_added", comment=_files_note(written))
        if "commenter" in changed:
            for person in Commenter.objects.select_for_update().filter(
                pk__in=[old_commenter_id, commenter.pk]
            ):
                _evaluate_repeat(person)
            _forget_if_no_longer_logged(old_commenter_id, actor)
        if entry.safeguarding and not was_safeguarding:
            notifications.safeguarding_flagged(entry, actor=actor)
        elif was_waiting and not entry.safeguarding:
            notifications.safeguarding_cleared(entry, actor=actor)
        return entry, changed

    return _with_file_cleanup(work)


# Why a handle goes when the only entry about them was put under another author's.
MOVED_WHY = "the only entry about them was corrected to another author"


def _forget_if_no_longer_logged(commenter_id, actor):
    """Forget the author an entry was logged under by mistake, once no entry is about
    them and they have not asked for a copy of what is held: nothing would ever remove
    their handle otherwise, as retention goes by entries."""
    if Entry.objects.filter(commenter_id=commenter_id).exists():
        return
    if access_requesters().filter(commenter_id=commenter_id).exists():
        return
    commenter_forget_if_nothing_kept(commenter_id, actor=actor, why=MOVED_WHY)


def _locked_entry(entry_id):
    try:
        return Entry.objects.select_for_update().get(pk=entry_id)
    except Entry.DoesNotExist:
        raise ActionConflict("This entry no longer exists.") from None


def entry_reconsider(*, actor, entry_id, outcome, comment=""):
    """Record what was decided after the author edited a hidden comment."""
    _require_writer(actor)
    if outcome not in Reconsideration.values:
        raise ActionError("Choose an outcome.", errors={"outcome": "Choose an outcome."})
    with transaction.atomic():
        entry = _locked_entry(entry_id)
        _refuse_past_retention(entry)
        if entry.reconsideration:
            raise ActionConflict("This entry has already been reconsidered. Nothing was changed.")
        if not entry.action_rows.filter(action=Action.HIDE).exists():
            raise ActionConflict("Only a hidden comment can be reconsidered.")
        entry.reconsideration = outcome
        entry.reconsidered_at = timezone.now()
        entry.reconsidered_by = actor
        entry._change_reason = "reconsidered"
        entry.save()
        _event(
            entry,
            actor=actor,
            action="reconsidered",
            comment=f"{Reconsideration(outcome).label}. {comment}".strip(),
        )
    return entry


def entry_safeguarding_take_on(*, actor, entry_id, outcome):
    """The safeguarding lead takes on a flagged concern and says what became of it; the
    reminders about it stop."""
    if not rules.can_take_on_safeguarding(actor):
        raise ActionRefused("Only the safeguarding lead takes on a safeguarding concern.")
    if outcome not in SafeguardingOutcome.values:
        raise ActionError(
            "Choose what was done about it.", errors={"outcome": "Choose what was done."}
        )
    with transaction.atomic():
        entry = _locked_entry(entry_id)
        if not entry.safeguarding:
            raise ActionConflict("This entry is not flagged as a safeguarding concern.")
        if entry.safeguarding_taken_at is not None:
            raise ActionConflict("This concern has already been taken on. Nothing was changed.")
        entry.safeguarding_taken_at = timezone.now()
        entry.safeguarding_taken_by = actor
        entry.safeguarding_outcome = outcome
        entry._change_reason = "safeguarding concern taken on"
        entry.save()
        _event(
            entry,
            actor=actor,
            action="safeguarding_taken_on",
            comment=SafeguardingOutcome(outcome).label + ".",
        )
    return entry


def entry_set_legal_hold(*, actor, entry_id, hold, reason=""):
    """Put the entry's evidence on legal hold (kept past its date) or lift the hold."""
    _require_writer(actor)
    reason = (reason or "").strip()
    if hold and not reason:
        raise ActionError(
            "Say why the evidence must be kept.", errors={"reason": "Give the reason."}
        )
    with transaction.atomic():
        entry = _locked_entry(entry_id)
        _refuse_past_retention(entry)
        if entry.legal_hold == hold:
            raise ActionConflict(
                "The evidence is already on legal hold."
                if hold
                else "The evidence is not on legal hold."
            )
        entry.legal_hold = hold
        entry.legal_hold_reason = reason if hold else ""
        entry.legal_hold_review_on = legal_hold_review_day() if hold else None
        entry._change_reason = "legal hold placed" if hold else "legal hold lifted"
        entry.save()
        _event(
            entry,
            actor=actor,
            action="legal_hold_placed" if hold else "legal_hold_lifted",
            comment=reason,
        )
    return entry


def legal_hold_review_day(today=None):
    """The day a legal hold placed or kept today is looked at again."""
    today = today or timezone.localdate()
    return add_months(today, settings.MODERATION_LEGAL_HOLD_REVIEW_MONTHS)


def entry_keep_legal_hold(*, actor, entry_id, reason):
    """Record that a legal hold was looked at and is still needed, and why: it is looked
    at again ``MODERATION_LEGAL_HOLD_REVIEW_MONTHS`` on. The reason given is the hold's
    reason from now; its history keeps the one before."""
    _require_writer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(
            "Say why the evidence must still be kept.", errors={"reason": "Give the reason."}
        )
    with transaction.atomic():
        entry = _locked_entry(entry_id)
        _refuse_past_retention(entry)
        if not entry.legal_hold:
            raise ActionConflict("The evidence is not on legal hold.")
        entry.legal_hold_reason = reason
        entry.legal_hold_review_on = legal_hold_review_day()
        entry._change_reason = "legal hold kept"
        entry.save()
        _event(
            entry,
            actor=actor,
            action="legal_hold_kept",
            comment=f"{reason.rstrip('.')}. To be looked at again by "
            f"{local_day(entry.legal_hold_review_on)}.",
        )
    return entry


def evidence_record_download(*, user, evidence):
    return EvidenceDownload.objects.create(evidence=evidence, user=user)


def _expired(today):
    return EvidenceFile.objects.filter(
        removed_at__isnull=True, entry__legal_hold=False, entry__evidence_retain_until__lt=today
    ).exclude(entry__commenter_id__in=access_requesters())


def _retention_may_go_on(commenter_id):
    """Lock the commenter for retention, and say whether it may remove what is held about
    them: not while someone else is changing them (logging a request about them, say),
    nor while a request for a copy of what is held about them waits for its answer, for
    what the copy is made of must still be there when it is made. Logging a request locks
    the commenter too, so one logged at this moment is seen here or waits for this."""
    locked = Commenter.objects.select_for_update(skip_locked=True).filter(pk=commenter_id)
    return locked.exists() and not access_requesters().filter(commenter_id=commenter_id).exists()


def _evidence_file_remove(pk, *, today):
    """Remove one expired file, unless someone else has it or it went on hold meanwhile.
    Returns True when this call removed it."""
    record = (
        _expired(today)
        .select_for_update(skip_locked=True)
        .select_related("entry")
        .filter(pk=pk)
        .first()
    )
    if record is None or not _retention_may_go_on(record.entry.commenter_id):
        return False
    _files_remove(
        [record],
        actor=None,
        why=f"its retention date, {local_day(record.entry.evidence_retain_until)}, had passed",
    )
    return True


def _files_remove(records, *, actor, why, action="evidence_removed"):
    """Remove evidence files and their history rows, keep their rows as tombstones, and say
    on each entry's timeline why each went. The same few queries however many."""
    # The files go once their removal is committed: removed now, a transaction rolled back
    # afterwards would leave the rows saying they are kept. A process that stops between
    # the commit and the removal leaves the folders to ``evidence_leftovers_remove``.
    for record in records:
        transaction.on_commit(functools.partial(evidence_store.remove, record.key), robust=True)
    ids = [record.pk for record in records]
    now = timezone.now()
    EvidenceFile.history.filter(id__in=ids).delete()
    # An update, not save(): the tombstones must not write fresh history rows.
    EvidenceFile.objects.filter(pk__in=ids).update(removed_at=now, sha256="")
    EntryEvent.objects.bulk_create(
        EntryEvent(
            entry_id=record.entry_id,
            actor=actor,
            at=now,
            action=action,
            comment=(
                f"{record.get_content_type_display()} uploaded "
                f"{local_day(record.uploaded_at)} removed: {why}."
            ),
        )
        for record in records
    )


# What an entry holds of the commenter besides who they are: their words, the link to
# their comment, and the notes made about them. The link to the post goes too when the
# post is not on the trust's account (``_post_links_cut``): a post on the commenter's own
# page names them; on the trust's account, only the part that points at their comment goes.
PERSONAL_FIELDS = ("excerpt", "comment_url", "notes")
# Reasons staff gave about the commenter: why they were not told, why their evidence was
# kept. Often about the person (their age, a police investigation), so when the entry's
# details go a reason that was given is replaced by ``REASON_REMOVED``; that one was
# given, and what was decided, stay.
REASON_FIELDS = ("not_told_reason", "legal_hold_reason")
# The timeline's rows whose whole comment is a reason of that kind.
REASON_EVENTS = ("legal_hold_placed", "legal_hold_lifted", "legal_hold_kept")

# Why a handle goes, as the staff reports made about the commenter say it: when retention
# removes it, and when it is removed early by a decision (whose reason stays in the log).
FORGOTTEN_WHY = "every entry about them had reached its retention date"
# What a management plan's summary and outcome say once its person's handle has gone.
PLAN_TEXT_REMOVED = "(removed with the commenter's details)"
# What stands for the note on a reconsideration once the entry's details have gone.
NOTE_REMOVED = "(note removed with the commenter's details)"
# What stands for a reason given about the commenter once the entry's details have gone.
REASON_REMOVED = "(reason removed with the commenter's details)"
ERASED_WHY = "the head of communications decided to remove them early"


def _personal_data_due(today):
    return selectors.entries_past_retention(today).exclude(commenter_id__in=access_requesters())


def _entry_personal_data_remove(pk, *, today):
    """Remove what one entry past its retention date holds of the commenter, from the
    entry and from every row of its history, and forget the commenter's handle once
    nothing of theirs is kept. Returns True when this call removed it."""
    entry = _personal_data_due(today).select_for_update(skip_locked=True).filter(pk=pk).first()
    if entry is None or not _retention_may_go_on(entry.commenter_id):
        return False
    why = f"its retention date, {local_day(entry.evidence_retain_until)}, had passed"
    _personal_data_remove([pk], actor=None, why=why)
    _reports_erase_when_done([pk], why=why)
    commenter_forget_if_nothing_kept(entry.commenter_id)
    return True


def _reports_erase_when_done(ids, *, why):
    """The staff report an entry was made from points at the same comment: it goes once
    no entry made from it still holds the commenter's details."""
    entries = Entry.objects.filter(pk__in=ids)
    still_held = Entry.objects.filter(
        concern__isnull=False, personal_data_removed_at__isnull=True
    ).values("concern_id")
    reports = (
        entries.filter(concern__isnull=False)
        .exclude(concern_id__in=still_held)
        .order_by()
        .values_list("concern_id", flat=True)
        .distinct()
    )
    concerns_erase(list(reports), actor=None, why=why)


def _personal_data_remove(ids, *, actor, why, action="personal_data_removed"):
    """Blank what entries hold of the commenter (``PERSONAL_FIELDS``) and the reasons
    given about them (``REASON_FIELDS``), in them and in every row of their history, and
    say on each timeline why. The same few queries however many."""
    now = timezone.now()
    blank = dict.fromkeys(PERSONAL_FIELDS, "")
    for name in REASON_FIELDS:  # a reason given is replaced; none given stays none
        blank[name] = Case(When(**{name: ""}, then=Value("")), default=Value(REASON_REMOVED))
    # Updates, not save(): the removal must not write fresh history rows of its own.
    entries = Entry.objects.filter(pk__in=ids)
    history = Entry.history.filter(id__in=ids)
    for rows, key in ((entries, "pk"), (history, "history_id")):
        if cut := _post_links_cut(rows, key):
            rows.filter(**{f"{key}__in": cut}).update(
                post_url=Case(*(When(**{key: row}, then=Value(link)) for row, link in cut.items()))
            )
    entries.update(personal_data_removed_at=now, **blank)
    history.update(**blank)
    # The note on a reconsideration is a note about their edited comment, often what it
    # said: it goes like the others, and what was decided stays. So do the reasons for a
    # legal hold on the timeline. On purpose, through a plain query set, as the
    # timeline's rows are kept from any other change.
    timeline = models.QuerySet(EntryEvent).filter(entry_id__in=ids)
    reconsidered = timeline.filter(action="reconsidered")
    for outcome in Reconsideration:
        reconsidered.filter(comment__startswith=f"{outcome.label}. ").update(
            comment=f"{outcome.label}. {NOTE_REMOVED}"
        )
    timeline.filter(action__in=REASON_EVENTS).exclude(comment="").update(comment=REASON_REMOVED)
    EntryEvent.objects.bulk_create(
        EntryEvent(
            entry_id=pk,
            actor=actor,
            at=now,
            action=action,
            comment=(
                "The excerpt, the link to the comment (and to the post, if it was not on the "
                "trust's account; if it was, what pointed at the comment), the notes and the "
                "reasons given about the commenter were removed, here and in the entry's "
                f"history: {why}."
            ),
        )
        for pk in ids
    )


# Parts of a post's address that point at one comment on it, rather than at the post.
COMMENT_QUERY = re.compile(r"comment|reply|^lc$", re.IGNORECASE)


def _post_links_cut(rows, key):
    """What the link to the post of each of ``rows`` (entries, or rows of their history)
    becomes once the commenter's details go, by its ``key``, for those that change: none
    when the post is not on the page of the trust's account it names; on that page, the
    post's own address, without the parts that point at the comment. One query."""
    links = rows.exclude(post_url="").values_list(key, "post_url", "account__url")
    cut = {}
    for row, link, page in links:
        kept = _post_itself(link) if link_is_on(link, page) else ""
        if kept != link:
            cut[row] = kept
    return cut


def _post_itself(link):
    """``link`` without a fragment or a query parameter that points at a comment."""
    parts = urlsplit(link)
    query = [
        (name, value) for name, value in parse_qsl(parts.query) if not COMMENT_QUERY.search(name)
    ]
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def commenter_forget_if_nothing_kept(commenter_id, *, actor=None, why=FORGOTTEN_WHY):
    """Forget a commenter's handle once no entry still holds their personal data (every
    one past its retention date and not on hold) and no management plan for them is open.
    The handle is taken out of whatever staff wrote about them too (``_handle_taken_out``).
    The record stays, so their entries still count together; a new entry with the same
    handle starts afresh. Returns True when the handle went."""
    # Locked first, as logging an entry locks them (``_commenter_for``): an entry saved at
    # the same moment is either seen below or finds them forgotten and starts afresh.
    commenter = Commenter.objects.select_for_update().filter(pk=commenter_id).first()
    if commenter is None or commenter.is_forgotten:
        return False
    kept = selectors.entries_keeping_details(commenter_id)
    open_plan = ManagementPlan.objects.filter(
        commenter_id=commenter_id, status=ManagementPlan.Status.OPEN
    )
    if kept.exists() or open_plan.exists():
        return False
    _handle_taken_out(commenter, actor=actor, why=why)
    Commenter.objects.filter(pk=commenter_id).update(
        handle="", handle_key=f"{FORGOTTEN_KEY}{commenter_id}", repeat_offender_since=None
    )
    return True


def _handle_taken_out(commenter, *, actor, why):
    """Take the commenter's handle out of every note staff typed about them, here and in
    history, and remove the staff reports their entries were made from, so that nothing
    kept names them once their handle goes. What was done, and when, stays.

    A management plan's summary and outcome describe the person, and may do so in words
    other than their handle, so they go whole (``PLAN_TEXT_REMOVED``): that there was a
    plan, whose it was, its dates and its steps stay."""
    entries = Entry.objects.filter(commenter_id=commenter.pk)
    plans = ManagementPlan.objects.filter(commenter_id=commenter.pk)
    for rows in (plans, ManagementPlan.history.filter(commenter_id=commenter.pk)):
        rows.update(summary=PLAN_TEXT_REMOVED)
        rows.exclude(outcome="").update(outcome=PLAN_TEXT_REMOVED)
    # Every report the entries came from: one already thinned by its own retention still
    # has a timeline to take the handle out of.
    concerns = entries.filter(concern__isnull=False).values("concern_id")
    bare = _bare(commenter.handle)
    if bare:
        # The reasons given about them went with each entry's details
        # (``_personal_data_remove``), before the handle could go.
        for rows, fields in (
            (PlanStep.objects.filter(plan__in=plans), ("description",)),
            (PlanStep.history.filter(plan_id__in=plans.values("pk")), ("description",)),
            (EntryEvent.objects.filter(entry__commenter_id=commenter.pk), ("comment",)),
            (ConcernEvent.objects.filter(concern_id__in=concerns), ("comment",)),
        ):
            _rewrite(rows, fields, [bare], lambda text: _without_handle(text, bare))
        # A log export filtered by their handle keeps, in its record, the query it was
        # asked with: their handle in it goes, the rest of the filter stays.
        _rewrite(
            ExportRecord.objects.filter(kind=ExportRecord.Kind.LOG_CSV),
            ("detail",),
            {quote(bare, safe=""), quote_plus(bare, safe="")},
            lambda detail: urlencode(
                [(key, _without_handle(value, bare)) for key, value in parse_qsl(detail)]
            ),
        )
    concerns_erase([row["concern_id"] for row in concerns], actor=actor, why=why)


def _rewrite(rows, fields, needles, change):
    """Apply ``change`` to ``fields`` of each of ``rows`` that holds one of ``needles``:
    one query to find them and one to save them, however many."""
    holding = Q()
    for needle in needles:
        for name in fields:
            holding |= Q(**{f"{name}__icontains": needle})
    found = list(rows.filter(holding).only(*fields))
    for row in found:
        for name in fields:
            setattr(row, name, change(getattr(row, name)))
    # A plain query set: history rows are saved without writing history of their own, and
    # a timeline's rows, which its models keep from any change (AppendOnlyModel), are
    # changed on purpose, only to take a person's handle out of them.
    models.QuerySet(rows.model, using=rows.db).bulk_update(found, fields, batch_size=500)


def _bare(handle):
    return (handle or "").strip().lstrip("@")


def _without_handle(text, handle):
    """``text`` with the commenter's handle (with or without @, any case) taken out, so
    that what is kept about them no longer names them."""
    bare = _bare(handle)
    if not bare:
        return text
    # Whole handles only: a short one ("@jo") must not eat into other words ("major").
    pattern = rf"(?<![\w@])@?{re.escape(bare)}(?!\w)"
    return re.sub(pattern, "[the commenter]", text, flags=re.IGNORECASE)


def commenter_erase(*, actor, commenter_id, reason, received_on):
    """Remove now, on a decision recorded with its reason (a request to erase, an upheld
    objection), what retention would remove later: every evidence file of the commenter's
    entries, what each entry holds of them, and their handle. What the entries say was
    breached and done, when and on which account, stays, so the log and its counts stay
    true. Refused while an entry is on legal hold, a management plan is open or a request
    for a copy of what is held about them waits: the hold must be lifted, the plan closed
    or the request answered or closed first, each a decision of its own.

    ``received_on`` is the day the request or objection reached the trust, from which
    the month allowed for an answer runs (shown on the information rights record). It
    answers the open erasure request about them (``services_rights``), whose day received
    it must give.

    Returns (files removed, entries cleared).
    """
    if not rules.can_erase_commenter(actor):
        raise ActionRefused(
            "Only the head of communications can remove what is held about a commenter."
        )
    # Kept in every entry's timeline and the information rights record: no contact
    # details of the person, whatever was typed.
    reason = detector.redact(" ".join((reason or "").split()))
    if not reason:
        raise ActionError(
            "Say why their details are being removed.",
            errors={"reason": "Say why, for the record."},
        )
    services_rights.check_received(received_on)
    services_rights.check_matches_open(commenter_id, RightsRequest.Kind.ERASURE, received_on)
    with transaction.atomic():
        commenter = Commenter.objects.select_for_update().filter(pk=commenter_id).first()
        if commenter is None or commenter.is_forgotten:
            raise ActionConflict("Nothing that names this commenter is held any more.")
        entries = list(
            Entry.objects.select_for_update().filter(commenter_id=commenter_id).order_by("pk")
        )
        obstacles = selectors.erasure_obstacles(commenter_id)
        if obstacles["held"]:
            raise ActionConflict(
                "Entries on legal hold must be kept: "
                + ", ".join(f"#{pk}" for pk in obstacles["held"])
                + ". Lift the hold first if it is no longer needed."
            )
        if obstacles["open_plan"]:
            raise ActionConflict("Close their open management plan first.")
        if obstacles["access_request"]:
            waiting = obstacles["access_request"]
            raise ActionConflict(
                f"{waiting} asks for a copy of what is held about them, and is due by "
                f"{waiting.due_on:%-d %B %Y}. Answer it with their export, or close it, "
                "before their details are removed."
            )
        reason = _without_handle(reason, commenter.handle)
        why = f"removed early by decision: {reason}"
        files = list(EvidenceFile.objects.filter(entry__in=entries, removed_at__isnull=True))
        _files_remove(files, actor=actor, why=why, action="evidence_erased")
        cleared = [entry.pk for entry in entries if entry.personal_data_removed_at is None]
        _personal_data_remove(cleared, actor=actor, why=why, action="details_erased")
        # The staff reports say only that it was decided: whoever reported the comment
        # reads their report's timeline, and the reason is for the moderation log.
        commenter_forget_if_nothing_kept(commenter_id, actor=actor, why=ERASED_WHY)
        erasure = Erasure.objects.create(
            commenter=commenter,
            user=actor,
            reason=reason,
            received_on=received_on,
            entries=len(cleared),
            files=len(files),
        )
        services_rights.answer_open(
            actor=actor,
            commenter=commenter,
            kind=RightsRequest.Kind.ERASURE,
            received_on=received_on,
            erasure=erasure,
        )
    return len(files), len(cleared)


def entry_retention_expire(entry, *, today=None):
    """The retention stage of the reminder engine (``moderation/reminders.py``): once the
    entry's retention date has passed, unless it is on legal hold, remove its evidence and
    what it holds of the commenter (``PERSONAL_FIELDS``).

    Runs in the engine's transaction, once per entry and retention date. Returns how many
    files went.
    """
    today = today or timezone.localdate()
    if not Entry.objects.select_for_update(skip_locked=True).filter(pk=entry.pk).exists():
        # Someone is changing the entry at this moment. Fail the stage before any file is
        # touched, so that the engine does not record it as done: the next sweep does it.
        raise ActionConflict(f"Entry {entry.pk} is being changed; the next sweep removes it.")
    if not _retention_may_go_on(entry.commenter_id):
        # A request for a copy of what is held about them was logged since the sweep
        # looked, or they are being changed: fail the stage, so that it is not recorded
        # as done and runs once the request has been answered or closed.
        raise ActionConflict(
            f"Entry {entry.pk}: its commenter is being changed or has a request for a copy "
            "of their data waiting; a later sweep removes it."
        )
    due = _expired(today).filter(entry=entry).values_list("pk", flat=True)
    removed = sum(_evidence_file_remove(pk, today=today) for pk in list(due))
    _entry_personal_data_remove(entry.pk, today=today)
    return removed


def retention_expire_all(*, today=None):
    """Remove every file past its entry's retention date that is not on legal hold, and
    what those entries hold of their commenters.

    The reminder engine does this entry by entry as dates pass; this does all that is due
    at once (for a catch-up run). Removes the stored file and its folder (with any derived
    copy) and the file's history rows; keeps the evidence row, with ``removed_at`` set, and
    a line on the entry's timeline. Running it again finds nothing left to do. Returns how
    many files went.
    """
    today = today or timezone.localdate()
    removed = 0
    for pk in list(_expired(today).values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            removed += _evidence_file_remove(pk, today=today)
    for pk in list(_personal_data_due(today).values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            _entry_personal_data_remove(pk, today=today)
    return removed


def evidence_leftovers_remove(*, now=None):
    """Remove every stored folder that no kept evidence row names: one whose row has been
    marked removed (its process stopped before the file went), or whose upload was rolled
    back before its clean-up ran. Folders changed in the last hour are left alone, as an
    upload may still be committing. Returns how many went; each is logged by its key.
    """
    now = now or timezone.now()
    cutoff = (now - datetime.timedelta(hours=1)).timestamp()
    removed = 0
    for chunk in _chunks(evidence_store.stored_keys(changed_before=cutoff), 1000):
        kept = set(
            EvidenceFile.objects.filter(key__in=chunk, removed_at__isnull=True).values_list(
                "key", flat=True
            )
        )
        for key in chunk:
            if key not in kept and evidence_store.remove(key):
                log.info("Removed evidence folder %s: no kept evidence names it.", key)
                removed += 1
    return removed


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def commenters_refresh_repeat_flags(*, now=None):
    """Flag commenters who reached the threshold within the window; clear those who left it.

    Returns (flagged, cleared).
    """
    now = now or timezone.now()
    window = datetime.timedelta(days=settings.MODERATION_REPEAT_WINDOW_DAYS)
    from django.db.models import Count, Q

    counts = Commenter.objects.annotate(
        recent=Count("entries", filter=Q(entries__occurred_at__gte=now - window))
    )
    threshold = settings.MODERATION_REPEAT_THRESHOLD
    to_flag = counts.filter(repeat_offender_since__isnull=True, recent__gte=threshold)
    to_clear = counts.filter(repeat_offender_since__isnull=False, recent__lt=threshold)
    flagged = Commenter.objects.filter(
        pk__in=list(to_flag.values_list("pk", flat=True)), repeat_offender_since__isnull=True
    ).update(repeat_offender_since=now)
    cleared = Commenter.objects.filter(
        pk__in=list(to_clear.values_list("pk", flat=True)), repeat_offender_since__isnull=False
    ).update(repeat_offender_since=None)
    return flagged, cleared


def export_record(*, user, kind, detail="", commenter=None, received_on=None):
    return ExportRecord.objects.create(
        user=user, kind=kind, detail=detail[:500], commenter=commenter, received_on=received_on
    )


def subject_access_export(*, actor, commenter, received_on):
    """Everything held about ``commenter``, zipped for a subject access request that
    reached the trust on ``received_on`` (``moderation.subject_access``), and the record
    that ``actor`` took it: the information rights record shows whether that was within
    the month allowed.

    Returns the zip as an open temporary file at its start, for the caller to send and
    close. Checked before anything is gathered; nothing is recorded if writing it fails.
    It answers the open access request about them (``services_rights``), whose day
    received it must give.
    """
    if not rules.can_export_subject_access(actor):
        raise ActionRefused(
            "Only the communications team can export what the log holds about a person."
        )
    services_rights.check_received(received_on)
    services_rights.check_matches_open(commenter, RightsRequest.Kind.ACCESS, received_on)
    spool, entries, files = subject_access.write_zip(actor, commenter, received_on)
    try:
        with transaction.atomic():
            export = export_record(
                user=actor,
                kind=ExportRecord.Kind.SUBJECT_ACCESS,
                detail=f"{counted(entries, 'entry', 'entries')}, "
                f"{counted(files, 'evidence file', 'evidence files')}",
                commenter=commenter,
                received_on=received_on,
            )
            services_rights.answer_open(
                actor=actor,
                commenter=commenter,
                kind=RightsRequest.Kind.ACCESS,
                received_on=received_on,
                export=export,
            )
    except BaseException:
        spool.close()
        raise
    return spool


# The taxonomy


def category_save(*, actor, category):
    if not rules.can_manage_taxonomy(actor):
        raise ActionRefused("Only the communications team can change the categories.")
    category._change_reason = "edited" if category.pk else "added"
    category.save()
    return category


def category_retire(*, actor, category_id, retire=True):
    if not rules.can_manage_taxonomy(actor):
        raise ActionRefused("Only the communications team can change the categories.")
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category_id)
        if category.is_retired == retire:
            raise ActionConflict(
                "That category is already retired." if retire else "That category is in use."
            )
        category.retired_at = timezone.now() if retire else None
        category._change_reason = "retired" if retire else "brought back"
        category.save()
    return category


# Management plans (policy 5.3)


def plan_create(*, actor, commenter, summary, owner, review_on, steps):
    _require_writer(actor)
    steps = [s.strip() for s in steps if s.strip()]
    if not steps:
        raise ActionError("Add at least one step.", errors={"steps": "Add at least one step."})
    if not rules.can_write(owner):
        raise ActionError(
            "The owner must be in the communications team.",
            errors={"owner": "Choose someone from the communications team."},
        )
    try:
        with transaction.atomic():
            # Locked as forgetting locks them, so a plan and the forgetting of its person's
            # handle cannot cross: the plan sees the handle gone, or forgetting sees the plan.
            locked = Commenter.objects.select_for_update().filter(pk=commenter.pk).first()
            if locked is None or locked.is_forgotten:
                raise ActionRefused(
                    "This person's handle was removed with the rest of their details, so "
                    "no one could tell who a plan is about. If they are still posting, log "
                    "an entry with their handle and start the plan from that."
                )
            plan = ManagementPlan.objects.create(
                commenter=commenter,
                summary=summary,
                owner=owner,
                review_on=review_on,
                created_by=actor,
            )
            PlanStep.objects.bulk_create(
                [PlanStep(plan=plan, position=i, description=s) for i, s in enumerate(steps, 1)]
            )
    except IntegrityError:
        raise ActionConflict(
            "This person already has an open plan. Update that one instead."
        ) from None
    return plan


def plan_answers(plan):
    """What the plan's update form shows, as it is saved (``portal.opened``): each step
    an answer of its own, so that two people ticking different steps both count."""
    return {
        "owner": plan.owner,
        "review_on": plan.review_on,
        "outcome": plan.outcome,
        **{f"step_{step.pk}": step.done_at is not None for step in plan.steps.all()},
    }


def plan_update(
    *, actor, plan_id, owner, review_on, done_steps, outcome="", close=False, opened=None
):
    """Record progress on a plan: steps done, a new review date, and the outcome.

    ``opened`` is the page's stamp of what it showed (``portal.opened``): what this person
    left as it was keeps what is saved now, so a step someone ticked meanwhile stays
    ticked; what both changed is refused."""
    _require_writer(actor)
    with transaction.atomic():
        plan = ManagementPlan.objects.select_for_update().get(pk=plan_id)
        if plan.status == ManagementPlan.Status.CLOSED:
            raise ActionConflict("This plan is closed. Nothing was changed.")
        steps = list(plan.steps.all())
        ticked = {step.pk for step in done_steps}
        answers = merge_answers(
            opened,
            plan_answers(plan),
            {
                "owner": owner,
                "review_on": review_on,
                "outcome": (outcome or "").strip(),
                **{f"step_{step.pk}": step.pk in ticked for step in steps},
            },
            labels={
                "owner": "the owner",
                "review_on": "the review date",
                "outcome": "the outcome",
                **{f"step_{step.pk}": f"step {number}" for number, step in enumerate(steps, 1)},
            },
        )
        owner, review_on, outcome = answers["owner"], answers["review_on"], answers["outcome"]
        done_steps = [step for step in steps if answers[f"step_{step.pk}"]]
        if close and not (outcome or "").strip():
            raise ActionError(
                "Say what the plan achieved before closing it.",
                errors={"outcome": "Give the outcome."},
            )
        now = timezone.now()
        done_ids = {s.pk for s in done_steps}
        for step in plan.steps.all():
            if step.pk in done_ids and step.done_at is None:
                step.done_at, step.done_by = now, actor
                step.save()
            elif step.pk not in done_ids and step.done_at is not None:
                step.done_at, step.done_by = None, None
                step.save()
        plan.owner = owner
        plan.review_on = review_on
        plan.outcome = (outcome or "").strip()
        if close:
            plan.status = ManagementPlan.Status.CLOSED
        plan._change_reason = "closed" if close else "updated"
        plan.save()
        if close:  # the plan may have been all that kept their handle
            commenter_forget_if_nothing_kept(plan.commenter_id)
    return plan
