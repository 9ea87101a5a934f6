"""The words a reminder table is written in: ``Rule``, ``Stage`` and waits."""

import datetime
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import OuterRef, Q
from django.db.models.functions import TruncDate

from portal.models import ReminderSent
from portal.reminders.recipients import Recipients

WORKING_HOURS = "wh"
WORKING_DAYS = "wd"
DAYS = "d"
WAIT_PATTERN = re.compile(r"^\s*(-?\d+)\s*(wh|wd|d)\s*$")


@dataclass(frozen=True)
class Wait:
    """How long after the wait began a stage falls due.

    Working hours and working days count office time only (see ``portal.worktime``);
    days are calendar days and may be negative: ``days_before(30)`` is 30 days before a
    date such as a review date.
    """

    amount: int
    unit: str

    @classmethod
    def parse(cls, text):
        """``"4wh"``, ``"2wd"``, ``"30d"`` or ``"-30d"``; ValueError for anything else."""
        match = WAIT_PATTERN.match(text or "")
        if not match:
            raise ValueError(
                f"{text!r} is not a wait: write 4wh (working hours), 2wd (working days) or "
                "30d (days; -30d for 30 days before)."
            )
        amount, unit = int(match.group(1)), match.group(2)
        if unit != DAYS and amount <= 0:
            raise ValueError(f"{text!r}: a wait in working time must be more than nothing.")
        return cls(amount, unit)

    def __str__(self):
        if self.unit == WORKING_HOURS:
            return f"{self.amount} working hour{'s' if self.amount != 1 else ''}"
        if self.unit == WORKING_DAYS:
            return f"{self.amount} working day{'s' if self.amount != 1 else ''}"
        if self.amount == 0:
            return "on the day"
        count = abs(self.amount)
        words = f"{count} day{'s' if count != 1 else ''}"
        return f"{words} before" if self.amount < 0 else f"{words} after"

    @property
    def when(self):
        """For a sentence about a stage: "after 2 working days", "30 days before"."""
        return f"after {self}" if self.in_working_time else str(self)

    @property
    def code(self):
        return f"{self.amount}{self.unit}"

    @property
    def ahead(self):
        """A heads-up before a date (``days_before``), rather than a deadline."""
        return self.unit == DAYS and self.amount < 0

    @property
    def in_working_time(self):
        return self.unit in (WORKING_HOURS, WORKING_DAYS)

    def delta(self, calendar):
        if self.unit == WORKING_HOURS:
            return datetime.timedelta(hours=self.amount)
        if self.unit == WORKING_DAYS:
            return calendar.day_length * self.amount
        return datetime.timedelta(days=self.amount)

    def due_at(self, since, calendar):
        """When something whose wait began at ``since`` falls due; ``NEVER`` for a date so
        far on (the year 9999, typed on a form with no limit) that there is no such day."""
        try:
            return self._due_at(since, calendar)
        except OverflowError:
            return NEVER

    def _due_at(self, since, calendar):
        if self.in_working_time:
            return calendar.add_working_time(since, self.delta(calendar))
        if not isinstance(since, datetime.datetime):
            # A date falls due at the start of its day on the trust's clock.
            day = since + self.delta(calendar)
            return datetime.datetime.combine(day, datetime.time(0), tzinfo=calendar.tz)
        return since + self.delta(calendar)

    def cutoff(self, now, calendar, *, dates=False):
        """The latest ``since`` that is due by ``now``: due exactly when since <= cut-off.

        Worked out once per sweep, so the database answers with one indexed range query
        instead of the arithmetic being done for every waiting record.
        """
        if self.in_working_time:
            return calendar.latest_start_due_by(now, self.delta(calendar))
        if dates:
            return calendar.local(now).date() - self.delta(calendar)
        return now - self.delta(calendar)


# Later than anything can fall due, and still a moment every time zone can show.
NEVER = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def working_hours(amount):
    return Wait(amount, WORKING_HOURS)


