"""Reads for the KPI pages: the overview, an account's figures, reviews and closures."""

from django.db.models import Count, F, Window
from django.db.models.functions import Lag
from django.utils import timezone

from accounts_requests import rules
from accounts_requests.kpi import health as health_rules
from accounts_requests.kpi.health import (
    Health,
    engagement_rate,
    last_decided_review,
    next_review_on,
    with_health,
)
from accounts_requests.kpi.months import month_label
from accounts_requests.models import (
    AccountClosure,
    AccountReview,
    ClosureStep,
    HealthRules,
    ManagedAccount,
    MonthlyFigures,
)

# The overview's sort keys: what the user picks, and the ordering it means.
SORTS = {
    "name": ("name", "pk"),
    "team": ("team__name", "name", "pk"),
    "platform": ("platform", "name", "pk"),
    "state": ("state", "name", "pk"),
    "health": ("health_rank", "name", "pk"),
    "rate": (F("latest_rate").asc(nulls_first=True), "name", "pk"),
    "followers": (F("latest_followers").asc(nulls_first=True), "name", "pk"),
    "figures": (F("latest_month").asc(nulls_first=True), "name", "pk"),
    "review": (F("review_due_on").asc(nulls_last=True), "name", "pk"),
}
DEFAULT_SORT = "health"


def _descending(term):
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    return F(term.expression.name).desc(nulls_last=True)


def ordering(sort):
    key = sort.lstrip("-") if sort else DEFAULT_SORT
    if key not in SORTS:
        key, sort = DEFAULT_SORT, DEFAULT_SORT
    terms = SORTS[key]
    if sort.startswith("-"):
        return key, True, [_descending(terms[0]), *terms[1:]]
    return key, False, list(terms)


# The account's own columns an overview row shows (its figures come from the summary):
# every date and time left unread is a parse saved on each of the page's rows.
OVERVIEW_COLUMNS = (
    "name",
    "platform",
    "state",
    "target_followers",
    "target_engagement_rate",
    "review_due_on",
    "team__name",
)


def live_accounts():
    return ManagedAccount.objects.filter(state__in=rules.LIVE_ACCOUNT_STATES)


def overview(filters, sort="", *, health_rules_row=None, today=None):
    """Every live account with its health, filtered and sorted. Returns (queryset, key,
    descending)."""
    accounts = with_health(
        live_accounts().select_related("team").only(*OVERVIEW_COLUMNS),
        rules=health_rules_row,
        today=today,
    )
    if filters.get("team"):
        accounts = accounts.filter(team=filters["team"])
    if filters.get("platform"):
        accounts = accounts.filter(platform=filters["platform"])
    if filters.get("state"):
        accounts = accounts.filter(state=filters["state"])
    if filters.get("health"):
        accounts = accounts.filter(health=filters["health"])
    if filters.get("review_due"):
        accounts = accounts.filter(health_rules.review_due_filter(today))
    key, descending, order = ordering(sort or "")
    return accounts.order_by(*order), key, descending


HEALTH_VALUES = tuple(Health.values)


def _no_health():
    return dict.fromkeys(HEALTH_VALUES, 0) | {"total": 0}


def health_totals(accounts, **also):
    """How many accounts there are of each health: one query grouped by health, so the
    database works out each account's health once.

    ``also`` names further counts of the same accounts, each a ``Q``: ``reviews_due=...``
    adds the total of accounts matching it under that key, from the same query.
    """
    totals = _no_health() | dict.fromkeys(also, 0)
    extra = {name: Count("pk", filter=condition) for name, condition in also.items()}
    for row in accounts.order_by().values("health").annotate(n=Count("pk"), **extra):
        totals[row["health"]] = row["n"]
        totals["total"] += row["n"]
        for name in extra:
            totals[name] += row[name]
    return totals


def overview_rows(accounts, ids):
    """The accounts ``ids`` of an ``overview`` queryset, in that order, with everything
    it annotates worked out for these rows only."""
    found = {account.pk: account for account in accounts.filter(pk__in=ids).order_by()}
    return [found[pk] for pk in ids if pk in found]


