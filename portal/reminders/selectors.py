"""What is due, for the pages: across the portal for comms, and one person's own.

Both read the rule tables, so a rule another app adds appears here without a change.
The overview costs one or two queries per rule, a person's panel a few in all, however
many records wait.

A record is overdue once its rule's deadline has passed (the first stage that is not a
heads-up before a date), due soon when the deadline is within two working days or a
heads-up has gone, and upcoming otherwise.
"""

import copy
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.utils import formats, timezone

from portal import freshness
from portal.models import ReminderSent
from portal.reminders.engine import load_rules
from portal.reminders.recipients import resolve
from portal.worktime import WorkingCalendar

# "Due soon" means due within this many working days.
DUE_SOON_WORKING_DAYS = 2
# The most records one rule contributes to a page; a backlog larger than this is a
# problem the counts at the top of the page already show.
PER_RULE_LIMIT = 500

OVERDUE, DUE_SOON, UPCOMING = "overdue", "due_soon", "upcoming"
STATUS_LABELS = {OVERDUE: "Overdue", DUE_SOON: "Due soon", UPCOMING: "Upcoming"}


def _when(value, *, dates):
    if dates:
        return formats.date_format(timezone.localtime(value).date(), "D j M Y")
    return formats.date_format(timezone.localtime(value), "D j M Y, H:i")


@dataclass
class StageView:
    stage: object
    due_at: object
    sent: bool
    dates: bool = False

    @property
    def recipients(self):
        return self.stage.tell.label if self.stage.tell is not None else ""

    @property
    def due_text(self):
        return _when(self.due_at, dates=self.dates)


@dataclass
class Item:
    rule: object
    record: object
    since: object
    status: str
    stages: list = field(default_factory=list)

    @property
    def label(self):
        """How the record is named on the pages (see ``Rule.label``)."""
        return self.rule.label.format(record=self.record) if self.rule.label else str(self.record)

    @property
    def due(self):
        return self.stages[self.rule.stages.index(self.rule.deadline)]

    @property
    def due_at(self):
        return self.due.due_at

    @property
    def due_text(self):
        return self.due.due_text

    @property
    def since_text(self):
        if hasattr(self.since, "hour"):
            return _when(self.since, dates=False)
        return formats.date_format(self.since, "D j M Y")

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def team(self):
        return resolve(self.record, self.rule.team_field) if self.rule.team_field else None

    @property
    def last_sent(self):
        sent = [view for view in self.stages if view.sent]
        return sent[-1] if sent else None

    @property
    def next_stage(self):
        for view in self.stages:
            if not view.sent:
                return view
        return None

    @property
    def url(self):
        record = self.record
        return record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""


class _Clock:
    """Now, the due-soon horizon and the calendar, worked out once per page."""

    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.calendar = WorkingCalendar.current()
        self.horizon = self.calendar.add_working_days(self.now, DUE_SOON_WORKING_DAYS)

    def cutoffs(self, rule):
        """(overdue, due soon): a record is overdue when since <= the first, and overdue
        or due soon when since <= the second."""
        dates = rule.since_is_date
        overdue = rule.deadline.after.cutoff(self.now, self.calendar, dates=dates)
        soon = max(
            rule.deadline.after.cutoff(self.horizon, self.calendar, dates=dates),
            rule.stages[0].after.cutoff(self.now, self.calendar, dates=dates),
        )
        return overdue, soon

    def item(self, rule, record):
        since = getattr(record, rule.since)
        stages = [
            StageView(
                stage=stage,
                due_at=stage.after.due_at(since, self.calendar),
                sent=getattr(record, f"sent_{index}"),
                dates=rule.since_is_date,
            )
            for index, stage in enumerate(rule.stages)
        ]
        item = Item(rule=rule, record=record, since=since, status=UPCOMING, stages=stages)
        if item.due_at <= self.now:
            item.status = OVERDUE
        elif item.due_at <= self.horizon or stages[0].due_at <= self.now:
            item.status = DUE_SOON
        return item


def _with_sent_flags(records, rule):
    content_type = ContentType.objects.get_for_model(rule.get_model())
    flags = {
        f"sent_{index}": Exists(rule.sent(stage, content_type))
        for index, stage in enumerate(rule.stages)
    }
    return records.annotate(**flags).select_related(*rule.related()).order_by(rule.since, "pk")


