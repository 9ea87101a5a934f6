import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from moderation import detector, rules, selectors, services
from moderation.forms import FindAuthorForm, LogFilterForm
from moderation.models import Action, Category, Entry, ExportRecord
from moderation.models.commenter import display_handle
from moderation.views.common import reader_required, writer_required
from portal.csvsafe import csv_download


def _filters(request, query=None):
    query = request.GET if query is None else query
    form = LogFilterForm(query or None, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


@reader_required
def entry_log(request):
    """The log, newest first, a page at a time however long it grows."""
    return _log(request, request.GET, FindAuthorForm(initial={"keep": _without_paging(request)}))


def _log(request, query, find_form, status=200):
    form, filters = _filters(request, query)
    page = selectors.log_page(
        selectors.filtered(request.user, filters),
        after=query.get("after"),
        before=query.get("before"),
    )
    authors = selectors.authors_named(request.user, filters.get("commenter"))
    return render(
        request,
        "moderation/log.html",
        {
            "form": form,
            "find_form": find_form,
            "authors": authors,
            # The page is drawn at the find-author address too: its links name the log.
            "query": query,
            "without_authors": _without(query, "after", "before", "commenter"),
            "page": page,
            "filtered": any(filters.values()),
            "can_write": rules.can_write(request.user),
            "export_query": _without(query, "after", "before"),
        },
        status=status,
    )


@require_POST
@reader_required
def find_author(request):
    """The log's entries about the author with the handle typed, found from a POST so the
    handle is not written into an address: the log it leads to names them by id."""
    form = FindAuthorForm(request.POST)
    keep = QueryDict(form.data.get("keep", "")[:2000], mutable=True)
    ids = selectors.authors_with_handle(request.user, form.data.get("handle", ""))
    if form.is_valid() and ids:
        keep.setlist("commenter", [str(pk) for pk in ids])
        return redirect(f"{reverse('moderation:log')}?{_without(keep, 'after', 'before')}")
    if form.is_valid():
        form.add_error(
            "handle",
            ValidationError(
                "No one with that handle is in the entries you can read. Check the spelling, "
                "or look under Repeat offenders.",
                code="not_found",
            ),
        )
    return _log(request, keep, form, status=400)


def _without(query, *names):
    query = query.copy()
    for key in names:
        query.pop(key, None)
    return query.urlencode()


def _without_paging(request):
    return _without(request.GET, "after", "before")


HEADER = [
    "Entry",
    "When (UK time)",
    "Account",
    "Platform",
    "Author's handle",
    "Excerpt (personal data removed)",
    "Guidelines breached",
    "Actions",
    "Author told why",
    "Hate-crime strand",
    "Safeguarding",
    "Police referral",
    "Incident reference",
    "Reconsideration",
    "Evidence kept until",
    "Legal hold",
    "Moderator",
    "Post link",
    "Comment link",
]


# The export reads plain values, a chunk of entries at a time, rather than building a model
# instance per row: a year of a busy trust's log is hundreds of thousands of rows.
EXPORT_CHUNK = 2000
EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "account__name",
    "platform",
    "commenter__handle",
    "excerpt",
    "author_told",
    "hate_crime_strand",
    "safeguarding",
    "incident_reference",
    "reconsideration",
    "evidence_retain_until",
    "legal_hold",
    "moderator__first_name",
    "moderator__last_name",
    "moderator__username",
    "post_url",
    "comment_url",
)


def _labels(field_name):
    return dict(Entry._meta.get_field(field_name).flatchoices)


def _export_chunks(entries):
    """Rows of values newest first, with each entry's category names and action values."""
    entries = entries.order_by("-occurred_at", "-id")
    after = None
    while True:
        chunk = entries
        if after is not None:
            chunk = chunk.filter(
                Q(occurred_at__lt=after[0]) | Q(occurred_at=after[0], id__lt=after[1])
            )
        rows = list(chunk.values(*EXPORT_COLUMNS)[:EXPORT_CHUNK])
        if not rows:
            return
        categories, actions = selectors.categories_and_actions([row["id"] for row in rows])
        yield rows, categories, actions
        after = (rows[-1]["occurred_at"], rows[-1]["id"])


def export_rows(entries):
    """Every entry as a list of CSV cells, in the order of HEADER."""
    platforms, told = _labels("platform"), _labels("author_told")
    strands, reconsidered = _labels("hate_crime_strand"), _labels("reconsideration")
    action_labels = dict(Action.choices)
    zone = timezone.get_current_timezone()
    for rows, categories, actions in _export_chunks(entries):
        for row in rows:
            done = actions[row["id"]]
            moderator = (
                f"{row['moderator__first_name']} {row['moderator__last_name']}".strip()
                or row["moderator__username"]
            )
            yield [
                row["id"],
                row["occurred_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                row["account__name"],
                platforms.get(row["platform"], row["platform"]),
                display_handle(row["commenter__handle"]),
                detector.redact(row["excerpt"]),
                "; ".join(categories[row["id"]]),
                "; ".join(action_labels.get(value, value) for value in done),
                told.get(row["author_told"], row["author_told"]),
                strands.get(row["hate_crime_strand"], row["hate_crime_strand"]),
                "Yes" if row["safeguarding"] else "No",
                "Yes" if Action.POLICE in done else "No",
                row["incident_reference"],
                reconsidered.get(row["reconsideration"], row["reconsideration"]),
                row["evidence_retain_until"].isoformat(),
                "Yes" if row["legal_hold"] else "No",
                moderator,
                row["post_url"],
                row["comment_url"],
            ]


@reader_required
def entry_export(request):
    """Every entry the filter shows, as CSV, streamed: no evidence, excerpts redacted."""
    _, filters = _filters(request)
    entries = selectors.filtered(request.user, filters)
    services.export_record(
        user=request.user, kind=ExportRecord.Kind.LOG_CSV, detail=_without_paging(request)
    )
    stamp = datetime.date.today().isoformat()
    return csv_download(f"moderation-log-{stamp}.csv", HEADER, export_rows(entries))


@require_POST
@writer_required
def detect(request):
    """As the excerpt is typed: what personal data and swearing it holds (an htmx partial)."""
    text = request.POST.get("excerpt", "")[:5000]
    findings = detector.find(text)
    slugs = detector.suggested_slugs(findings)
    suggested = list(Category.objects.live().filter(slug__in=slugs))
    personal = [f for f in findings if f.is_personal]
    return render(
        request,
        "moderation/partials/findings.html",
        {
            "findings": findings,
            "personal": personal,
            "suggested": suggested,
            "redacted": detector.redact(text, findings) if personal else "",
            "personal_category": next(
                (c for c in suggested if c.slug == detector.SUGGESTS[detector.Kind.EMAIL]), None
            ),
        },
    )
