"""Knowing when the portal's records have changed, so work kept between visits is redone
the moment anything it showed has changed, in whichever process changed it.

Every statement that inserts, updates or deletes rows of a watched table (the records of
the portal's own apps and the sign-in groups that make its roles) moves that table's
count, its ``TableVersion`` row, once its transaction has committed. The counts are read
from the database, so a change made by the Celery worker or by another web worker is
seen as soon as one made here. Statements are watched at the database layer, so
``update()``, ``bulk_create()`` and raw SQL count as well as ``save()``.

Kept work (``Keeper``) records which watched tables it read while it was made
(``reading``) and the counts they had; it is still good while none of them has moved.

A few tables are written all the time and show on no kept page: notifications, sessions
and the counts themselves. Writing them moves nothing, and nor does a sign-in noting when
someone last signed in.
"""

import contextlib
import contextvars
import functools
import logging
import re
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

log = logging.getLogger(__name__)

WATCHED_APPS = frozenset({"portal", "accounts_requests", "moderation", "auth"})
UNWATCHED_MODELS = ("portal.Notification", "portal.Session", "portal.TableVersion")
# Besides people, groups and permissions: what decides who sees what (``scope_tables``).
SCOPE_MODELS = ("Membership", "Team", "OrganisationProfile")
# SQLite adds to a many-to-many relation with INSERT OR IGNORE INTO (PostgreSQL with
# INSERT ... ON CONFLICT, which the plain form matches).
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)
_WRITE_VERBS = frozenset({"INSERT", "UPDATE", "DELETE"})
# A table named in a statement: Django quotes every name, and so does the portal's own SQL.
_QUOTED = re.compile(r'"(\w+)"')
# Django's update_last_login(): every sign-in writes it, and no kept page shows it.
_LAST_LOGIN = re.compile(r'\s*UPDATE\s+"?(\w+)"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE\s', re.I)

_migrating = False


@functools.cache
def watched_tables():
    unwatched = {apps.get_model(label)._meta.db_table for label in UNWATCHED_MODELS}
    return frozenset(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in WATCHED_APPS
    ).difference(unwatched)


def written_table(sql):
    """The watched table ``sql`` writes to, or None."""
    if not isinstance(sql, str) or sql[:16].lstrip()[:6].upper() not in _WRITE_VERBS:
        return None
    match = _WRITE.match(sql)
    if not match or match.group(1) not in watched_tables():
        return None
    last_login = _LAST_LOGIN.match(sql)
    if last_login and last_login.group(1) == _user_table():
        return None
    return match.group(1)


def _user_table():
    return get_user_model()._meta.db_table


def _table():
    from portal.models import TableVersion

    return TableVersion._meta.db_table


def bump(tables, using="default"):
    """Move each table's count on, creating its row the first time."""
    connection = connections[using]
    table = connection.ops.quote_name(_table())
    names = sorted(tables)  # the same order in every process: no deadlock between two
    rows = ", ".join(["(%s, 1)"] * len(names))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES {rows} "  # noqa: S608 - our own name
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1",
                names,
            )
    except DatabaseError:
        # The change itself has committed; kept work expires on its own (its timeout).
        log.warning("Could not record a change to the portal's records", exc_info=True)


class _Bump:
    """The after-commit call, once a transaction however many statements it holds,
    with the tables they wrote."""

    def __init__(self, using, table):
        self.using = using
        self.tables = {table}

    def __call__(self):
        bump(self.tables, self.using)


def changed(connection, table):
    if _migrating:
        return  # the counts' table may not be there yet, and nothing is kept
    if not connection.in_atomic_block:
        if connection.get_autocommit():
            bump({table}, connection.alias)  # the statement has committed already
        # A transaction managed by hand has no commit to wait for: the timeout bounds it.
        return
    # One call for each savepoint that wrote: a savepoint rolled back takes its own away.
    here = set(connection.savepoint_ids)
    for sids, call, _ in connection.run_on_commit:
        if isinstance(call, _Bump) and sids == here:
            call.tables.add(table)
            return
    transaction.on_commit(_Bump(connection.alias, table), using=connection.alias, robust=True)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    table = written_table(sql)
    if table is not None:
        changed(context["connection"], table)
    return result


def current(using="default"):
    """{table: count} as committed now, a table never written counting 0; None when
    there is no count at all (a test's flush), and then nothing is kept until a change
    writes one again."""
    connection = connections[using]
    table = connection.ops.quote_name(_table())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, value FROM {table}")  # noqa: S608 - our own name
        counts = dict(cursor.fetchall())
    return counts or None


# The sets of the ``reading`` blocks now open, innermost last.
_readings = contextvars.ContextVar("portal_freshness_readings", default=())
# (counts, seconds) while work may be kept (``keeping``).
_keeping = contextvars.ContextVar("portal_freshness_keeping", default=None)


@contextlib.contextmanager
def reading(using="default"):
    """Collect the watched tables the statements run inside the block read, in the set
    it yields (filled in when the block ends). Work kept from earlier that is used inside
    the block counts as read too (``Keeper``)."""
    tables = set()

    def read(execute, sql, params, many, context):
        if isinstance(sql, str):
            tables.update(_QUOTED.findall(sql))
        return execute(sql, params, many, context)

    token = _readings.set((*_readings.get(), tables))
    try:
        with connections[using].execute_wrapper(read):
            yield tables
    finally:
        _readings.reset(token)
    tables &= watched_tables()


