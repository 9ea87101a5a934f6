"""Reads the moderation pages need: the log with its filters, reports, people's history."""

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts_requests.models import ManagedAccount
from moderation import rules
from moderation.models import (
    Action,
    AuthorTold,
    Category,
    Commenter,
    Entry,
    EntryAction,
    EntryCategory,
    EntryEvent,
    EvidenceFile,
    ManagementPlan,
    MonthlyCount,
)
from moderation.models.commenter import handle_key

PAGE_SIZE = 50


def with_related(entries):
    """What a row of the log shows, fetched in a fixed number of queries."""
    return entries.select_related("account", "commenter", "moderator").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("order", "name")),
        Prefetch("action_rows", queryset=EntryAction.objects.order_by("id")),
    )


def filtered(user, filters):
    """The entries this user may read that match the log's filters."""
    entries = Entry.objects.visible_to(user)
    if filters.get("account"):
        entries = entries.filter(account=filters["account"])
    if filters.get("platform"):
        entries = entries.filter(platform=filters["platform"])
    if filters.get("category"):
        entries = entries.filter(
            Exists(
                EntryCategory.objects.filter(entry=OuterRef("pk"), category=filters["category"])
            )
        )
    if filters.get("action"):
        entries = entries.filter(
            Exists(EntryAction.objects.filter(entry=OuterRef("pk"), action=filters["action"]))
        )
    if filters.get("moderator"):
        entries = entries.filter(moderator=filters["moderator"])
    if filters.get("date_from"):
        entries = entries.filter(occurred_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        entries = entries.filter(
            occurred_at__lt=_start_of(filters["date_to"] + datetime.timedelta(days=1))
        )
    if filters.get("handle"):
        entries = entries.filter(commenter__handle_key=handle_key(filters["handle"]))
    if filters.get("safeguarding") == "yes":
        entries = entries.filter(safeguarding=True)
    elif filters.get("safeguarding") == "no":
        entries = entries.filter(safeguarding=False)
    return entries


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# Keyset pagination: a page is "the PAGE_SIZE entries before (or after) this one" in
# (occurred_at, id) order, so page 20,000 costs what page 1 costs and nothing counts
# the whole table.


def encode_cursor(entry):
    raw = f"{entry.occurred_at.isoformat()}|{entry.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text):
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, _, pk = raw.partition("|")
        when = parse_datetime(moment)
        if when is None or when.tzinfo is None:
            return None
        return when, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


@dataclass
class LogPage:
    entries: list
    newer_cursor: str | None
    older_cursor: str | None
    is_first: bool


# The columns a row of the log shows. Each date a row carries costs a parse on every page,
# so the rest of an entry, its account, its author and its moderator stay unread.
LOG_ROW_COLUMNS = (
    "id",
    "occurred_at",
    "platform",
    "safeguarding",
    "hate_crime_strand",
    "author_told",
    "made_repeat_offender",
    "account__name",
    "account__state",
    "account__platform",
    "commenter__handle",
    "commenter__platform",
    "moderator__first_name",
    "moderator__last_name",
    "moderator__username",
)


def _log_rows(entries):
    return with_related(entries).only(*LOG_ROW_COLUMNS)


def log_page(entries, *, after=None, before=None, size=PAGE_SIZE):
    """One page of ``entries``, newest first.

    ``after`` is the cursor of the last row of the page before (older rows follow it);
    ``before`` that of the first row of the page after (newer rows precede it).
    """
    after, before = decode_cursor(after), decode_cursor(before)
    if before:
        when, pk = before
        newer = entries.filter(occurred_at__gte=when).filter(
            Q(occurred_at__gt=when) | Q(pk__gt=pk)
        )
        rows = list(_log_rows(newer).order_by("occurred_at", "id")[: size + 1])
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        has_older = True
    else:
        page = entries
        if after:
            when, pk = after
            # The plain range on occurred_at lets the index start at the cursor; the rest
            # breaks ties between entries logged at the same moment.
            page = page.filter(occurred_at__lte=when).filter(
                Q(occurred_at__lt=when) | Q(pk__lt=pk)
            )
        rows = list(_log_rows(page).order_by("-occurred_at", "-id")[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = after is not None
    return LogPage(
        entries=rows,
        newer_cursor=encode_cursor(rows[0]) if rows and has_newer else None,
        older_cursor=encode_cursor(rows[-1]) if rows and has_older else None,
        is_first=not has_newer,
    )


def entry_for_page(user, pk):
    return with_related(
        Entry.objects.visible_to(user).select_related("reconsidered_by", "account__team")
    ).get(pk=pk)


def entry_timeline(entry):
    return EntryEvent.objects.filter(entry=entry).select_related("actor").order_by("at", "id")


def entry_evidence(entry):
    return EvidenceFile.objects.filter(entry=entry).annotate(times=Count("downloads"))


def evidence_for_download(user, pk):
    return EvidenceFile.objects.select_related("entry").get(
        pk=pk, entry__in=Entry.objects.visible_to(user), removed_at__isnull=True
    )


# People who post


@dataclass
class NextStep:
    label: str
    detail: str


def next_step(commenter, now=None):
    """The next rung of the ladder for a repeat offender: tell them why, hide, block."""
    now = now or timezone.now()
    window = datetime.timedelta(days=settings.MODERATION_REPEAT_WINDOW_DAYS)
    recent = Entry.objects.filter(commenter=commenter, occurred_at__gte=now - window)
    told = recent.filter(author_told__in=AuthorTold.told()).exists()
    actions = set(
        EntryAction.objects.filter(entry__in=recent).values_list("action", flat=True).distinct()
    )
    if not told:
        return NextStep(
            "Tell them why",
            "Message them privately with the guideline they broke and invite them to edit "
            "their comment so it can be reconsidered.",
        )
    if not actions & {Action.HIDE, Action.DELETE}:
        return NextStep(
            "Hide their comments", "Hide the comments that break the guidelines, and say why."
        )
    if Action.BLOCK not in actions:
        return NextStep(
            "Block them",
            "They have been told and their comments hidden; block or ban them from the account.",
        )
    return NextStep(
        "Agree a management plan",
        "They are already blocked. Agree a phased management plan, report them to the "
        "platform, or speak to the legal team or the police if it is more serious.",
    )


def commenter_for_page(user, pk):
    return Commenter.objects.visible_to(user).get(pk=pk)


def commenter_entries(user, commenter):
    return with_related(Entry.objects.visible_to(user).filter(commenter=commenter)).order_by(
        "-occurred_at", "-id"
    )


def commenter_plans(commenter):
    return (
        ManagementPlan.objects.filter(commenter=commenter)
        .select_related("owner", "created_by")
        .prefetch_related("steps__done_by")
    )


def repeat_offenders(user):
    return (
        Commenter.objects.visible_to(user)
        .filter(repeat_offender_since__isnull=False)
        .annotate(entry_count=Count("entries"))
        .order_by("-repeat_offender_since")
    )


def repeat_offender_count():
    return Commenter.objects.filter(repeat_offender_since__isnull=False).count()


def open_plans_due(today=None):
    today = today or timezone.localdate()
    return ManagementPlan.objects.filter(
        status=ManagementPlan.Status.OPEN, review_on__lte=today
    ).select_related("commenter", "owner")


# Reports


# How many accounts the report's per-account tables show: the busiest of the period.
REPORT_ACCOUNTS = 15


def report(user, *, since, until, account=None):
    """Counts by category and action, per month and per account, and the urgent routes.

    Across every account the counts come from the monthly rollup (``MonthlyCount``), so
    the report costs the same for a thousand entries or a million; for one account, or
    the busiest few, they are counted from the log itself, which is small for them.
    """
    first, last = since.replace(day=1), until.replace(day=1)
    entries = Entry.objects.visible_to(user).filter(
        occurred_at__gte=_start_of(since),
        occurred_at__lt=_start_of(until + datetime.timedelta(days=1)),
    )
    if account is not None:
        raw = _report_from_log(entries.filter(account=account))
        busiest = [account.pk]
    else:
        counts = MonthlyCount.objects.filter(month__gte=first, month__lte=last)
        if not rules.can_read_everything(user):
            counts = counts.filter(safeguarding=True)
        raw = _report_from_counts(counts)
        busiest = list(
            counts.exclude(account_id=MonthlyCount.ALL_ACCOUNTS)
            .filter(dimension=MonthlyCount.Dimension.ENTRIES)
            .values("account_id")
            .annotate(total=Sum("n"))
            .order_by("-total", "account_id")
            .values_list("account_id", flat=True)[:REPORT_ACCOUNTS]
        )
    if account is not None:
        mine = entries.filter(account__in=busiest)
        raw["by_account_category"] = list(
            EntryCategory.objects.filter(entry__in=mine)
            .values("entry__account__name", "entry__account__platform", "category__name")
            .annotate(n=Count("id"))
        )
        raw["by_account_action"] = list(
            EntryAction.objects.filter(entry__in=mine)
            .values("entry__account__name", "entry__account__platform", "action")
            .annotate(n=Count("id"))
        )
    else:
        raw.update(_busiest_from_counts(counts, busiest))
    raw["months"] = _months(since, until)
    raw["busiest_only"] = account is None
    return raw


def _report_from_log(entries):
    tz = timezone.get_current_timezone()
    urgent = (
        entries.annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month")
        .annotate(
            entries=Count("id"),
            safeguarding=Count("id", filter=Q(safeguarding=True)),
            hate_crime=Count("id", filter=~Q(hate_crime_strand="")),
            police=Count(
                "id",
                filter=Q(
                    Exists(EntryAction.objects.filter(entry=OuterRef("pk"), action=Action.POLICE))
                ),
            ),
        )
    )
    return {
        "by_month_category": list(
            EntryCategory.objects.filter(entry__in=entries)
            .annotate(month=TruncMonth("entry__occurred_at", tzinfo=tz))
            .values("month", "category__name")
            .annotate(n=Count("id"))
        ),
        "by_month_action": list(
            EntryAction.objects.filter(entry__in=entries)
            .annotate(month=TruncMonth("entry__occurred_at", tzinfo=tz))
            .values("month", "action")
            .annotate(n=Count("id"))
        ),
        "urgent": list(urgent),
        "strands": list(
            entries.exclude(hate_crime_strand="")
            .values("hate_crime_strand")
            .annotate(n=Count("id"))
        ),
    }


def _report_from_counts(counts):
    """The same shapes as ``_report_from_log``, summed from the monthly rollup."""
    everyone = counts.filter(account_id=MonthlyCount.ALL_ACCOUNTS)
    rows = list(
        everyone.values("month", "dimension", "value", "safeguarding").annotate(n=Sum("n"))
    )
    names = dict(Category.objects.values_list("pk", "name"))
    by_month_category, by_month_action, urgent, strands = [], [], {}, {}
    for row in rows:
        month, dimension, value, n = row["month"], row["dimension"], row["value"], row["n"]
        if not n:
            continue
        slot = urgent.setdefault(
            month,
            {"month": month, "entries": 0, "safeguarding": 0, "hate_crime": 0, "police": 0},
        )
        if dimension == MonthlyCount.Dimension.ENTRIES:
            slot["entries"] += n
            if row["safeguarding"]:
                slot["safeguarding"] += n
        elif dimension == MonthlyCount.Dimension.CATEGORY:
            name = names.get(int(value))
            if name:
                by_month_category.append({"month": month, "category__name": name, "n": n})
        elif dimension == MonthlyCount.Dimension.ACTION:
            by_month_action.append({"month": month, "action": value, "n": n})
            if value == Action.POLICE:
                slot["police"] += n
        elif dimension == MonthlyCount.Dimension.STRAND:
            slot["hate_crime"] += n
            strands[value] = strands.get(value, 0) + n
    return {
        "by_month_category": by_month_category,
        "by_month_action": by_month_action,
        "urgent": list(urgent.values()),
        "strands": [{"hate_crime_strand": k, "n": v} for k, v in strands.items()],
    }


def _busiest_from_counts(counts, busiest):
    """The busiest accounts' entries by category and by action, from their own counts."""
    accounts = {
        row["pk"]: row
        for row in ManagedAccount.objects.filter(pk__in=busiest).values("pk", "name", "platform")
    }
    names = dict(Category.objects.values_list("pk", "name"))
    by_category, by_action = [], []
    rows = (
        counts.filter(
            account_id__in=busiest,
            dimension__in=[MonthlyCount.Dimension.CATEGORY, MonthlyCount.Dimension.ACTION],
        )
        .values("account_id", "dimension", "value")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in rows:
        account = accounts.get(row["account_id"])
        if account is None or not row["n"]:
            continue
        shown = {"entry__account__name": account["name"], "n": row["n"]}
        shown["entry__account__platform"] = account["platform"]
        if row["dimension"] == MonthlyCount.Dimension.CATEGORY:
            name = names.get(int(row["value"]))
            if name:
                by_category.append({**shown, "category__name": name})
        else:
            by_action.append({**shown, "action": row["value"]})
    return {"by_account_category": by_category, "by_account_action": by_action}


def _months(since, until):
    months = []
    day = since.replace(day=1)
    while day <= until:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


_ACCOUNT_COUNTS_SQL = """
WITH picked AS ({entries})
SELECT 'total', '', COUNT(*) FROM picked
UNION ALL
SELECT 'category', c.name, COUNT(*)
FROM {entry_category} ec JOIN {category} c ON c.id = ec.category_id
WHERE ec.entry_id IN (SELECT id FROM picked)
GROUP BY c.name
UNION ALL
SELECT 'action', ea.action, COUNT(*)
FROM {entry_action} ea
WHERE ea.entry_id IN (SELECT id FROM picked)
GROUP BY ea.action
ORDER BY 1, 3 DESC, 2
"""


def account_counts(user, account, *, since):
    """Counts by category and by action for one account since a date.

    One plain statement returns the total and both tables: the account page shows them
    to every reader of the log, and three ORM queries cost more to build than to run.
    Which entries count is still decided by ``Entry.objects.visible_to``.
    """
    entries = Entry.objects.visible_to(user).filter(account=account, occurred_at__gte=since)
    try:
        sql, params = entries.values("id").query.sql_with_params()
    except EmptyResultSet:  # the user may read none of them
        return {"total": 0, "categories": [], "actions": []}
    quote = connection.ops.quote_name
    statement = _ACCOUNT_COUNTS_SQL.format(
        entries=sql,
        entry_category=quote(EntryCategory._meta.db_table),
        category=quote(Category._meta.db_table),
        entry_action=quote(EntryAction._meta.db_table),
    )
    total, by = 0, {"category": [], "action": []}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for kind, value, n in cursor.fetchall():
            if kind == "total":
                total = n
            else:
                by[kind].append((value, n))
    return {
        "total": total,
        "categories": [{"category__name": name, "n": n} for name, n in by["category"]],
        "actions": [{"label": Action(value).label, "n": n} for value, n in by["action"]],
    }
