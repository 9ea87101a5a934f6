"""Background work for KPIs: large imports, and the reminders that keep reviews on time.

Each task takes ids or nothing, fetches, and calls a service. Imports are claimed with a
conditional update and reminders with a unique ledger row, so running twice acts once.
"""

import logging

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts_requests.kpi import notifications, services
from accounts_requests.kpi.health import Health, next_review_on, with_health
from accounts_requests.kpi.months import add_months, month_label, month_start
from accounts_requests.kpi.reviews import reviews_due
from accounts_requests.kpi.selectors import live_accounts
from accounts_requests.models import AccountReminder
from portal import selectors
from portal.worktime import WorkingCalendar

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def import_figures(import_id):
    job = services.figures_import_process(import_id=import_id)
    if job is not None:
        notifications.import_finished(job)
    return job.status if job else None


@shared_task(acks_late=True)
def resume_stalled_imports():
    """Imports queued while the broker was down, or left by a worker that died."""
    for import_id in services.stalled_import_ids():
        import_figures(import_id)


def _office_hours_send_after(now):
    calendar = WorkingCalendar.current()
    return None if calendar.is_office_hours(now) else calendar.next_office_start(now)


def _claim_reminder(account, kind, due_on):
    try:
        with transaction.atomic():
            AccountReminder.objects.create(account=account, kind=kind, due_on=due_on)
    except IntegrityError:
        return False
    return True


@shared_task(acks_late=True)
def send_review_reminders():
    """Tell the communications team once about each review that has fallen due."""
    now = timezone.now()
    send_after = _office_hours_send_after(now)
    sent = 0
    for account in reviews_due():
        due_on = next_review_on(account)
        if due_on is None:
            continue
        re_review = account.state == "improvement_plan"
        kind = AccountReminder.Kind.RE_REVIEW_DUE if re_review else AccountReminder.Kind.REVIEW_DUE
        with transaction.atomic():
            if not _claim_reminder(account, kind, due_on):
                continue
            what = "re-review after its improvement plan" if re_review else "annual review"
            notifications.reminder(
                account,
                kind=f"account.{kind}",
                title=f"Review due: {account}",
                body=(
                    f"The {what} of {account} ({account.team}) fell due on "
                    f"{due_on:%-d %B %Y}. Start it from the account's page."
                ),
                url=account.get_absolute_url(),
                recipients=list(selectors.comms_users()),
                send_after=send_after,
            )
        sent += 1
    return sent


@shared_task(acks_late=True)
def send_figures_reminders():
    """Remind a team once a month while its account's figures are missing."""
    now = timezone.now()
    today = timezone.localdate(now)
    send_after = _office_hours_send_after(now)
    expected = month_start(add_months(today, -1))
    sent = 0
    missing = with_health(live_accounts().select_related("team")).filter(health=Health.MISSING)
    for account in missing:
        with transaction.atomic():
            if not _claim_reminder(account, AccountReminder.Kind.FIGURES_MISSING, expected):
                continue
            since = (
                f"The latest figures are for {month_label(account.latest_month)}."
                if account.latest_month
                else "No figures have been entered yet."
            )
            notifications.reminder(
                account,
                kind="account.figures_missing",
                title=f"Figures needed: {account}",
                body=(
                    f"{since} Please enter each month's figures for {account}, or import "
                    "them from the platform's CSV export, so its annual review has them."
                ),
                url=account.get_absolute_url() + "#kpi",
                recipients=list(selectors.team_users(account.team_id)),
                send_after=send_after,
            )
        sent += 1
    return sent