def overview_counts(accounts):
    """Counts by health, overall, by team and by platform, from one query grouped by all
    three: each account's health is worked out once, and the totals added up here.

    The groups come back unsorted (sorting them by name in the database took as long as
    the rest of the query) and are put in order here.
    """
    rows = (
        accounts.order_by().values_list("team__name", "platform", "health").annotate(n=Count("pk"))
    )
    totals = _no_health()
    teams, platforms = {}, {}
    for name, platform, health, n in rows:
        team = teams.get(name)
        if team is None:
            team = teams[name] = {"team__name": name} | _no_health()
        by_platform = platforms.get(platform)
        if by_platform is None:
            by_platform = platforms[platform] = {"platform": platform} | _no_health()
        for counts in (totals, team, by_platform):
            counts[health] += n
            counts["total"] += n
    labels = dict(ManagedAccount._meta.get_field("platform").choices)
    for row in platforms.values():
        row["label"] = labels.get(row["platform"], row["platform"])
    return {
        "totals": totals,
        "teams": [teams[name] for name in sorted(teams)],
        "platforms": [platforms[key] for key in sorted(platforms)],
    }


def decorate(accounts, rules_row):
    """Plain-words extras for rows already annotated by the database: no queries."""
    today = timezone.localdate()
    for account in accounts:
        account.health_label = Health(account.health).label
        account.health_style = health_rules.HEALTH_STYLES[account.health]
        account.health_reason = health_rules.describe(account, rules_row)
        account.next_review_on = next_review_on(account)
        account.review_overdue = (
            account.next_review_on is not None
            and account.next_review_on <= today
            and not account.has_open_review
        )
        if account.latest_rate is not None and account.previous_rate is not None:
            account.rate_change = round(account.latest_rate - account.previous_rate, 2)
        else:
            account.rate_change = None
    return accounts


def account_health(account, *, rules_row=None):
    rules_row = rules_row or HealthRules.load()
    # The page has the account already: only its health and review date are new.
    accounts = with_health(
        ManagedAccount.objects.filter(pk=account.pk).only("state", "review_due_on"),
        rules=rules_row,
        ranked=False,
    )
    if getattr(account, "has_reviews", None) is False:
        # Its own query found no review at all, so no decided one to take a date from.
        annotated = accounts.get()
        annotated.re_review_on = None
    else:
        annotated = last_decided_review(accounts).get()
    return decorate([annotated], rules_row)[0]


# What the account page's chart, trend and short table read of each month.
CHART_COLUMNS = ("month", "followers", "posts", "median_reply_hours")


def account_figures(account, *, chart_only=False):
    """The account's months, oldest first, with the rate and the change from the month
    before. ``chart_only`` reads just what the chart, the trend and the short table show:
    no one who entered them, no other figures."""
    figures = MonthlyFigures.objects.filter(account=account).annotate(rate=engagement_rate())
    if chart_only:
        # One account's months in order: the month before is the row before, so the
        # database need not be asked for it.
        rows = list(figures.only(*CHART_COLUMNS).order_by("month"))
        previous = None
        for row in rows:
            row.previous_followers = previous.followers if previous else None
            row.previous_month = previous.month if previous else None
            previous = row
        return rows
    previous = {"partition_by": [F("account")], "order_by": F("month").asc()}
    return list(
        figures.select_related("entered_by")
        .annotate(
            previous_followers=Window(Lag("followers"), **previous),
            previous_month=Window(Lag("month"), **previous),
        )
        .order_by("month")
    )