@functools.cache
def scope_tables():
    """The tables that decide who sees what: people, their roles and teams (read once a
    request and kept on the user), and the trust's profile (its office hours; kept in
    memory for a minute). Kept work depends on them whatever it read itself."""
    user, group = get_user_model(), apps.get_model("auth.Group")
    models = [user, user.groups.through, user.user_permissions.through, group]
    models += [group.permissions.through, apps.get_model("auth.Permission")]
    models += [apps.get_model(f"portal.{name}") for name in SCOPE_MODELS]
    return frozenset(model._meta.db_table for model in models) & watched_tables()


# Values a process keeps in its own memory for a while (the trust's profile, for a
# minute), by table: {table: [forget, ...]}, and the count of each table last seen here.
_forgetters = {}
_seen = {}


def forget_on_change(model, forget):
    """Call ``forget()`` when a kept page first sees that ``model``'s table has changed.

    A value kept in memory for a minute could be a minute old when a change redraws kept
    work, which would then keep the old value for as long as the work is kept; forgetting
    it first draws the work from the value as it is now.
    """
    _forgetters.setdefault(model._meta.db_table, []).append(forget)


def _forget_changed(counts):
    for table, forgetters in _forgetters.items():
        count = counts.get(table, 0)
        if _seen.get(table) != count:  # the first time too: the value may be older
            for forget in forgetters:
                forget()
            _seen[table] = count


@contextlib.contextmanager
def keeping(counts, seconds):
    """Let ``Keeper`` keep work inside the block, by ``counts`` (from ``current()``) and
    for at most ``seconds``; outside it a Keeper works everything out each time."""
    if counts is not None and seconds:
        _forget_changed(counts)
    token = _keeping.set((counts, seconds) if counts is not None and seconds else None)
    try:
        yield
    finally:
        _keeping.reset(token)


class Keeper:
    """Parts of one piece of work kept together under one cache key, each until a table
    it read has changed or its own ``seconds`` are up, whichever comes first.

    A part records the watched tables its statements read (and ``scope_tables()``) with
    their counts when it was worked out. A part used from the cache counts as read by any
    ``reading`` block around it, so work kept inside other kept work is redone when
    either's tables change.
    """

    def __init__(self, key):
        self.key = key
        self.keeping = _keeping.get()
        self.parts = (cache.get(key) or {}) if self.keeping else {}
        self.used = set()
        self.changed = False

    _MISSING = object()

    def _kept(self, part, now):
        """The part's kept value (its tables counted as read), or ``_MISSING``."""
        self.used.add(part)
        counts, seconds = self.keeping
        kept = self.parts.get(part)
        if kept is None or not _still_good(kept, counts, now - seconds):
            return self._MISSING
        for tables in _readings.get():
            tables.update(kept[1])
        return kept[2]

    def _keep(self, part, now, read, value):
        counts = self.keeping[0]
        read = (read & watched_tables()) | scope_tables()
        self.parts[part] = (now, {table: counts.get(table, 0) for table in read}, value)
        self.changed = True

    def get(self, part, work):
        if not self.keeping:
            return work()
        now = time.time()
        value = self._kept(part, now)
        if value is self._MISSING:
            with reading() as read:
                value = work()
            self._keep(part, now, read, value)
        return value

    def get_many(self, parts, work):
        """Several parts worked out together, each kept on its own as ``get`` keeps one.

        ``work(missing)`` works out the parts not kept, in as few statements as it likes,
        and returns {part: (value, the SQL that read it)}: the SQL says which tables each
        part depends on. Returns {part: value} for every part of ``parts``.
        """
        if not self.keeping:
            return {part: value for part, (value, _) in work(list(parts)).items()}
        now = time.time()
        found = {part: self._kept(part, now) for part in parts}
        missing = [part for part, value in found.items() if value is self._MISSING]
        if missing:
            with reading():  # the blocks around this one count what it reads
                values = work(missing)
            for part, (value, sql) in values.items():
                self._keep(part, now, set(_QUOTED.findall(sql)), value)
                found[part] = value
        return found

    def save(self):
        """Store the parts used since this Keeper was made; those not used are dropped."""
        if self.keeping and (self.changed or self.parts.keys() - self.used):
            kept = {part: self.parts[part] for part in self.used}
            cache.set(self.key, kept, self.keeping[1])


def _still_good(kept, counts, oldest):
    made_at, read, _ = kept
    return made_at > oldest and all(counts.get(table, 0) == n for table, n in read.items())


def watch(sender=None, connection=None, **kwargs):
    """Put the watch on a database connection (first, so that a caller's own
    ``execute_wrapper`` still takes off its own wrapper when it ends)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


def _migration_starts(**kwargs):
    global _migrating
    _migrating = True


def _migration_ends(**kwargs):
    global _migrating
    _migrating = False


def install():
    pre_migrate.connect(_migration_starts, dispatch_uid="portal.freshness.pre_migrate")
    post_migrate.connect(_migration_ends, dispatch_uid="portal.freshness.post_migrate")
    connection_created.connect(watch, dispatch_uid="portal.freshness.watch")
    for connection in connections.all(initialized_only=True):
        watch(connection=connection)
