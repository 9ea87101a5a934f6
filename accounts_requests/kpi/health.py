"""An account's health, judged from its figures inside the database.

Every rule is a correlated subquery on the account's monthly figures, so the overview of
every account is one query however many accounts and months there are. The rules' numbers
come from ``HealthRules``; the reference dates from the caller (today, in the trust's time
zone), so the same figures give the same answer in tests and in use.

- figures missing: no figures for the last ``missing_months`` finished months;
- dormant: the figures show no post for more than ``dormant_days`` days, counted up to
  the end of the latest month reported (a month with posts but no last-post date counts
  as posting on its first day: the figures only prove that much);
- below target: the engagement rate (engagements / impressions) was under the account's
  target in each of the latest ``below_target_months`` months reported;
- meeting target: none of those;
- no figures due yet: a new account that has not been live for ``missing_months`` months.
"""

import datetime

from django.db import models
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts_requests.kpi.months import add_months, month_start
from accounts_requests.models import AccountReview, FiguresSummary, HealthRules, MonthlyFigures


class Health(models.TextChoices):
    DORMANT = "dormant", "Dormant"
    BELOW = "below", "Below target"
    MISSING = "missing", "Figures missing"
    NEW = "new", "No figures due yet"
    MEETING = "meeting", "Meeting target"


# Most in need of attention first, for sorting.
HEALTH_RANK = {
    Health.DORMANT: 1,
    Health.BELOW: 2,
    Health.MISSING: 3,
    Health.NEW: 4,
    Health.MEETING: 5,
}

# Colours for the health badges, chosen for contrast on white.
HEALTH_STYLES = {
    Health.DORMANT: "danger",
    Health.BELOW: "warning",
    Health.MISSING: "secondary",
    Health.NEW: "light",
    Health.MEETING: "success",
}

RE_REVIEW_MONTHS = 3
NEVER = datetime.date(1900, 1, 1)


def engagement_rate():
    """Engagements as a percentage of impressions, as a float; NULL when nothing was seen."""
    return Case(
        When(
            impressions__gt=0,
            then=Cast("engagements", FloatField()) * Value(100.0) / F("impressions"),
        ),
        default=None,
        output_field=FloatField(),
    )


def meets_target():
    """Whether a figures row meets the outer account's engagement target (no division)."""
    return Q(impressions__gt=0) & Q(
        engagements_x100__gte=ExpressionWrapper(
            OuterRef("target_engagement_rate") * F("impressions"),
            output_field=models.DecimalField(max_digits=30, decimal_places=4),
        )
    )


def figure_facts(accounts):
    """Annotate accounts with what their figures say, each a correlated subquery.

    Costly across every account, so it is asked only when the figures or targets change,
    to refresh ``FiguresSummary`` (see ``accounts_requests.kpi.summary``).
    """
    figures = MonthlyFigures.objects.filter(account=OuterRef("pk"))
    latest = figures.order_by("-month")
    accounts = accounts.annotate(
        latest_month=Subquery(latest.values("month")[:1]),
        latest_followers=Subquery(latest.values("followers")[:1]),
        latest_posts=Subquery(latest.values("posts")[:1]),
        latest_rate=Subquery(latest.annotate(rate=engagement_rate()).values("rate")[:1]),
        previous_rate=Subquery(latest.annotate(rate=engagement_rate()).values("rate")[1:2]),
        latest_period_end=Subquery(latest.values("period_end")[:1]),
        last_active=Subquery(
            figures.filter(active_until__isnull=False)
            .order_by("-active_until")
            .values("active_until")[:1]
        ),
        last_good_month=Subquery(
            figures.annotate(engagements_x100=F("engagements") * 100)
            .filter(meets_target())
            .order_by("-month")
            .values("month")[:1]
        ),
    )
    return accounts.annotate(
        below_run=Coalesce(
            Subquery(
                MonthlyFigures.objects.filter(
                    account=OuterRef("pk"),
                    month__gt=Coalesce(OuterRef("last_good_month"), Value(NEVER)),
                )
                .order_by()
                .values("account")
                .annotate(n=Count("id"))
                .values("n")
            ),
            0,
        ),
    )