def trend(rows, window=3):
    """How the engagement rate is moving: the latest months against the ones before."""
    rates = [row.rate for row in rows if row.rate is not None]
    if len(rates) < 2:
        return None
    size = min(window, len(rates) // 2)
    recent = sum(rates[-size:]) / size
    before = sum(rates[-2 * size : -size]) / size
    change = round(recent - before, 2)
    if change > 0.1:
        word = "rising"
    elif change < -0.1:
        word = "falling"
    else:
        word = "steady"
    return {"word": word, "change": change, "months": size}


def chart_data(account, rows):
    """What the chart script draws, passed through json_script."""
    return {
        "labels": [month_label(row.month) for row in rows],
        "rate": [round(row.rate, 2) if row.rate is not None else None for row in rows],
        "rateTarget": float(account.target_engagement_rate),
        "followers": [row.followers for row in rows],
        "followersTarget": account.target_followers,
        "posts": [row.posts for row in rows],
        "postsTarget": account.target_posts_per_month,
    }


def figures_table(account, rows):
    """Newest first, with what each number means against its target."""
    table = []
    for row in reversed(rows):
        gained = None
        if row.previous_followers is not None:
            gained = row.followers - row.previous_followers
        table.append(
            {
                "row": row,
                "label": month_label(row.month),
                "followers_gained": gained,
                "rate_meets": row.rate is not None
                and row.rate >= float(account.target_engagement_rate),
                "posts_meet": row.posts >= account.target_posts_per_month,
                "reply_meets": row.median_reply_hours is None
                or row.median_reply_hours <= account.target_reply_hours,
            }
        )
    return table


def open_review(account):
    return account.reviews.open().select_related("started_by").first()


def open_closure(account):
    return account.closures.open().first()


def account_kpi_context(account, user):
    """Everything the account page's KPI section shows."""
    rules_row = HealthRules.load()
    rows = account_figures(account, chart_only=True)
    annotated = account_health(account, rules_row=rules_row)
    reviews = []
    if getattr(account, "has_reviews", None) is not False:
        reviews = list(account.reviews.select_related("decided_by").order_by("-started_at")[:5])
    closure = None
    if getattr(account, "has_closures", None) is not False:
        closure = next((c for c in account.closures.order_by("-proposed_at")[:1]), None)
    return {
        "kpi": {
            "health": annotated,
            "rules": rules_row,
            # The page's table shows the newest 12 months; the chart draws them all.
            "rows": figures_table(account, rows[-12:]),
            "chart": chart_data(account, rows),
            "trend": trend(rows),
            "reviews": reviews,
            "open_review": next((r for r in reviews if r.is_open), None),
            "closure": closure,
            "can_enter_figures": rules.can_enter_figures(account, user),
            "can_change_targets": rules.can_change_targets(account, user),
            "can_start_review": account.state in ("active", "improvement_plan")
            and rules.can_run_reviews(account, user),
            "can_propose_closure": account.state in ("active", "improvement_plan")
            and rules.can_propose_closure(account, user),
            "is_closed": account.state == ManagedAccount.State.CLOSED,
        }
    }


def review_for_page(user, pk):
    return (
        AccountReview.objects.visible_to(user)
        .select_related("account", "account__team", "started_by", "decided_by")
        .get(pk=pk)
    )


def closure_for_page(user, pk):
    return (
        AccountClosure.objects.visible_to(user)
        .select_related(
            "account", "account__team", "review", "proposed_by", "signed_off_by", "cancelled_by"
        )
        .get(pk=pk)
    )


def checklist(closure):
    """Each exit step with the row recording it, if it is done."""
    done = {step.step: step for step in closure.steps.select_related("done_by")}
    return [
        {
            "step": step,
            "done": done.get(step.value),
            "outcomes": [
                (value, ClosureStep.Outcome(value).label)
                for value in ClosureStep.STEP_OUTCOMES.get(step, ())
            ],
        }
        for step in ClosureStep.Step
    ]


def account_timeline(account):
    return account.events.select_related("actor").order_by("at", "id")


def reviews_awaiting_decision():
    return AccountReview.objects.open().select_related("account", "account__team")


def closures_awaiting_sign_off():
    return AccountClosure.objects.open().select_related("account", "account__team")


def today():
    return timezone.localdate()
