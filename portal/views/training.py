"""Training: the slides, asking for a session for a team, and comms arranging it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import rules, selectors
from portal.forms import CommentForm, ScheduleForm, StateFilterForm, TrainingRequestForm
from portal.models import Document, Team, TrainingRequest
from portal.services import ActionError
from portal.services import training as services
from portal.views.common import add_errors, problem

ACTIONS = {"schedule", "reschedule", "mark_delivered", "decline", "cancel"}
DONE = {
    "schedule": "The session is booked and the team has been told.",
    "reschedule": "The session has been moved and the team has been told.",
    "mark_delivered": "The session is marked as delivered.",
    "decline": "The request has been declined and the person who asked has been told.",
    "cancel": "The request has been cancelled.",
}


def _get(user, pk):
    try:
        return (
            TrainingRequest.objects.visible_to(user)
            .select_related("team", "requested_by", "presenter")
            .get(pk=pk)
        )
    except TrainingRequest.DoesNotExist:
        raise Http404("No such training request.") from None


@never_cache
@login_required
def training(request):
    """The training page: the slides, asking for a session, and the requests one can see."""
    form = StateFilterForm(request.GET or None, states=TrainingRequest.State.choices)
    state = form.cleaned_data["state"] if form.is_valid() else "open"
    requests = selectors.training_requests(request.user, state)
    page = Paginator(requests, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/training/list.html",
        {
            "page": page,
            "form": form,
            "deck": selectors.current_version(Document.Kind.SLIDES),
            "is_comms": rules.is_comms(request.user),
            "sees_all": rules.sees_everything(request.user),
        },
    )


@login_required
def training_request_create(request):
    if not rules.can_request_training(request.user):
        raise PermissionDenied
    teams = Team.objects.filter(pk__in=rules.team_ids(request.user), is_active=True)
    form = TrainingRequestForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.training_request_create(actor=request.user, data=form.cleaned_data)
        except ActionError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                "Your request has been sent. The communications team will be in touch to agree "
                "a date; you will get a notification when it is booked.",
            )
            return redirect(record)
    return render(
        request,
        "portal/training/form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _actions(record, user):
    actions = []
    for transition in record.get_available_state_transitions():
        if transition.has_perm(record, user):
            actions.append({"name": transition.name, **transition.custom})
    return actions


def _detail(request, record, *, failed=None, failed_form=None, status=200):
    actions = _actions(record, request.user)
    schedule_initial = {
        "starts_at": record.session_starts_at or services.default_session_start(record),
        "minutes": record.session_minutes or 60,
        "location": record.location,
        "presenter": record.presenter_id,
    }
    return render(
        request,
        "portal/training/detail.html",
        {
            "record": record,
            "actions": actions,
            "events": record.events.select_related("actor").order_by("at", "id"),
            "schedule_form": failed_form
            if failed in ("schedule", "reschedule")
            else ScheduleForm(initial=schedule_initial),
            "failed": failed,
            "failed_form": failed_form,
        },
        status=status,
    )


@never_cache
@login_required
def training_request_detail(request, pk):
    return _detail(request, _get(request.user, pk))


@require_POST
@login_required
def training_request_action(request, pk, action):
    record = _get(request.user, pk)
    if action not in ACTIONS:
        raise Http404("No such action.")
    booking = action in ("schedule", "reschedule")
    form = ScheduleForm(request.POST) if booking else CommentForm(request.POST)
    if not form.is_valid():
        return _detail(request, record, failed=action, failed_form=form, status=400)
    data = dict(form.cleaned_data)
    comment = data.pop("comment", "")
    try:
        services.training_request_act(
            actor=request.user, request_id=record.pk, action=action, comment=comment, **data
        )
    except ActionError as error:
        if error.status == 400 and error.errors:
            add_errors(form, error)
            return _detail(request, record, failed=action, failed_form=form, status=400)
        return problem(request, error, back=record.get_absolute_url())
    messages.success(request, DONE[action])
    return redirect(record)
