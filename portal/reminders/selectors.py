"""What is due, for the pages: across the portal for comms, and one person's own.

Both read the rule tables, so a rule another app adds appears here without a change.
Each costs one query per rule (or per rule and stage), however many records wait.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import formats, timezone

from portal.models import ReminderSent
from portal.reminders.engine import EPISODE, load_rules
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
    def due_at(self):
        return self.stages[0].due_at

    @property
    def due_text(self):
        return self.stages[0].due_text

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


def _sent_flags(rule, stages):
    content_type = ContentType.objects.get_for_model(rule.get_model())
    return {
        f"sent_{index}": Exists(
            ReminderSent.objects.filter(
                rule=rule.key,
                stage=stage.name,
                content_type=content_type,
                object_id=OuterRef("pk"),
                episode=OuterRef(EPISODE),
            )
        )
        for index, stage in enumerate(stages)
    }


def _status(due_at, now, horizon):
    if due_at <= now:
        return OVERDUE
    if due_at <= horizon:
        return DUE_SOON
    return UPCOMING


def _horizon(now, calendar):
    return calendar.add_working_days(now, DUE_SOON_WORKING_DAYS)


def overview(user, *, status=DUE_SOON, rule_key=None, now=None):
    """Everything waiting that ``user`` may see, by rule.

    ``status`` OVERDUE lists what is past its first stage; DUE_SOON adds what falls due
    within two working days; UPCOMING lists everything waiting. Returns (items sorted by
    due moment, {rule key: {"rule", "overdue", "due_soon", "waiting"}}).
    """
    now = now or timezone.now()
    calendar = WorkingCalendar.current()
    items, counts = [], {}
    horizon = _horizon(now, calendar)
    for rule in load_rules():
        # The same split the statuses make, asked of the database for the counts.
        first, dates = rule.stages[0].after, rule.since_is_date
        cutoff_now = first.cutoff(now, calendar, dates=dates)
        cutoff_soon = first.cutoff(horizon, calendar, dates=dates)
        records = rule.waiting_records_for(user)
        counts[rule.key] = {
            "rule": rule,
            **records.aggregate(
                overdue=Count("pk", filter=Q(**{f"{rule.since}__lte": cutoff_now})),
                due_soon=Count(
                    "pk",
                    filter=Q(**{f"{rule.since}__gt": cutoff_now})
                    & Q(**{f"{rule.since}__lte": cutoff_soon}),
                ),
                waiting=Count("pk"),
            ),
        }
        if rule_key and rule.key != rule_key:
            continue
        if status == OVERDUE:
            records = records.filter(**{f"{rule.since}__lte": cutoff_now})
        elif status == DUE_SOON:
            records = records.filter(**{f"{rule.since}__lte": cutoff_soon})
        records = (
            records.annotate(**{EPISODE: rule.episode_expression()})
            .annotate(**_sent_flags(rule, rule.stages))
            .select_related(*rule.related())
            .order_by(rule.since, "pk")[:PER_RULE_LIMIT]
        )
        for record in records:
            since = getattr(record, rule.since)
            stages = [
                StageView(
                    stage=stage,
                    due_at=stage.after.due_at(since, calendar),
                    sent=getattr(record, f"sent_{index}"),
                    dates=dates,
                )
                for index, stage in enumerate(rule.stages)
            ]
            items.append(
                Item(
                    rule=rule,
                    record=record,
                    since=since,
                    status=_status(stages[0].due_at, now, horizon),
                    stages=stages,
                )
            )
    items.sort(key=lambda item: (item.due_at, item.rule.key, item.record.pk))
    return items, counts


def upcoming_for(user, *, limit=6, now=None):
    """The reminders coming to ``user`` (and those already overdue), soonest first.

    One entry per record: the first stage of its rule that would tell this user.
    """
    now = now or timezone.now()
    calendar = WorkingCalendar.current()
    items, seen = [], set()
    horizon = _horizon(now, calendar)
    for rule in load_rules():
        for stage in rule.stages:
            mine = stage.tell.filter_for(user)
            if mine is None:
                continue
            records = (
                rule.waiting_records_for(user)
                .filter(mine)
                .annotate(**{EPISODE: rule.episode_expression()})
                .annotate(**_sent_flags(rule, [stage]))
                .select_related(*rule.related())
                .order_by(rule.since, "pk")[:limit]
            )
            for record in records:
                if (rule.key, record.pk) in seen:
                    continue
                seen.add((rule.key, record.pk))
                since = getattr(record, rule.since)
                view = StageView(
                    stage=stage,
                    due_at=stage.after.due_at(since, calendar),
                    sent=record.sent_0,
                    dates=rule.since_is_date,
                )
                items.append(
                    Item(
                        rule=rule,
                        record=record,
                        since=since,
                        status=_status(view.due_at, now, horizon),
                        stages=[view],
                    )
                )
    items.sort(key=lambda item: (item.due_at, item.rule.key, item.record.pk))
    return items[:limit]
