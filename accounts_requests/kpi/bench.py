"""Benchmark data for KPI figures: 60 months for every account, and the import timed."""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts_requests.kpi import services, summary
from accounts_requests.kpi.months import month_end
from accounts_requests.models import ManagedAccount, MonthlyFigures
from portal.bench import Job, Page

MONTHS = 60


def _month(start, offset):
    year, month = divmod(start.month - 1 + offset, 12)
    return datetime.date(start.year + year, month + 1, 1)


def seed(ctx):
    rng = random.Random(4)
    accounts = list(ManagedAccount.objects.values_list("id", flat=True).order_by("id"))
    this_month = timezone.localdate().replace(day=1)
    first = _month(this_month, -MONTHS)
    entered_by = ctx.shared["comms"].pk
    total = len(accounts) * MONTHS

    def rows():
        row_id = 0
        for account_id in accounts:
            followers = rng.randint(50, 2000)
            # A few accounts fall silent: no figures for their last months.
            silent_from = MONTHS - 3 if account_id % 17 == 0 else MONTHS
            for offset in range(MONTHS):
                row_id += 1
                month = _month(first, offset)
                posts = 0 if offset >= silent_from else rng.randint(2, 30)
                impressions = rng.randint(500, 50_000)
                followers += rng.randint(-5, 40)
                yield {
                    "id": row_id,
                    "account_id": account_id,
                    "month": month,
                    "followers": max(followers, 0),
                    "posts": posts,
                    "engagements": int(impressions * rng.uniform(0.005, 0.06)),
                    "impressions": impressions,
                    "messages_received": rng.randint(0, 80),
                    "median_reply_hours": Decimal(rng.randint(5, 400)) / 10,
                    "active_until": month if posts else None,
                    "period_end": month_end(month),
                    "source": MonthlyFigures.Source.IMPORT,
                    "entered_by_id": entered_by,
                }

    ctx.load(MonthlyFigures, rows(), total=total, label="monthly figures")
    ctx.reset_sequences(MonthlyFigures)
    summary.refresh()  # COPY bypasses the services that keep the summaries in step
    ctx.shared["kpi_first_month"] = first


def _import_file(ctx, accounts, months):
    """A several-account CSV of the last ``months`` months, as comms would upload it."""
    this_month = timezone.localdate().replace(day=1)
    out = io.StringIO()
    out.write("account_id,month,followers,posts,engagements,impressions\n")
    rows = 0
    for account_id in accounts:
        for offset in range(1, months + 1):
            month = _month(this_month, -offset)
            out.write(f"{account_id},{month:%Y-%m},{900 + offset},{12},{400},{20000}\n")
            rows += 1
    return out.getvalue().encode(), rows


def measures(ctx):
    comms = ctx.shared["comms"]
    account_id = ctx.shared["account_id"]
    accounts = list(
        ManagedAccount.objects.filter(state=ManagedAccount.State.ACTIVE)
        .values_list("id", flat=True)
        .order_by("id")[:50]
    )
    content, rows = _import_file(ctx, accounts, 6)

    def run_import():
        from django.test import override_settings

        upload = SimpleUploadedFile("figures.csv", content, content_type="text/csv")
        # Timed in the process, as a worker would run it: never handed to the broker.
        with override_settings(KPI_IMPORT_BACKGROUND_ROWS=10**9):
            job = services.figures_import_create(actor=comms, upload=upload)
        assert job.status == job.Status.DONE, job.problems

    team = ctx.shared["account_team_id"]
    return [
        Page(
            "account register",
            "/accounts/",
            comms,
            admin_url="/admin/accounts_requests/managedaccount/",
        ),
        Page(
            "account register, one team",
            f"/accounts/?team={team}",
            comms,
            admin_url=f"/admin/accounts_requests/managedaccount/?team__id__exact={team}",
        ),
        Page("account page with its chart", f"/accounts/{account_id}/", comms),
        Page("KPI overview", "/accounts/performance/", comms),
        Job("KPI CSV import (50 accounts x 6 months)", run_import, rows=rows),
    ]
