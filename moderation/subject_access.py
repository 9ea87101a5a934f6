"""What a subject access export holds: everything the moderation log keeps about one
commenter, as a page to read and send (``record.html``) and the same for a machine
(``record.json``), zipped with the evidence files still kept."""

import datetime
import json
import tempfile
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from moderation import evidence as evidence_store
from moderation import selectors
from moderation.models import EvidenceFile
from portal.models import OrganisationProfile


def gather(user, commenter, received_on):
    """Everything held about ``commenter``, for a subject access request: their entries,
    the staff reports about their comments (without who made them) and their management
    plans. Dates stay dates here; the zip writes them out for each copy."""
    entries = list(selectors.commenter_entries(user, commenter))
    return {
        "prepared_at": timezone.now(),
        "request_received": received_on,
        "platform": commenter.get_platform_display(),
        "handle": commenter.handle,
        "first_logged": commenter.first_seen_at,
        "repeat_offender_since": commenter.repeat_offender_since,
        "entries": [
            {
                "entry": e.pk,
                "when": e.occurred_at,
                "account": str(e.account),
                "post_link": e.post_url,
                "comment_link": e.comment_url,
                "excerpt": e.excerpt,
                "guidelines_breached": [c.name for c in e.categories.all()],
                "actions": e.action_labels,
                "told_why": _without_hint(e.get_author_told_display()),
                "why_not_told": e.not_told_reason,
                "hate_crime_strand": e.get_hate_crime_strand_display(),
                "safeguarding_concern": e.safeguarding,
                "reconsideration": e.get_reconsideration_display(),
                "notes": e.notes,
            }
            for e in entries
        ],
        # What staff reported about their comments; who reported them is not theirs.
        "staff_reports": [
            {
                "reported": concern.created_at,
                "what_it_is": concern.get_kind_display(),
                "link": concern.link,
                "what_worried_them": concern.what_worries,
            }
            for concern in selectors.reports_about(commenter)
        ],
        "management_plans": [
            {
                "summary": p.summary,
                "status": p.get_status_display(),
                "review_date": p.review_on,
                "steps": [s.description for s in p.steps.all()],
                "outcome": p.outcome,
            }
            for p in selectors.commenter_plans(commenter)
        ],
        "evidence_files": [],
    }, entries


def _without_hint(label):
    """A choice's label without the hint to staff in brackets at its end: "No, and we
    will not (give the reason)" is "No, and we will not" to the person it is about."""
    return label.split(" (", 1)[0]


def _iso(value):
    """Dates and times in the JSON copy, as ISO 8601."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not kept in a subject access record")


def write_zip(user, commenter, received_on):
    """A zip of the record of everything held about ``commenter``, twice (``record.html``
    to read and send, ``record.json`` for a machine), and the evidence files still kept;
    with how many entries and files it holds.

    Written to a temporary file, not memory: a long-running case can hold hundreds of
    screenshots. The file has no name on disk and goes when it is closed. Evidence is
    stored as it is (PNG, JPEG and PDF are compressed already); the records are deflated.
    """
    record, entries = gather(user, commenter, received_on)
    evidence = EvidenceFile.objects.filter(entry__in=entries, removed_at__isnull=True)
    # closed by the response that sends it
    spool = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
    try:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in evidence:
                path = evidence_store.stored_path(item.key)
                if path.is_file():
                    archive.write(path, f"evidence/{item.download_name}", zipfile.ZIP_STORED)
                    record["evidence_files"].append(item.download_name)
            archive.writestr(
                "record.json", json.dumps(record, indent=2, ensure_ascii=False, default=_iso)
            )
            archive.writestr(
                "record.html",
                render_to_string(
                    "moderation/subject_access_record.html",
                    {"record": record, "org": OrganisationProfile.load()},
                ),
            )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, len(entries), len(record["evidence_files"])
