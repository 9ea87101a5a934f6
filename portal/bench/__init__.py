"""The benchmark: a synthetic trust in its own database, and each key page measured.

Each app contributes a module listed in ``settings.BENCH_PLUGINS`` with two functions:

- ``seed(ctx)`` adds its rows to the benchmark database, in bulk (``ctx.load``), sized
  by ``ctx.scale`` (1 is the full trust of the issue: 200 teams, 2,000 accounts, ...);
- ``measures(ctx)`` returns the pages and jobs to time: ``Page`` objects (a URL as a
  user, with an optional Django admin changelist as reference) and ``Job`` objects (a
  callable timed as rows per second, or against a bare reference query).

The command (``manage.py bench``) seeds every plugin in order, then measures everything
next to two references taken in the same run: the floor view (signed in, the same
middleware and base layout, one trivial query) and the admin changelist.
"""

import statistics
import sys
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


@dataclass
class Page:
    name: str
    url: str
    user: object
    admin_url: str = ""
    note: str = ""
    # Called before each timed visit, untimed: to measure a page with nothing kept.
    before: object = None


def touch(model, pk):
    """A committed change to one row, as saving it unchanged makes: the home panels that
    read its table are drawn again at the next visit (portal.freshness)."""
    name = model._meta.pk.name
    model.objects.filter(pk=pk).update(**{name: F(name)})


@dataclass
class Job:
    """Work timed in rows a second (``rows``) or against a reference callable."""

    name: str
    run: object
    rows: int = 0
    reference: object = None
    note: str = ""


@dataclass
class Context:
    scale: float
    rows_written: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)
    out: object = sys.stderr
    _next_ids: dict = field(default_factory=dict)

    def n(self, full_size, minimum=1):
        """A count at this scale, never below ``minimum``."""
        return max(minimum, round(full_size * self.scale))

    def ids(self, model, count):
        """Reserve ``count`` primary keys for rows about to be written to ``model``."""
        start = self._next_ids.get(model, 1)
        self._next_ids[model] = start + count
        return range(start, start + count)

    def load(self, model, records, total, label=None):
        """Write ``records`` (dicts keyed by attribute name) to ``model`` in bulk.

        COPY on PostgreSQL, batched INSERTs elsewhere. A field a record leaves out gets
        its default. Values go through each field's own conversion for the database.
        """
        label = label or str(model._meta.verbose_name_plural)
        progress = Progress(label, total, self.out)
        fields = list(model._meta.concrete_fields)
        defaults = {}
        now = timezone.now()
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.has_default():
                defaults[f.attname] = f.get_default()
            elif f.null or f.blank:
                defaults[f.attname] = None if f.null else ""
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)

        # Only some values need the field's own conversion for this database; the rest
        # (text, numbers, booleans, None) pass straight through, which keeps COPY quick.
        converted = {"JSONField"}
        if connection.vendor != "postgresql":
            converted |= {"DateTimeField", "DateField", "TimeField", "DecimalField"}
        plan = [(f.attname, f, f.get_internal_type() in converted) for f in fields]

        def rows():
            for record in records:
                row = []
                for name, f, convert in plan:
                    value = record[name] if name in record else defaults[name]
                    row.append(f.get_db_prep_save(value, connection) if convert else value)
                yield row

        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for count, row in enumerate(rows(), 1):
                        copy.write_row(row)
                        progress.tick(count)
            else:
                marks = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our own names
                batch = []
                for count, row in enumerate(rows(), 1):
                    batch.append(row)
                    if len(batch) >= 2000:
                        cursor.executemany(sql, batch)
                        batch.clear()
                        progress.tick(count)
                if batch:
                    cursor.executemany(sql, batch)
        progress.done(count)
        self.rows_written[label] = self.rows_written.get(label, 0) + count

    def reset_sequences(self, *models):
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label, total, out):
        self.label, self.total, self.out = label, max(total, 1), out
        self.started = time.perf_counter()
        self.last = 0.0

    def tick(self, count):
        now = time.perf_counter()
        if now - self.last < 0.25:
            return
        self.last = now
        done = count / self.total
        bar = "#" * int(done * 30)
        self.out.write(f"\r  {self.label:<28} [{bar:<30}] {done:6.1%} {count:>10,}")
        self.out.flush()

    def done(self, count):
        seconds = time.perf_counter() - self.started
        rate = count / seconds if seconds else 0
        self.out.write(
            f"\r  {self.label:<28} [{'#' * 30}] 100.0% {count:>10,} in {seconds:5.1f}s "
            f"({rate:,.0f}/s)\n"
        )
        self.out.flush()


def time_get(client, url, repeat):
    """Median server-side time of ``repeat`` GETs (after two warm-ups) and the query count."""
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    samples = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(samples) * 1000, queries


def time_together(targets, repeat):
    """Time several (client, url[, before]) in turn, round-robin, ``repeat`` rounds.

    A page and its references (the floor, the admin changelist) are sampled side by side,
    so a burst of other work on the machine slows them alike and their ratio holds.
    Returns [(median ms, query count)] in the order given.
    """
    targets = [(*target, None)[:3] for target in targets]
    for client, url, _ in targets:
        for _ in range(2):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
    samples = [[] for _ in targets]
    queries = [0] * len(targets)
    for _ in range(repeat):
        for index, (client, url, before) in enumerate(targets):
            if before is not None:
                before()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get(url)
                samples[index].append(time.perf_counter() - started)
            queries[index] = len(captured)
    return [(statistics.median(s) * 1000, q) for s, q in zip(samples, queries, strict=True)]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def time_call(call, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000
