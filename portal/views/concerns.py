"""Reporting a worrying post, comment or account, and comms triaging the reports.

Other apps add buttons to a concern's page through ``settings.CONCERN_ACTIONS``: each
entry is the dotted path of a function ``actions(concern, user)`` returning a list of
``{"label": ..., "url": ...}``. The moderation log uses it for "Make a moderation entry",
pointing at its entry form with ``?concern=<id>``; that form reads the concern through
``Concern.objects.visible_to(user)`` and, once the entry is saved, calls
``portal.services.concerns.concern_link`` so the concern links to the entry.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import rules, selectors
from portal.forms import (
    CloseConcernForm,
    CommentForm,
    ConcernForm,
    RecordActionForm,
    SafeguardingTakeOnForm,
    StateFilterForm,
)
from portal.models import Concern
from portal.services import ActionError
from portal.services import concerns as services
from portal.views.common import add_errors, problem

ACTIONS = {"acknowledge", "record_action", "close"}
DONE = {
    "acknowledge": "Acknowledged. The person who reported it has been told it is being looked at.",
    "record_action": "The action has been recorded on the timeline.",
    "close": "The report is closed and the person who reported it has been told.",
}


def _get(user, pk):
    try:
        return (
            Concern.objects.visible_to(user)
            .select_related("reported_by", "handled_by", "safeguarding_taken_by")
            .get(pk=pk)
        )
    except Concern.DoesNotExist:
        raise Http404("No such report.") from None


def extra_actions(concern, user):
    """Buttons other apps offer on this concern (see the module's docstring)."""
    found = []
    for path in getattr(settings, "CONCERN_ACTIONS", []):
        found.extend(import_string(path)(concern, user))
    return found


@never_cache
@login_required
def concern_list(request):
    """Comms and auditors: every report, open first. Everyone else: their own reports."""
    sees_all = rules.can_see_concern_queue(request.user)
    form = StateFilterForm(request.GET or None, states=Concern.State.choices)
    state = form.cleaned_data["state"] if form.is_valid() else ("open" if sees_all else "")
    page = Paginator(selectors.concerns(request.user, state), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/concerns/list.html",
        {
            "page": page,
            "form": form,
            "sees_all": sees_all,
            "counts": selectors.concern_counts() if sees_all else None,
        },
    )


@never_cache
@login_required
def concern_create(request):
    if not rules.can_report_concern(request.user):
        raise PermissionDenied
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern = services.concern_report(actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            "Thank you. Your report has gone to the communications team"
            + (
                " and the safeguarding lead, who are told at once."
                if concern.someone_at_risk
                else "; you will hear when it has been picked up."
            ),
        )
        return redirect(concern)
    return render(
        request, "portal/concerns/form.html", {"form": form}, status=400 if form.is_bound else 200
    )


# The two forms with fields of their own; both can be open on the page at once, so each
# has its own ids.
FORMS = {"close": CloseConcernForm, "record_action": RecordActionForm}


def _form(action, data=None):
    if action in FORMS:
        return FORMS[action](data, auto_id=f"{action}-%s")
    return CommentForm(data)


def _actions(concern, user):
    return [
        {"name": t.name, **t.custom}
        for t in concern.get_available_state_transitions()
        if t.has_perm(concern, user)
    ]


def _timeline(concern, user):
    """The report's events. On a report of a colleague's own post, what comms wrote (the
    author's manager, an investigation) is not for the person who reported it."""
    events = list(concern.events.select_related("actor").order_by("at", "id"))
    if not rules.can_read_concern_notes(concern, user):
        for event in events:
            event.comment = ""
    return events


def _detail(
    request, concern, *, failed=None, failed_form=None, safeguarding_form=None, status=200
):
    user = request.user
    triage = rules.can_triage_concern(concern, user)
    return render(
        request,
        "portal/concerns/detail.html",
        {
            "concern": concern,
            "actions": _actions(concern, user),
            "extra_actions": extra_actions(concern, user) if triage and concern.is_open else [],
            "events": _timeline(concern, user),
            "same_link": selectors.same_link_reports(concern).select_related("reported_by")[:10]
            if rules.can_see_concern_queue(user) and not concern.redacted_at
            else [],
            "close_form": failed_form if failed == "close" else _form("close"),
            "record_form": failed_form if failed == "record_action" else _form("record_action"),
            "failed": failed,
            "failed_form": failed_form,
            "retention_days": services.retention_days(),
            "sees_safeguarding": rules.can_read_safeguarding_outcome(user),
            "can_take_on": concern.safeguarding_waiting and rules.can_take_on_safeguarding(user),
            "safeguarding_form": safeguarding_form or SafeguardingTakeOnForm(),
        },
        status=status,
    )


@never_cache
@login_required
def concern_detail(request, pk):
    return _detail(request, _get(request.user, pk))


@require_POST
@login_required
def concern_action(request, pk, action):
    concern = _get(request.user, pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    form = _form(action, request.POST)
    if not form.is_valid():
        return _detail(request, concern, failed=action, failed_form=form, status=400)
    try:
        services.concern_act(
            actor=request.user,
            concern_id=concern.pk,
            action=action,
            comment=form.cleaned_data["comment"],
            outcome=form.cleaned_data.get("outcome", ""),
            incident_reference=form.cleaned_data.get("incident_reference", ""),
        )
    except ActionError as error:
        if error.status == 400 and error.errors:
            add_errors(form, error)
            return _detail(request, concern, failed=action, failed_form=form, status=400)
        return problem(request, error, back=concern.get_absolute_url())
    messages.success(request, DONE[action])
    return redirect(concern)


@require_POST
@login_required
def concern_safeguarding_take_on(request, pk):
    if not rules.can_take_on_safeguarding(request.user):
        raise PermissionDenied
    concern = _get(request.user, pk)
    form = SafeguardingTakeOnForm(request.POST)
    # From a page loaded before someone else took it on, the service says so whatever
    # was sent: it asks that before the choice.
    if form.is_valid() or not concern.safeguarding_waiting:
        try:
            services.concern_safeguarding_take_on(
                actor=request.user,
                concern_id=concern.pk,
                outcome=form.cleaned_data.get("outcome", ""),
            )
        except ActionError as error:
            if error.status != 400 or not error.errors:
                return problem(request, error, back=concern.get_absolute_url())
            add_errors(form, error)
        else:
            messages.success(
                request, "You have taken on the concern; the reminders about it have stopped."
            )
            return redirect(concern)
    return _detail(request, concern, safeguarding_form=form, status=400)
