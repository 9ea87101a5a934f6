from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from moderation import rules, selectors, services
from moderation.forms import CommenterEraseForm, PlanForm, PlanUpdateForm, SubjectAccessForm
from moderation.models import ManagementPlan, RightsRequest
from moderation.views.common import (
    apply_errors,
    eraser_required,
    full_reader_required,
    get_commenter,
    problem,
    reader_required,
    rights_handler_required,
    writer_required,
)
from portal.numbers import counted
from portal.opened import EditClash, page_stamp

# A person's page lists their entries a page at a time, newest first.
ENTRIES_PER_PAGE = 100


@reader_required
def repeat_offenders(request):
    people = selectors.repeat_offenders(request.user)
    return render(
        request,
        "moderation/repeat_offenders.html",
        {
            "page": Paginator(people, 50).get_page(request.GET.get("page")),
            "threshold": settings.MODERATION_REPEAT_THRESHOLD,
            "window_days": settings.MODERATION_REPEAT_WINDOW_DAYS,
            "reads_everything": rules.can_read_everything(request.user),
        },
    )


@reader_required
def commenter_detail(request, pk):
    """Everything logged about one author, across posts and accounts."""
    commenter = get_commenter(request.user, pk)
    entries = Paginator(
        selectors.commenter_entries(request.user, commenter), ENTRIES_PER_PAGE
    ).get_page(request.GET.get("page"))
    can_plans = rules.can_read_plans(request.user)
    can_log_request = rules.can_handle_rights_requests(request.user)
    plans = list(selectors.commenter_plans(commenter)) if can_plans else []
    return render(
        request,
        "moderation/commenter_detail.html",
        {
            "commenter": commenter,
            "entries": entries,
            "plans": plans,
            "can_read_plans": can_plans,
            "has_open_plan": any(p.status == ManagementPlan.Status.OPEN for p in plans),
            # Worked out from all their entries, which only full readers may see.
            "next_step": selectors.next_step(commenter)
            if commenter.is_repeat_offender and rules.can_read_everything(request.user)
            else None,
            "can_write": rules.can_write(request.user),
            "can_export": rules.can_export_subject_access(request.user),
            "can_erase": rules.can_erase_commenter(request.user) and not commenter.is_forgotten,
            "can_log_request": can_log_request and not commenter.is_forgotten,
            "waiting": (
                commenter.rights_requests.open()
                if rules.can_read_rights_requests(request.user)
                else ()
            ),
        },
    )


def _received(waiting):
    """The day an open request was received, for the form that answers it."""
    return {"received_on": waiting.received_on} if waiting else None


@eraser_required
def commenter_erase(request, pk):
    """Remove now what is held about one commenter, once the head of communications has
    seen what goes, what stays and what stops it, and given a reason."""
    commenter = get_commenter(request.user, pk)
    if commenter.is_forgotten:
        messages.info(request, "Nothing that names this commenter is held any more.")
        return redirect(commenter)
    waiting = selectors.open_request(commenter, RightsRequest.Kind.ERASURE)
    form = CommenterEraseForm(
        request.POST if request.method == "POST" else None, initial=_received(waiting)
    )
    if request.method == "POST" and form.is_valid():
        try:
            files, cleared = services.commenter_erase(
                actor=request.user,
                commenter_id=commenter.pk,
                reason=form.cleaned_data["reason"],
                received_on=form.cleaned_data["received_on"],
            )
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=commenter.get_absolute_url())
        else:
            messages.success(
                request,
                f"Their handle, the details of {counted(cleared, 'entry', 'entries')} and "
                f"{counted(files, 'evidence file', 'evidence files')} were removed. "
                "Each entry's timeline says when, by whom and why.",
            )
            return redirect(commenter)
    return render(
        request,
        "moderation/commenter_erase.html",
        {
            "commenter": commenter,
            "form": form,
            "summary": selectors.erasure_summary(commenter),
            "waiting": waiting,
            "retention_months": settings.MODERATION_EVIDENCE_RETENTION_MONTHS,
        },
        status=400 if form.is_bound else 200,
    )


