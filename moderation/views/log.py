import csv
import datetime

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from moderation import detector, rules, selectors, services
from moderation.forms import LogFilterForm
from moderation.models import Category, ExportRecord
from moderation.views.common import reader_required, writer_required
from portal.csvsafe import neutralise


def _filters(request):
    form = LogFilterForm(request.GET or None, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


@reader_required
def entry_log(request):
    """The log, newest first, a page at a time however long it grows."""
    form, filters = _filters(request)
    page = selectors.log_page(
        selectors.filtered(request.user, filters),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    return render(
        request,
        "moderation/log.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "can_write": rules.can_write(request.user),
            "export_query": _without_paging(request),
        },
    )


def _without_paging(request):
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    return query.urlencode()


class _Echo:
    def write(self, value):
        return value


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
    "Reconsideration",
    "Evidence kept until",
    "Legal hold",
    "Moderator",
    "Post link",
    "Comment link",
]


def _row(entry):
    return [
        entry.pk,
        timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d %H:%M"),
        entry.account.name,
        entry.get_platform_display(),
        entry.commenter.display_handle,
        detector.redact(entry.excerpt),
        "; ".join(c.name for c in entry.categories.all()),
        "; ".join(entry.action_labels),
        entry.get_author_told_display(),
        entry.get_hate_crime_strand_display(),
        "Yes" if entry.safeguarding else "No",
        "Yes" if entry.police_referral else "No",
        entry.get_reconsideration_display(),
        entry.evidence_retain_until.isoformat(),
        "Yes" if entry.legal_hold else "No",
        str(entry.moderator),
        entry.post_url,
        entry.comment_url,
    ]


@reader_required
def entry_export(request):
    """Every entry the filter shows, as CSV, streamed: no evidence, excerpts redacted."""
    _, filters = _filters(request)
    entries = selectors.with_related(selectors.filtered(request.user, filters)).order_by(
        "-occurred_at", "-id"
    )
    services.export_record(
        user=request.user, kind=ExportRecord.Kind.LOG_CSV, detail=_without_paging(request)
    )
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(HEADER)
        for entry in entries.iterator(chunk_size=500):
            yield writer.writerow([neutralise(cell) for cell in _row(entry)])

    stamp = datetime.date.today().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="moderation-log-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


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