def _sorted(items):
    return sorted(items, key=lambda item: (item.due_at, item.rule.key, item.record.pk))


def overview(user, *, status=DUE_SOON, rule_key=None, now=None):
    """Everything waiting that ``user`` may see, by rule.

    ``status`` OVERDUE lists what is overdue; DUE_SOON adds what is due soon; UPCOMING
    lists everything waiting. Returns (items sorted by due moment,
    {rule key: {"rule", "overdue", "due_soon", "waiting"}}).
    """
    clock = _Clock(now)
    items, counts = [], {}
    for rule in load_rules():
        overdue, soon = clock.cutoffs(rule)
        records = rule.waiting_records_for(user)
        counts[rule.key] = {
            "rule": rule,
            **records.aggregate(
                overdue=Count("pk", filter=Q(**{f"{rule.since}__lte": overdue})),
                due_soon=Count(
                    "pk",
                    filter=Q(**{f"{rule.since}__gt": overdue, f"{rule.since}__lte": soon}),
                ),
                waiting=Count("pk"),
            ),
        }
        if rule_key and rule.key != rule_key:
            continue
        if status == OVERDUE:
            records = records.filter(**{f"{rule.since}__lte": overdue})
        elif status == DUE_SOON:
            records = records.filter(**{f"{rule.since}__lte": soon})
        items.extend(
            clock.item(rule, record) for record in _with_sent_flags(records, rule)[:PER_RULE_LIMIT]
        )
    return _sorted(items), counts


def upcoming_for(user, *, limit=6, now=None):
    """The records a reminder will come to ``user`` about (or has), soonest due first.

    One query for the moment and id of the soonest few waiting records of every rule
    that would tell ``user`` (a query a rule where the database cannot limit each part
    of a union), then, for the ``limit`` the page shows, one query per kind of record
    for the records themselves and one ledger query for which stages have gone. Where
    the caller keeps work (the home page, ``portal.freshness.keeping``), each rule's
    answer and each of the others is kept until a table it read changes: a changed
    proposal asks again only the rules about proposals, together in one query, and reads
    again only the proposals shown.
    """
    clock = _Clock(now)
    keeper = freshness.Keeper(_kept_key(user))
    parts = {}
    for rule in load_rules():
        mine = None
        for stage in rule.stages:
            if stage.tell is not None:
                theirs = stage.tell.filter_for(user)
                if theirs is not None:
                    mine = theirs if mine is None else mine | theirs
        if mine is not None:
            parts[(rule.key, limit)] = (rule, mine)
    found = keeper.get_many(
        parts,
        lambda missing: _run_together(
            {part: _soonest(parts[part][0], user, parts[part][1], limit) for part in missing}
        ),
    )
    soonest = []
    for part, rows in found.items():
        rule = parts[part][0]
        after = rule.deadline.after
        soonest.extend(
            (after.due_at(since, clock.calendar), rule.key, pk, rule, since) for since, pk in rows
        )
    soonest.sort(key=lambda found: found[:3])
    chosen = _records(soonest[:limit], keeper)
    _mark_sent(chosen, keeper)
    keeper.save()
    return [clock.item(rule, record) for rule, record in chosen]


def _kept_key(user):
    return f"portal:reminders-coming:{user.pk}"


def forget_upcoming(user):
    """Forget what ``upcoming_for`` kept for ``user``."""
    cache.delete(_kept_key(user))


def _soonest(rule, user, mine, limit):
    """The query for (rule key, moment, date, pk) of the ``limit`` records waiting longest
    under ``rule`` that would tell ``user`` (``mine``). A date and a moment cannot share a
    column of a union: each has its own, empty for the other."""
    records = rule.waiting_records_for(user).filter(mine).order_by(rule.since, "pk")
    since = F(rule.since)
    return records.annotate(
        reminder_rule=Value(rule.key, output_field=CharField()),
        reminder_moment=Cast(Value(None), DateTimeField()) if rule.since_is_date else since,
        reminder_day=since if rule.since_is_date else Cast(Value(None), DateField()),
    ).values_list("reminder_rule", "reminder_moment", "reminder_day", "pk")[:limit]