@rights_handler_required
def commenter_export(request, pk):
    """Everything held about one handle, for a subject access request: asks the day the
    request was received, then gives a zip of a readable record and the evidence files
    still kept, and records who took it and when."""
    commenter = get_commenter(request.user, pk)
    waiting = selectors.open_request(commenter, RightsRequest.Kind.ACCESS)
    form = SubjectAccessForm(
        request.POST if request.method == "POST" else None, initial=_received(waiting)
    )
    if request.method == "POST" and form.is_valid():
        try:
            spool = services.subject_access_export(
                actor=request.user,
                commenter=commenter,
                received_on=form.cleaned_data["received_on"],
            )
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=commenter.get_absolute_url())
        else:
            response = FileResponse(
                spool,
                as_attachment=True,
                filename=f"subject-access-{commenter.pk}-{timezone.localdate()}.zip",
                content_type="application/zip",
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "moderation/commenter_export.html",
        {
            "commenter": commenter,
            "form": form,
            "earlier": selectors.subject_access_exports().filter(commenter=commenter),
            "waiting": waiting,
        },
        status=400 if form.is_bound else 200,
    )


@writer_required
def plan_create(request, pk):
    commenter = get_commenter(request.user, pk)
    form = PlanForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_create(actor=request.user, commenter=commenter, **form.cleaned_data)
        except services.ActionError as error:
            if not apply_errors(form, error):
                return problem(request, error, back=commenter.get_absolute_url())
        else:
            messages.success(request, "The management plan has started.")
            return redirect(commenter)
    return render(
        request,
        "moderation/plan_form.html",
        {"form": form, "commenter": commenter},
        status=400 if form.is_bound else 200,
    )


@full_reader_required
def plan_detail(request, pk):
    plan = get_object_or_404(
        ManagementPlan.objects.visible_to(request.user)
        .select_related("commenter", "owner")
        .prefetch_related("steps__done_by"),
        pk=pk,
    )
    form, opened, status = None, None, 400
    if rules.can_write(request.user) and plan.status == ManagementPlan.Status.OPEN:
        # The plan is all that keeps their handle: closing it forgets them.
        closing_forgets = not selectors.entries_keeping_details(plan.commenter_id).exists()
        form = PlanUpdateForm(
            request.POST or None,
            plan=plan,
            closing_forgets=closing_forgets,
            initial={
                "done_steps": [s.pk for s in plan.steps.all() if s.done_at],
                "owner": plan.owner_id,
                "review_on": plan.review_on,
                "outcome": plan.outcome,
            },
        )
        opened = page_stamp(request, lambda: services.plan_answers(plan))
        if request.method == "POST" and form.is_valid():
            try:
                services.plan_update(
                    actor=request.user, plan_id=plan.pk, opened=opened, **form.cleaned_data
                )
            except EditClash as clash:
                form.add_error(None, clash.message)
                opened, status = clash.opened, 409
            except services.ActionError as error:
                if not apply_errors(form, error):
                    return problem(request, error, back=plan.get_absolute_url())
            else:
                if form.cleaned_data["close"] and closing_forgets:
                    messages.success(
                        request,
                        "The plan is closed. Every entry about them had passed its retention "
                        "date, so their handle and what the plan said about them are removed.",
                    )
                else:
                    messages.success(request, "The plan has been updated.")
                return redirect(plan)
    elif request.method == "POST":
        return problem(
            request,
            services.ActionRefused("Only the communications team can change an open plan."),
            back=plan.get_absolute_url(),
        )
    return render(
        request,
        "moderation/plan_detail.html",
        {
            "plan": plan,
            "form": form,
            "opened": opened,
            "history": plan.history.select_related("history_user")[:50],
        },
        status=status if form is not None and form.is_bound else 200,
    )
