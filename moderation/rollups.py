"""Keep the report's monthly counts (``MonthlyCount``) in step with the log.

``counts_of(entry)`` says what one entry adds to the counts; the services call
``apply(before, after)`` in the entry's own transaction, with the entry's counts as they
were and as they are now, so an edit that moves it between months, accounts or
categories takes it out of the old counts and into the new. Every change is an
increment in the database (``n = n + delta``), so two moderators saving at once never
lose a count. ``rebuild()`` recounts everything from the log in a few set-based queries
(after a bulk load, or with ``manage.py rebuild_moderation_counts``).
"""

from collections import Counter

from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from moderation.models import Entry, EntryAction, EntryCategory, MonthlyCount

ALL = MonthlyCount.ALL_ACCOUNTS
D = MonthlyCount.Dimension


def month_of(moment):
    return timezone.localtime(moment).date().replace(day=1)


def counts_of(entry, category_ids, actions):
    """The counts one entry contributes: a Counter of keys (month, account, dim, value, sg)."""
    month, sg = month_of(entry.occurred_at), bool(entry.safeguarding)
    keys = [
        (month, ALL, D.ENTRIES, "", sg),
        (month, entry.account_id, D.ENTRIES, "", sg),
        *((month, ALL, D.CATEGORY, str(pk), sg) for pk in set(category_ids)),
        *((month, ALL, D.ACTION, action, sg) for action in set(actions)),
        *((month, entry.account_id, D.CATEGORY, str(pk), sg) for pk in set(category_ids)),
        *((month, entry.account_id, D.ACTION, action, sg) for action in set(actions)),
    ]
    if entry.hate_crime_strand:
        keys.append((month, ALL, D.STRAND, entry.hate_crime_strand, sg))
    return Counter(keys)


def current_counts(entry):
    """The counts of an entry as it is stored now (read before an edit changes it)."""
    return counts_of(
        entry,
        EntryCategory.objects.filter(entry=entry).values_list("category_id", flat=True),
        EntryAction.objects.filter(entry=entry).values_list("action", flat=True),
    )


def apply(before=None, after=None):
    """Add ``after`` and take away ``before``, as increments in the database."""
    delta = Counter(after or {})
    delta.subtract(before or {})
    rows = [(*key, n) for key, n in delta.items() if n]
    if not rows:
        return
    table = connection.ops.quote_name(MonthlyCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (month, account_id, dimension, value, safeguarding, n) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (month, account_id, dimension, value, safeguarding) "
            f"DO UPDATE SET n = {table}.n + excluded.n",
            rows,
        )


def _as_month(value, tz):
    if hasattr(value, "hour"):  # a datetime: the month's start, in the trust's zone
        value = timezone.localtime(value, tz) if timezone.is_aware(value) else value
        return value.date()
    return value


def rebuild():
    """Recount every month from the log; returns how many count rows there are."""
    tz = timezone.get_current_timezone()
    MonthlyCount.objects.all().delete()
    month = TruncMonth("occurred_at", tzinfo=tz)
    entry_month = TruncMonth("entry__occurred_at", tzinfo=tz)
    made = []

    def add(rows, *, account, dimension, value):
        for row in rows:
            made.append(
                MonthlyCount(
                    month=_as_month(row["m"], tz),
                    account_id=account(row),
                    dimension=dimension,
                    value=value(row),
                    safeguarding=row["sg"],
                    n=row["n"],
                )
            )

    def add_each_and_all(rows, *, account_key, dimension, value):
        """Each account's counts, and their sums as the every-account counts."""
        totals = Counter()
        for row in rows:
            totals[(row["m"], value(row), row["sg"])] += row["n"]
        add(rows, account=lambda r: r[account_key], dimension=dimension, value=value)
        add(
            ({"m": m, "v": v, "sg": sg, "n": n} for (m, v, sg), n in totals.items()),
            account=lambda r: ALL,
            dimension=dimension,
            value=lambda r: r["v"],
        )

    entries = Entry.objects.order_by()
    add_each_and_all(
        list(entries.values("account_id", m=month, sg=F("safeguarding")).annotate(n=Count("id"))),
        account_key="account_id",
        dimension=D.ENTRIES,
        value=lambda r: "",
    )
    add(
        entries.exclude(hate_crime_strand="")
        .values("hate_crime_strand", m=month, sg=F("safeguarding"))
        .annotate(n=Count("id")),
        account=lambda r: ALL,
        dimension=D.STRAND,
        value=lambda r: r["hate_crime_strand"],
    )
    add_each_and_all(
        list(
            EntryCategory.objects.order_by()
            .values("entry__account_id", "category_id", m=entry_month, sg=F("entry__safeguarding"))
            .annotate(n=Count("id"))
        ),
        account_key="entry__account_id",
        dimension=D.CATEGORY,
        value=lambda r: str(r["category_id"]),
    )
    add_each_and_all(
        list(
            EntryAction.objects.order_by()
            .values("entry__account_id", "action", m=entry_month, sg=F("entry__safeguarding"))
            .annotate(n=Count("id"))
        ),
        account_key="entry__account_id",
        dimension=D.ACTION,
        value=lambda r: r["action"],
    )
    MonthlyCount.objects.bulk_create(made, batch_size=5000)
    return len(made)
