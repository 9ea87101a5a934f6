"""The information rights record: the requests members of the public make about what the
log holds on them, open and answered, and what was done about each."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from moderation import rules, selectors, services_rights
from moderation.forms import (
    RightsRequestCloseForm,
    RightsRequestCorrectForm,
    RightsRequestForm,
)
from moderation.models import RightsRequest
from moderation.services import ActionError
from moderation.views.common import (
    apply_errors,
    get_commenter,
    problem,
    rights_handler_required,
    rights_reader_required,
)
from portal.csvsafe import csv_download

# The information rights record lists the requests waiting a page at a time, and what
# was done about earlier ones a shorter page at a time: each request has a page of its
# own, which its reminders link to.
WAITING_PER_PAGE = 25
DONE_PER_PAGE = 10


def _page(rows, size, number, count):
    """Page ``number`` of ``rows``, ``count`` of them, counted with the record's figures
    rather than by a query of its own."""
    paginator = Paginator(rows, size)
    paginator.count = count
    return paginator.get_page(number)


@rights_reader_required
def rights(request):
    """The requests still waiting, soonest due first, then what was done about people's
    rights over their data: each early removal of a commenter's details, each subject
    access export and each request closed without either, newest first, so that whoever
    answers a request can show when and by whom it was done."""
    since = timezone.now() - datetime.timedelta(days=365)
    sizes, year = selectors.rights_record_figures(since)
    pages = {
        name: _page(rows, size, request.GET.get(name), sizes[name])
        for name, rows, size in (
            ("waiting", selectors.open_rights_requests(), WAITING_PER_PAGE),
            ("removals", selectors.erasures(), DONE_PER_PAGE),
            ("exports", selectors.subject_access_exports(), DONE_PER_PAGE),
            ("closed", selectors.closed_rights_requests(), DONE_PER_PAGE),
        )
    }
    year_rows = [
        ("Subject access exports", year["exports"]),
        ("Details removed early", year["removals"]),
        ("Closed without either", year["closed"]),
    ]
    return render(
        request,
        "moderation/rights.html",
        pages
        | {
            "year_rows": year_rows,
            "in_error": year["in_error"],
            "since": since,
            "can_handle": rules.can_handle_rights_requests(request.user),
            "can_erase": rules.can_erase_commenter(request.user),
        },
    )


EXPORT_HEADER = [
    "Request",
    "What they asked for",
    "Received",
    "Answer due by",
    "Where it stands",
    "Answered or closed on (UK)",
    "How",
    "Within a month",
    "Days taken",
    "Information governance reference",
    "Logged by",
    "Logged on (UK)",
    "Answered or closed by",
]


def _how(done):
    if done.export_id:
        return "Subject access export"
    if done.erasure_id:
        return "Details removed"
    return done.get_closure_display()


def _within_a_month(done):
    if done.status == RightsRequest.Status.OPEN:
        return ""
    if done.in_error:
        return "Not counted: logged in error"
    return "Yes" if done.answered_in_time else "No"


def _moment_cell(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def export_rows(requests):
    """Each request as CSV cells, in the order of ``EXPORT_HEADER``."""
    for done in requests.iterator(chunk_size=2000):
        closed = done.closed_at is not None
        yield [
            done.pk,
            done.get_kind_display(),
            done.received_on.isoformat(),
            done.due_on.isoformat(),
            "Waiting" if done.status == RightsRequest.Status.OPEN else done.get_status_display(),
            _moment_cell(done.closed_at) if closed else "",
            _how(done) if closed else "",
            _within_a_month(done),
            done.days_taken if closed else "",
            done.reference,
            done.logged_by,
            _moment_cell(done.logged_at),
            done.closed_by or "",
        ]


@rights_reader_required
def rights_export(request):
    """Every request on the record as CSV, for information governance's own figures and
    returns: what was asked, the days received, due and answered, how and by whom, and
    the reference. Never whom it is about: information governance holds that under the
    reference."""
    stamp = timezone.localdate().isoformat()
    return csv_download(
        f"information-rights-{stamp}.csv",
        EXPORT_HEADER,
        export_rows(selectors.rights_requests_for_export()),
    )


@rights_handler_required
def rights_request_log(request, pk):
    """Log a request about a person's data the day it is known, so that the month allowed
    for its answer is kept and reminded of."""
    commenter = get_commenter(request.user, pk)
    if commenter.is_forgotten:
        messages.info(request, "Nothing that names this commenter is held any more.")
        return redirect(commenter)
    form = RightsRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            logged = services_rights.request_log(
                actor=request.user, commenter=commenter, **form.cleaned_data
            )
        except ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=commenter.get_absolute_url())
        else:
            messages.success(
                request,
                f"{logged} is logged. The answer is due by {logged.due_on:%-d %B %Y}: the "
                "communications team and the head of communications are reminded a week "
                "before, and again if it is late.",
            )
            return redirect(logged)
    return render(
        request,
        "moderation/rights_request_form.html",
        {
            "commenter": commenter,
            "form": form,
            "waiting": commenter.rights_requests.open(),
        },
        status=400 if form.is_bound else 200,
    )


@rights_reader_required
def rights_request(request, pk):
    """One request about a person's data, wherever it falls on the record's pages: what
    was asked and when, the day its answer is due, and what answered or closed it. The
    link its reminders carry."""
    shown = get_object_or_404(selectors.rights_request_for_page(request.user), pk=pk)
    return render(
        request,
        "moderation/rights_request.html",
        {
            "shown": shown,
            "corrections": selectors.rights_request_corrections(shown),
            "can_handle": rules.can_handle_rights_requests(request.user),
            "can_erase": rules.can_erase_commenter(request.user),
        },
    )


def _waiting_or_back(request, pk, *, kept=False):
    """The request ``pk`` to change while it waits; otherwise a redirect to its page.
    With ``kept``, it comes with how many entries are kept only for it (``kept_for_it``)."""
    requests = RightsRequest.objects.visible_to(request.user).select_related(
        "commenter", "logged_by"
    )
    if kept:
        requests = requests.annotate(kept_for_it=selectors.kept_for_access_request())
    waiting = get_object_or_404(requests, pk=pk)
    if waiting.status != RightsRequest.Status.OPEN:
        messages.info(request, f"{waiting} has already been answered or closed.")
        return waiting, redirect(waiting)
    return waiting, None


@rights_handler_required
def rights_request_correct(request, pk):
    """Put right the day a waiting request was received, or its reference, with the
    reason; what it said before stays on its page."""
    waiting, back = _waiting_or_back(request, pk)
    if back:
        return back
    form = RightsRequestCorrectForm(
        request.POST if request.method == "POST" else None,
        initial={"received_on": waiting.received_on, "reference": waiting.reference},
    )
    if request.method == "POST" and form.is_valid():
        try:
            corrected = services_rights.request_correct(
                actor=request.user, request_id=waiting.pk, **form.cleaned_data
            )
        except ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=waiting.get_absolute_url())
        else:
            messages.success(
                request,
                f"{corrected} is corrected. Its answer is due by {corrected.due_on:%-d %B %Y}.",
            )
            return redirect(corrected)
    return render(
        request,
        "moderation/rights_request_correct.html",
        {"waiting": waiting, "form": form},
        status=400 if form.is_bound else 200,
    )


@rights_handler_required
def rights_request_close(request, pk):
    """Close a request that needs no export or removal, with the reason, after a look at
    what it was."""
    waiting, back = _waiting_or_back(request, pk, kept=True)
    if back:
        return back
    form = RightsRequestCloseForm(
        request.POST if request.method == "POST" else None,
        may_refuse=rules.can_refuse_rights_request(request.user, waiting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_rights.request_close(
                actor=request.user, request_id=waiting.pk, closure=form.cleaned_data["closure"]
            )
        except ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=waiting.get_absolute_url())
        else:
            messages.success(request, f"{waiting} is closed.")
            return redirect(waiting)
    return render(
        request,
        "moderation/rights_request_close.html",
        {"waiting": waiting, "form": form},
        status=400 if form.is_bound else 200,
    )
