"""Records for the KPI, review and closure tests, put straight into the state a test needs."""

import datetime

from django.utils import timezone

from accounts_requests.kpi import summary
from accounts_requests.models import (
    AccountClosure,
    AccountReview,
    ClosureStep,
    FiguresImport,
    MonthlyFigures,
)
from accounts_requests.models.account import ManagedAccount, annual_review_due
from tests import factories


def account(team=None, state="active", activated_at=None, **fields):
    if activated_at is None and state != "setting_up":
        activated_at = timezone.now() - datetime.timedelta(days=400)
    return factories.managed_account(team=team, state=state, activated_at=activated_at, **fields)


def figures(account, month, *, by=None, **values):
    """One month's figures: ``month`` is a date or (year, month)."""
    if isinstance(month, tuple):
        month = datetime.date(*month, 1)
    defaults = {
        "followers": 500,
        "posts": 12,
        "engagements": 300,
        "impressions": 10_000,
    }
    defaults.update(values)
    if by is None:
        by = factories.UserFactory()
    row = MonthlyFigures.objects.create(account=account, month=month, entered_by=by, **defaults)
    summary.refresh([account.pk])  # as the services do after every change to figures
    return row


def figures_import(account, user, **fields):
    defaults = {"filename": "figures.csv", "status": FiguresImport.Status.DONE}
    defaults.update(fields)
    return FiguresImport.objects.create(account=account, created_by=user, **defaults)


def review(account, user, **fields):
    defaults = {"started_at": timezone.now(), "started_by": user}
    defaults.update(fields)
    review = AccountReview.objects.create(account=account, **defaults)
    if review.outcome and review.decided_at:
        # As deciding the review would: the next one is due a year on, or on the plan's
        # re-review date while the account is on the plan.
        due = annual_review_due(review.decided_at)
        if account.state == "improvement_plan" and review.re_review_on:
            due = review.re_review_on
        ManagedAccount.objects.filter(pk=account.pk).update(review_due_on=due)
        account.review_due_on = due
    return review


def closure(account, user, *, previous_state="active", **fields):
    defaults = {
        "reason": AccountClosure.Reason.LOW_ENGAGEMENT,
        "explanation": "Engagement has been low all year.",
        "proposed_by": user,
        "proposed_at": timezone.now(),
        "previous_state": previous_state,
    }
    defaults.update(fields)
    return AccountClosure.objects.create(account=account, **defaults)


def complete_checklist(closure, user):
    for step in ClosureStep.Step:
        outcome = ClosureStep.STEP_OUTCOMES.get(step, ("",))[0]
        ClosureStep.objects.create(
            closure=closure,
            step=step,
            outcome=outcome,
            detail="https://example.org/post/1" if step == ClosureStep.Step.FINAL_POST else "Done",
            done_by=user,
            done_at=timezone.now(),
        )
