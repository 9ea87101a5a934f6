"""Annual reviews and closures: every change goes through one of these services.

Each runs in one transaction: lock the account, take the transition (which checks the
state and the user's permission), write the review or closure record and the timeline
event, and write the notifications, which are e-mailed only after the commit.
"""

from django.db import transaction
from django.utils import timezone

from accounts_requests import rules
from accounts_requests.kpi import notifications
from accounts_requests.kpi.health import RE_REVIEW_MONTHS, Health, next_review_on, with_health
from accounts_requests.kpi.months import add_months
from accounts_requests.models import (
    AccountClosure,
    AccountReview,
    ClosureStep,
    ManagedAccount,
    ReviewResponse,
)
from accounts_requests.workflow import (
    locked_account,
    record_event,
    refuse_if_closed,
    require_text,
    run_account_transition,
)
from portal.services.errors import ActionConflict, ActionError, ActionRefused

State = ManagedAccount.State
Outcome = AccountReview.Outcome


def _health_snapshot(account_id):
    account = with_health(ManagedAccount.objects.filter(pk=account_id)).get()
    return {
        "health": account.health,
        "health_label": Health(account.health).label,
        "latest_month": account.latest_month.isoformat() if account.latest_month else None,
        "latest_followers": account.latest_followers,
        "latest_rate": round(account.latest_rate, 2) if account.latest_rate is not None else None,
        "months_below_target": account.below_run,
        "target_engagement_rate": str(account.target_engagement_rate),
        "target_followers": account.target_followers,
    }


def _locked_review(review_id):
    """The review and its account, both locked: the account first, as every service does,
    so two services never wait on each other."""
    account_id = (
        AccountReview.objects.filter(pk=review_id).values_list("account_id", flat=True).first()
    )
    if account_id is None:
        raise ActionConflict("This review no longer exists.")
    account = locked_account(account_id)
    review = AccountReview.objects.select_for_update().get(pk=review_id)
    review.account = account
    return review, account


def account_review_start(*, actor, account_id, comment=""):
    """Start the annual review of an active account, or the re-review of one on a plan."""
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        annotated = with_health(ManagedAccount.objects.filter(pk=account.pk)).get()
        due_on = next_review_on(annotated)
        if account.state == State.IMPROVEMENT_PLAN:
            name, kind = "start_re_review", AccountReview.Kind.RE_REVIEW
        else:
            name, kind = "start_review", AccountReview.Kind.ANNUAL
        run_account_transition(account, actor=actor, name=name, comment=comment)
        review = AccountReview.objects.create(
            account=account,
            kind=kind,
            due_on=due_on,
            started_by=actor,
            started_at=timezone.now(),
        )
        notifications.review_started(review, actor=actor)
    return review


def default_re_review_on(today=None):
    return add_months(today or timezone.localdate(), RE_REVIEW_MONTHS)