def _run_together(queries):
    """{part: ([(since, pk)], its SQL)} for {part: query of ``_soonest``}: one union of
    them all, or a query each where the database cannot limit each part of a union. A
    part that can match nothing (the user sees none of its records) is not asked.

    Each part is compiled once, for the union and for the tables it reads: the ORM's own
    union would compile every part again, which costs more than the query.
    """
    compiled = {}
    for part, query in queries.items():
        try:
            compiled[part] = query.query.sql_with_params()
        except EmptyResultSet:
            compiled[part] = ("", ())
    asked = [part for part, (sql, _) in compiled.items() if sql]
    if connection.features.supports_slicing_ordering_in_compound and len(asked) > 1:
        union = " UNION ALL ".join(f"({compiled[part][0]})" for part in asked)
        with connection.cursor() as cursor:
            cursor.execute(union, [value for part in asked for value in compiled[part][1]])
            rows = cursor.fetchall()
    else:
        rows = [row for part in asked for row in queries[part]]
    found = {part: [] for part in queries}
    part_of = {part[0]: part for part in queries}
    for key, moment, day, pk in rows:
        found[part_of[key]].append((day if moment is None else moment, pk))
    return {part: (found[part], compiled[part][0]) for part in queries}


def _records(soonest, keeper):
    """[(rule, record)] for the chosen (due, key, pk, rule, since) rows: one query per
    model (kept by ``keeper`` until that model's tables change), each record its own copy
    so that two rules about one record keep their own sent flags and wait."""
    wanted = {}
    for *_, pk, rule, _since in soonest:
        pks, related = wanted.setdefault(rule.get_model(), (set(), set()))
        pks.add(pk)
        related.update(rule.related())
    fetched = {
        model: keeper.get(
            ("records", model._meta.label, tuple(sorted(pks)), tuple(sorted(related))),
            partial(_in_bulk, model, pks, related),
        )
        for model, (pks, related) in wanted.items()
    }
    chosen = []
    for *_, pk, rule, since in soonest:
        record = fetched[rule.get_model()].get(pk)
        if record is None:  # gone between the two queries
            continue
        record = copy.copy(record)
        setattr(record, rule.since, since)
        chosen.append((rule, record))
    return chosen


def _in_bulk(model, pks, related):
    # Kept between visits (in a Redis shared by the web workers where CACHE_URL is set):
    # the people a record names come without their password hash.
    hashes = [f"{path}__password" for path in related if _leads_to_a_person(model, path)]
    records = model._default_manager.select_related(*sorted(related)).defer(*hashes)
    return records.order_by().in_bulk(pks)


def _leads_to_a_person(model, path):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model is get_user_model()


def _mark_sent(chosen, keeper):
    """Set each record's ``sent_<stage index>`` flags from one ledger query (kept by
    ``keeper`` until the ledger changes)."""
    if not chosen:
        return
    types = {
        rule.key: ContentType.objects.get_for_model(rule.get_model()).pk for rule, _ in chosen
    }
    ledger = keeper.get(
        ("ledger", tuple(sorted((rule.key, record.pk) for rule, record in chosen))),
        partial(_ledger, chosen, types),
    )
    for rule, record in chosen:
        type_id = types[rule.key]
        episode = rule.episode(getattr(record, rule.since))
        for index, stage in enumerate(rule.stages):
            sent = any(
                rule.same_episode(when, episode)
                for key, name, kind, pk, when in ledger
                if (key, name, kind, pk) == (rule.key, stage.name, type_id, record.pk)
            )
            setattr(record, f"sent_{index}", sent)


def _ledger(chosen, types):
    # Every column of the ledger's unique key is narrowed, so the index is searched
    # rather than read through for each rule.
    return set(
        ReminderSent.objects.filter(
            rule__in=types,
            stage__in={stage.name for rule, _ in chosen for stage in rule.stages},
            content_type__in=set(types.values()),
            object_id__in={record.pk for _, record in chosen},
        )
        .order_by()
        .values_list("rule", "stage", "content_type", "object_id", "episode")
    )