def working_days(amount):
    return Wait(amount, WORKING_DAYS)


def days(amount):
    return Wait(amount, DAYS)


def days_before(amount):
    return Wait(-amount, DAYS)


@dataclass(frozen=True)
class Stage:
    """One step of a rule: after ``after``, tell ``tell``.

    ``title`` and ``body`` are format strings; they may use ``{record}`` (the record, and
    its attributes such as ``{record.team}``), ``{wait}`` ("2 working days"),
    ``{since}`` and ``{due}`` (dates in words). Never put a secret or a commenter's
    personal data in them. A stage with ``run`` and no ``tell`` is a job, not a message:
    the engine calls it once per record and wait, as it would send a reminder once.
    """

    name: str
    after: Wait
    tell: Recipients | None
    title: str = ""
    body: str = ""
    urgent: bool = False
    # A job to run once for the record instead of (or as well as) telling people: a
    # dotted path to a function taking the record, run in the stage's transaction.
    run: str = ""


@dataclass(frozen=True)
class Rule:
    """What to remind about, from when, and who hears at each stage.

    ``waiting`` picks the records that are waiting (``Q(state="submitted")``); ``since``
    names the stored moment (or date) the wait runs from, which should be indexed
    together with the fields ``waiting`` filters on. Stages are listed in the order they
    fall due.
    """

    key: str
    model: str
    summary: str
    waiting: Q
    since: str
    stages: tuple
    team_field: str | None = "team"
    select_related: tuple = field(default_factory=tuple)
    # How a waiting record is named on the pages, a format string of ``record`` (read
    # only what ``related()`` selects); the record's own name when empty.
    label: str = ""

    def get_model(self):
        return apps.get_model(self.model)

    @property
    def deadline(self):
        """The stage that says when the record is overdue: the first that is not a
        heads-up before a date."""
        for stage in self.stages:
            if not stage.after.ahead:
                return stage
        return self.stages[-1]

    def stage(self, name):
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(f"{self.key} has no stage {name!r}")

    @property
    def since_is_date(self):
        try:
            since_field = self.get_model()._meta.get_field(self.since)
        except FieldDoesNotExist:  # an annotation made by waiting_records(): a moment
            return False
        return not isinstance(since_field, models.DateTimeField)

    def episode(self, since):
        """The wait's start as a moment, to key the ledger by (a date becomes midnight UTC)."""
        if isinstance(since, datetime.datetime):
            return since
        return datetime.datetime.combine(since, datetime.time(0), tzinfo=datetime.UTC)

    def sent(self, stage, content_type):
        """The ledger rows of ``stage`` for the outer query's record and its current wait:
        use inside ``Exists()`` on ``waiting_records()``."""
        rows = ReminderSent.objects.filter(
            rule=self.key, stage=stage.name, content_type=content_type, object_id=OuterRef("pk")
        )
        if self.since_is_date:
            # Compared as dates, in UTC as they were written, so it works on every backend.
            return rows.annotate(episode_day=TruncDate("episode", tzinfo=datetime.UTC)).filter(
                episode_day=OuterRef(self.since)
            )
        return rows.filter(episode=OuterRef(self.since))

    def same_episode(self, written, episode):
        """Whether a ledger row's ``written`` episode is this wait's ``episode``, as
        ``sent()`` compares them in the database: as UTC dates when ``since`` is a date."""
        if self.since_is_date:
            return written.astimezone(datetime.UTC).date() == episode.date()
        return written == episode

    def related(self):
        fields = list(self.select_related)
        if self.team_field:
            fields.append(self.team_field)
        return fields

    def waiting_records(self):
        """Every record now waiting, for the engine (no one user's scope)."""
        return self.get_model()._default_manager.filter(self.waiting)

    def waiting_records_for(self, user):
        """The waiting records ``user`` may see, through the model's ``visible_to``."""
        records = self.get_model()._default_manager.all()
        if hasattr(records, "visible_to"):
            records = records.visible_to(user)
        return records.filter(self.waiting)