def account_review_decide(
    *,
    actor,
    review_id,
    outcome,
    reasons,
    actions="",
    re_review_on=None,
    closure_reason=None,
):
    """Record a review's outcome and move the account on: continue, a plan, or closure."""
    reasons = require_text(reasons, "reasons", "Give the reasons for the outcome.")
    if outcome == Outcome.IMPROVEMENT_PLAN:
        actions = require_text(actions, "actions", "List the actions the team will take.")
        if re_review_on is None:
            re_review_on = default_re_review_on()
        if re_review_on <= timezone.localdate():
            raise ActionError(
                "The re-review date must be in the future.",
                errors={"re_review_on": "Choose a date in the future."},
            )
        if re_review_on > add_months(timezone.localdate(), 12):
            raise ActionError(
                "The re-review should be within a year.",
                errors={"re_review_on": "Choose a date within the next twelve months."},
            )
    elif outcome == Outcome.PROPOSE_CLOSURE:
        if closure_reason not in AccountClosure.Reason.values:
            raise ActionError(
                "Choose the reason for closing.", errors={"closure_reason": "Choose a reason."}
            )
    elif outcome != Outcome.CONTINUE:
        raise ActionError("Choose an outcome.", errors={"outcome": "Choose an outcome."})

    with transaction.atomic():
        review, account = _locked_review(review_id)
        if not review.is_open:
            raise ActionConflict(
                f"This review was already decided ({review.get_outcome_display()}). Nothing "
                "was changed."
            )
        if account.state != State.UNDER_REVIEW:
            raise ActionConflict(
                f"This account is now '{account.get_state_display()}', not under review, so "
                "the review cannot be decided. Nothing was changed."
            )
        snapshot = _health_snapshot(account.pk)
        if outcome == Outcome.CONTINUE:
            run_account_transition(
                account, actor=actor, name="continue_after_review", comment=reasons
            )
        elif outcome == Outcome.IMPROVEMENT_PLAN:
            run_account_transition(
                account,
                actor=actor,
                name="set_improvement_plan",
                comment=f"{reasons}\n\nActions: {actions}\n\nRe-review on "
                f"{re_review_on:%-d %B %Y}.",
                re_review_on=re_review_on,
            )
        else:
            from_state = run_account_transition(
                account, actor=actor, name="propose_closure", comment=reasons
            )
        review.outcome = outcome
        review.reasons = reasons
        review.actions = actions if outcome == Outcome.IMPROVEMENT_PLAN else ""
        review.re_review_on = re_review_on if outcome == Outcome.IMPROVEMENT_PLAN else None
        review.decided_by = actor
        review.decided_at = timezone.now()
        review.health_at_decision = snapshot
        review.save()
        notifications.review_decided(review, actor=actor)
        if outcome == Outcome.PROPOSE_CLOSURE:
            closure = AccountClosure.objects.create(
                account=account,
                review=review,
                reason=closure_reason,
                explanation=reasons,
                previous_state=from_state,
                proposed_by=actor,
                proposed_at=review.decided_at,
            )
            notifications.closure_proposed(closure, actor=actor)
    return review


def account_review_respond(*, actor, review_id, body):
    """The team (or comms) writes on a review's page."""
    from portal import rules as portal_rules

    body = require_text(body, "body", "Write your response.")
    with transaction.atomic():
        review, account = _locked_review(review_id)
        refuse_if_closed(account)
        if not rules.can_respond_to_review(account, actor):
            raise ActionRefused("You cannot respond on this review.")
        response = ReviewResponse.objects.create(
            review=review,
            author=actor,
            at=timezone.now(),
            body=body,
            from_team=portal_rules.is_member_of(actor, account.team_id)
            and not portal_rules.is_comms(actor),
        )
        notifications.review_response(response, actor=actor)
    return response


# ---- Closure ------------------------------------------------------------------------------


