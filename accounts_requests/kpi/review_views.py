"""Pages for annual reviews and closures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts_requests import rules
from accounts_requests.kpi import reviews, selectors
from accounts_requests.kpi.forms import (
    OUTCOME_FORMS,
    CancelClosureForm,
    ClosureProposeForm,
    ClosureStepForm,
    CommentForm,
    ResponseForm,
    SignOffForm,
)
from accounts_requests.kpi.views import _apply_errors, get_account
from accounts_requests.models import AccountClosure, AccountReview, ClosureStep, ManagedAccount
from accounts_requests.panels import account_panels
from accounts_requests.views import _problem
from portal.services.errors import ActionConflict, ActionError

OUTCOME_DONE = {
    "continue": "The review is decided: the account continues. The team has been told.",
    "improvement_plan": "The improvement plan is set. The team has been told.",
    "propose_closure": "Closure is proposed. Next, work through the exit checklist.",
}


def _get_review(user, pk):
    try:
        return selectors.review_for_page(user, pk)
    except AccountReview.DoesNotExist:
        raise Http404("No such review.") from None


def _get_closure(user, pk):
    try:
        return selectors.closure_for_page(user, pk)
    except AccountClosure.DoesNotExist:
        raise Http404("No such closure.") from None


# ---- Reviews ------------------------------------------------------------------------------


@require_POST
@login_required
def review_start(request, pk):
    account = get_account(request.user, pk)
    form = CommentForm(request.POST)
    if not rules.can_run_reviews(account, request.user):
        raise PermissionDenied
    if not form.is_valid():
        return _problem(
            request, ActionError("The note is too long."), back=account.get_absolute_url()
        )
    try:
        review = reviews.account_review_start(
            actor=request.user, account_id=account.pk, comment=form.cleaned_data["comment"]
        )
    except ActionError as error:
        return _problem(request, error, back=account.get_absolute_url())
    messages.success(request, f"The {review.get_kind_display().lower()} has started.")
    return redirect(review)


def _review_context(request, review, **extra):
    user = request.user
    account = review.account
    rows = selectors.account_figures(account)
    can_decide = review.is_open and rules.can_run_reviews(account, user)
    context = {
        "review": review,
        "account": account,
        "health": selectors.account_health(account),
        "table": selectors.figures_table(account, rows),
        "chart": selectors.chart_data(account, rows),
        "trend": selectors.trend(rows),
        "events": selectors.account_timeline(account),
        "panels": account_panels(account, user),
        "earlier_reviews": account.reviews.exclude(pk=review.pk)
        .select_related("decided_by")
        .order_by("-started_at"),
        "responses": review.responses.select_related("author"),
        "closures": review.closures.all(),
        "can_decide": can_decide,
        "can_respond": rules.can_respond_to_review(account, user),
        "outcome_forms": {
            name: form_class(prefix=name, initial=_outcome_initial(name))
            for name, form_class in OUTCOME_FORMS.items()
        }
        if can_decide
        else {},
        "response_form": ResponseForm(),
        "open_outcome": None,
    }
    context.update(extra)
    return context


def _outcome_initial(name):
    if name == "improvement_plan":
        return {"re_review_on": reviews.default_re_review_on()}
    return {}


@login_required
def review_detail(request, pk):
    review = _get_review(request.user, pk)
    return render(request, "accounts_requests/kpi/review.html", _review_context(request, review))


@require_POST
@login_required
def review_decide(request, pk, outcome):
    review = _get_review(request.user, pk)
    if outcome not in OUTCOME_FORMS:
        raise Http404("No such outcome.")
    if not rules.can_run_reviews(review.account, request.user):
        raise PermissionDenied
    form = OUTCOME_FORMS[outcome](request.POST, prefix=outcome)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reviews.account_review_decide(
                actor=request.user,
                review_id=review.pk,
                outcome=outcome,
                reasons=data["reasons"],
                actions=data.get("actions", ""),
                re_review_on=data.get("re_review_on"),
                closure_reason=data.get("closure_reason"),
            )
        except ActionError as error:
            if error.status != 400 or not error.errors:
                return _problem(request, error, back=review.get_absolute_url())
            _apply_errors(form, error)
        else:
            messages.success(request, OUTCOME_DONE[outcome])
            review.refresh_from_db()
            closure = review.closures.first()
            return redirect(closure or review)
    context = _review_context(request, review)
    context["outcome_forms"][outcome] = form
    context["open_outcome"] = outcome
    return render(request, "accounts_requests/kpi/review.html", context, status=400)


@require_POST
@login_required
def review_respond(request, pk):
    review = _get_review(request.user, pk)
    if not rules.can_respond_to_review(review.account, request.user):
        if review.account.state == ManagedAccount.State.CLOSED:
            return _problem(
                request,
                ActionConflict("This account is closed; its reviews are kept as they were."),
                back=review.get_absolute_url(),
            )
        raise PermissionDenied
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            reviews.account_review_respond(
                actor=request.user, review_id=review.pk, body=form.cleaned_data["body"]
            )
        except ActionError as error:
            return _problem(request, error, back=review.get_absolute_url())
        messages.success(request, "Your response has been added.")
        return redirect(review.get_absolute_url() + "#responses")
    return render(
        request,
        "accounts_requests/kpi/review.html",
        _review_context(request, review, response_form=form),
        status=400,
    )


# ---- Closure -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def closure_propose(request, pk):
    """Propose closing an account outside a review: inappropriate content, or the team's
    own request."""
    from portal import rules as portal_rules

    account = get_account(request.user, pk)
    open_closure = selectors.open_closure(account)
    if open_closure:
        messages.info(request, "Closing this account has already been proposed.")
        return redirect(open_closure)
    if account.state not in (ManagedAccount.State.ACTIVE, ManagedAccount.State.IMPROVEMENT_PLAN):
        if account.state == ManagedAccount.State.UNDER_REVIEW and rules.can_run_reviews(
            account, request.user
        ):
            messages.info(request, "This account is under review: propose closure as its outcome.")
            return redirect(selectors.open_review(account) or account)
        if not rules.can_propose_closure(account, request.user):
            raise PermissionDenied
        messages.info(
            request,
            f"An account that is {account.get_state_display().lower()} cannot be proposed "
            "for closure.",
        )
        return redirect(account)
    if not rules.can_propose_closure(account, request.user):
        raise PermissionDenied
    reasons = (
        AccountClosure.Reason.values
        if portal_rules.is_comms(request.user)
        else list(AccountClosure.TEAM_REASONS)
    )
    form = ClosureProposeForm(request.POST or None, reasons=reasons)
    if request.method == "POST" and form.is_valid():
        try:
            closure = reviews.account_closure_propose(
                actor=request.user,
                account_id=account.pk,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
        except ActionError as error:
            if error.status != 400 or not error.errors:
                return _problem(request, error, back=account.get_absolute_url())
            _apply_errors(form, error)
        else:
            messages.success(
                request, "Closure is proposed. Next, work through the exit checklist."
            )
            return redirect(closure)
    return render(
        request,
        "accounts_requests/kpi/closure_propose.html",
        {"account": account, "form": form},
        status=400 if form.errors else 200,
    )


def _closure_context(request, closure, **extra):
    user = request.user
    account = closure.account
    steps = selectors.checklist(closure)
    can_work = closure.is_open and rules.can_work_exit_checklist(account, user)
    for item in steps:
        item["form"] = (
            ClosureStepForm(step=item["step"].value, outcomes=item["outcomes"])
            if can_work
            else None
        )
    complete = all(item["done"] for item in steps)
    context = {
        "closure": closure,
        "account": account,
        "steps": steps,
        "complete": complete,
        "can_work": can_work,
        "can_sign_off": closure.is_open and rules.can_sign_off_closure(account, user),
        "can_cancel": closure.is_open and rules.can_cancel_closure(account, user),
        "sign_off_form": SignOffForm(),
        "cancel_form": CancelClosureForm(),
        "open_step": None,
    }
    context.update(extra)
    if context["open_step"]:
        for item in steps:
            if item["step"].value == context["open_step"]:
                item["form"] = context["step_form"]
    return context


@login_required
def closure_detail(request, pk):
    closure = _get_closure(request.user, pk)
    return render(
        request, "accounts_requests/kpi/closure.html", _closure_context(request, closure)
    )


@require_POST
@login_required
def closure_step(request, pk, step):
    closure = _get_closure(request.user, pk)
    if step not in ClosureStep.Step.values:
        raise Http404("No such exit step.")
    if closure.is_open and not rules.can_work_exit_checklist(closure.account, request.user):
        raise PermissionDenied
    outcomes = [
        (value, ClosureStep.Outcome(value).label)
        for value in ClosureStep.STEP_OUTCOMES.get(step, ())
    ]
    form = ClosureStepForm(request.POST, step=step, outcomes=outcomes)
    if form.is_valid():
        try:
            reviews.account_closure_complete_step(
                actor=request.user,
                closure_id=closure.pk,
                step=step,
                outcome=form.cleaned_data.get("outcome", ""),
                detail=form.cleaned_data.get("detail", ""),
            )
        except ActionError as error:
            if error.status != 400 or not error.errors:
                return _problem(request, error, back=closure.get_absolute_url())
            _apply_errors(form, error)
        else:
            messages.success(request, f"Done: {ClosureStep.Step(step).label}.")
            return redirect(closure.get_absolute_url() + "#checklist")
    return render(
        request,
        "accounts_requests/kpi/closure.html",
        _closure_context(request, closure, open_step=step, step_form=form),
        status=400,
    )


@require_POST
@login_required
def closure_sign_off(request, pk):
    closure = _get_closure(request.user, pk)
    if not rules.can_sign_off_closure(closure.account, request.user):
        raise PermissionDenied
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts_requests/kpi/closure.html",
            _closure_context(request, closure, sign_off_form=form),
            status=400,
        )
    try:
        reviews.account_closure_sign_off(
            actor=request.user, closure_id=closure.pk, comment=form.cleaned_data["comment"]
        )
    except ActionError as error:
        return _problem(request, error, back=closure.get_absolute_url())
    messages.success(request, f"Signed off: {closure.account} is now closed.")
    return redirect(closure.account)


@require_POST
@login_required
def closure_cancel(request, pk):
    closure = _get_closure(request.user, pk)
    if not rules.can_cancel_closure(closure.account, request.user):
        raise PermissionDenied
    form = CancelClosureForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts_requests/kpi/closure.html",
            _closure_context(request, closure, cancel_form=form, cancel_failed=True),
            status=400,
        )
    try:
        reviews.account_closure_cancel(
            actor=request.user, closure_id=closure.pk, reason=form.cleaned_data["reason"]
        )
    except ActionError as error:
        return _problem(request, error, back=closure.get_absolute_url())
    messages.success(request, f"The closure is withdrawn: {closure.account} stays open.")
    return redirect(closure.account)