def with_health(accounts, *, rules=None, today=None, ranked=True):
    """Annotate accounts with their latest figures, flags, ``health`` and ``health_rank``.

    The figures' facts come from each account's ``FiguresSummary`` (one join); only the
    comparisons with today and with the health rules are made here, in the database.
    ``health_rank`` repeats the rules' conditions rather than testing ``health`` again, so
    the database works each row's answer out once for sorting, not once per rank; a caller
    that never sorts by it (one account's page) passes ``ranked=False`` and spares the
    query half its size.
    """
    rules = rules or HealthRules.load()
    today = today or timezone.localdate()
    grace_start = month_start(add_months(today, -rules.missing_months))
    grace_start_at = timezone.make_aware(datetime.datetime.combine(grace_start, datetime.time()))

    facts = {
        name: F(f"figures_summary__{name}") for name in FiguresSummary.FACTS if name != "below_run"
    }
    accounts = accounts.annotate(
        **facts,
        below_run=Coalesce(F("figures_summary__below_run"), 0),
        has_open_review=Exists(AccountReview.objects.filter(account=OuterRef("pk"), outcome="")),
    )
    accounts = accounts.annotate(
        quiet=ExpressionWrapper(
            F("latest_period_end") - F("last_active"), output_field=DurationField()
        )
    ).alias(started_at=Coalesce("activated_at", "created_at"))  # only the rules read it
    # Each health with the condition that gives it, in the order they are tried.
    conditions = [
        (Health.NEW, Q(latest_month__isnull=True, started_at__gte=grace_start_at)),
        (Health.MISSING, Q(latest_month__isnull=True) | Q(latest_month__lt=grace_start)),
        (
            Health.DORMANT,
            Q(last_active__isnull=True) | Q(quiet__gt=datetime.timedelta(days=rules.dormant_days)),
        ),
        (Health.BELOW, Q(below_run__gte=rules.below_target_months)),
    ]
    accounts = accounts.annotate(
        health=Case(
            *(When(condition, then=Value(health.value)) for health, condition in conditions),
            default=Value(Health.MEETING.value),
            output_field=models.CharField(),
        )
    )
    if not ranked:
        return accounts
    return accounts.annotate(
        health_rank=Case(
            *(When(condition, then=Value(HEALTH_RANK[h])) for h, condition in conditions),
            default=Value(HEALTH_RANK[Health.MEETING]),
            output_field=models.IntegerField(),
        ),
    )


def last_decided_review(accounts):
    """Annotate accounts with the re-review date set by their latest decided review."""
    decided = AccountReview.objects.filter(account=OuterRef("pk")).exclude(outcome="")
    return accounts.annotate(
        re_review_on=Subquery(decided.order_by("-decided_at").values("re_review_on")[:1])
    )


def review_due_filter(today=None):
    """Accounts whose annual review or improvement-plan re-review has fallen due."""
    today = today or timezone.localdate()
    return Q(state__in=("active", "improvement_plan"), review_due_on__lte=today)


def next_review_on(account):
    """When the account's next review falls due (stored on the account: a year after it
    went live or after its last review's outcome, or its improvement plan's re-review)."""
    return account.review_due_on


def describe(account, rules):
    """A short plain-words reason for the account's health, for the overview."""
    health = account.health
    if health == Health.MISSING:
        if account.latest_month:
            return f"Last figures for {account.latest_month:%B %Y}"
        return "No figures entered yet"
    if health == Health.DORMANT:
        if account.last_active is None:
            return "The figures show no posts at all"
        return f"No post for {account.quiet.days} days in the figures"
    if health == Health.BELOW:
        return f"Engagement below target for {account.below_run} months running"
    if health == Health.NEW:
        return "New account: figures not due yet"
    return "Meeting its engagement target"