def account_closure_propose(*, actor, account_id, reason, explanation):
    """Propose closing an account outside a review: for inappropriate content (comms) or
    because the team asks for it (its manager)."""
    from portal import rules as portal_rules

    explanation = require_text(explanation, "explanation", "Explain why it should close.")
    if reason not in AccountClosure.Reason.values:
        raise ActionError("Choose the reason for closing.", errors={"reason": "Choose a reason."})
    if not portal_rules.is_comms(actor) and reason not in AccountClosure.TEAM_REASONS:
        raise ActionError(
            "A team can ask to close its account because it asked to or its service ended.",
            errors={"reason": "Choose one of the reasons a team can give."},
        )
    with transaction.atomic():
        account = locked_account(account_id)
        refuse_if_closed(account)
        if account.state == State.UNDER_REVIEW:
            raise ActionConflict(
                "This account is under review: propose closure as the review's outcome."
            )
        from_state = run_account_transition(
            account, actor=actor, name="propose_closure", comment=explanation
        )
        closure = AccountClosure.objects.create(
            account=account,
            reason=reason,
            explanation=explanation,
            previous_state=from_state,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        notifications.closure_proposed(closure, actor=actor)
    return closure


def _locked_closure(closure_id):
    """The open closure and its account, both locked, the account first."""
    account_id = (
        AccountClosure.objects.filter(pk=closure_id).values_list("account_id", flat=True).first()
    )
    if account_id is None:
        raise ActionConflict("This closure no longer exists.")
    account = locked_account(account_id)
    closure = AccountClosure.objects.select_for_update().get(pk=closure_id)
    closure.account = account
    if not closure.is_open:
        raise ActionConflict(f"This closure is already finished: {closure.status_label.lower()}.")
    return closure, account


def missing_steps(closure):
    done = set(closure.steps.values_list("step", flat=True))
    return [step for step in ClosureStep.Step if step not in done]


def account_closure_complete_step(*, actor, closure_id, step, outcome="", detail=""):
    """Record one exit step as done (again, if it is being corrected)."""
    if step not in ClosureStep.Step.values:
        raise ActionError("There is no such exit step.")
    allowed = ClosureStep.STEP_OUTCOMES.get(step, ())
    if allowed and outcome not in allowed:
        raise ActionError("Say what was done.", errors={"outcome": "Choose what was done."})
    if not allowed:
        outcome = ""
    detail = (detail or "").strip()[:500]
    if step in (ClosureStep.Step.FINAL_POST, ClosureStep.Step.CONTENT_ARCHIVED) and not detail:
        message = (
            "Give the link to the final post."
            if step == ClosureStep.Step.FINAL_POST
            else "Say where the content is archived."
        )
        raise ActionError(message, errors={"detail": message})
    with transaction.atomic():
        closure, account = _locked_closure(closure_id)
        if not rules.can_work_exit_checklist(account, actor):
            raise ActionRefused("You cannot work on this account's exit checklist.")
        was_complete = not missing_steps(closure)
        ClosureStep.objects.update_or_create(
            closure=closure,
            step=step,
            defaults={
                "outcome": outcome,
                "detail": detail,
                "done_by": actor,
                "done_at": timezone.now(),
            },
        )
        label = ClosureStep.Step(step).label
        if outcome:
            label += f": {ClosureStep.Outcome(outcome).label.lower()}"
        record_event(account, actor=actor, action="closure_step", comment=label)
        if not was_complete and not missing_steps(closure):
            notifications.checklist_complete(closure, actor=actor)
    return closure


def account_closure_sign_off(*, actor, closure_id, comment=""):
    """The head of communications signs off: the account is closed and becomes read-only."""
    with transaction.atomic():
        closure, account = _locked_closure(closure_id)
        if account.state != State.CLOSURE_PROPOSED:
            raise ActionConflict(
                f"This account is now '{account.get_state_display()}', so the closure cannot be "
                "signed off. Nothing was changed."
            )
        if not rules.can_sign_off_closure(account, actor):
            raise ActionRefused("Only the head of communications can sign off a closure.")
        missing = missing_steps(closure)
        if missing:
            raise ActionError(
                "The exit checklist is not complete. Still to do: "
                + "; ".join(str(step.label).lower() for step in missing)
                + "."
            )
        comment = (comment or "").strip()
        run_account_transition(account, actor=actor, name="close", comment=comment)
        closure.signed_off_by = actor
        closure.signed_off_at = timezone.now()
        closure.sign_off_comment = comment
        closure.save()
        notifications.account_closed(closure, actor=actor)
    return closure


def account_closure_cancel(*, actor, closure_id, reason):
    """Withdraw a closure that is not going to be signed off; the account goes back to
    where it was."""
    reason = require_text(reason, "reason", "Say why the account is staying open.")
    with transaction.atomic():
        closure, account = _locked_closure(closure_id)
        # Back to an improvement plan if it was on one; otherwise active (a review that
        # proposed the closure is decided, so the account carries on until the next one).
        return_to = closure.previous_state
        if return_to != State.IMPROVEMENT_PLAN:
            return_to = State.ACTIVE
        run_account_transition(
            account, actor=actor, name="cancel_closure", comment=reason, return_to=return_to
        )
        closure.cancelled_by = actor
        closure.cancelled_at = timezone.now()
        closure.cancel_reason = reason
        closure.save()
        notifications.closure_cancelled(closure, actor=actor)
    return closure


def reviews_due(today=None):
    """Accounts whose review has fallen due and has not started: for the reminders."""
    from accounts_requests.kpi.health import review_due_filter

    today = today or timezone.localdate()
    return (
        with_health(
            ManagedAccount.objects.filter(state__in=(State.ACTIVE, State.IMPROVEMENT_PLAN))
        )
        .filter(review_due_filter(today))
        .select_related("team")
    )
