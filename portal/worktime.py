"""Working time: office hours on working days, bank holidays excluded.

All arithmetic is done on the wall clock in the trust's time zone, so the clock changes
in spring and autumn never make a working day longer or shorter than its office hours.
Moments passed in may be in any time zone; moments returned are in the trust's zone.

Where the hours and holidays come from:

- office hours: the organisation profile (``office_opens``, ``office_closes``), edited
  by the communications team;
- bank holidays: the ``BANK_HOLIDAYS`` setting, a country and subdivision for the
  ``holidays`` package (``GB-ENG`` by default; ``none`` for no bank holidays), plus the
  dates in ``EXTRA_CLOSED_DAYS`` for closures the package does not know yet (a bank
  holiday announced at short notice) or a trust's own closure days.

Due times are found both ways: ``add_working_time(start, wait)`` says when something
that began at ``start`` falls due, and ``latest_start_due_by(now, wait)`` says how late
something may have begun and still be due by ``now``. The second is what lets the
reminder sweep ask the database one indexed question (``state_changed_at <= cut-off``)
instead of working the arithmetic out for every row.
"""

import bisect
import datetime
import functools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

MONDAY_TO_FRIDAY = frozenset(range(5))
UTC = datetime.UTC
# A search for the next or previous working day gives up after this many days: a
# calendar with no working days at all is a configuration error, not an endless loop.
SEARCH_LIMIT_DAYS = 366


@functools.cache
def _holiday_calendar(country, subdiv):
    if not country:
        return {}
    return holidays.country_holidays(country, subdiv=subdiv or None)


@functools.cache
def _holidays_in(country, subdiv, first_year, last_year):
    """The bank holidays of those years, sorted, for counting with bisect."""
    if not country:
        return ()
    calendar = holidays.country_holidays(
        country, subdiv=subdiv or None, years=range(first_year, last_year + 1)
    )
    return tuple(sorted(calendar))


def parse_bank_holidays(value):
    """``"GB-ENG"`` -> ``("GB", "ENG")``; ``"none"`` or empty -> ``("", "")``."""
    value = (value or "").strip()
    if value.lower() in ("", "none", "off"):
        return "", ""
    country, _, subdiv = value.partition("-")
    return country.upper(), subdiv.upper()


def check_bank_holidays(value):
    """An error message when ``value`` is not a calendar the holidays package knows."""
    country, subdiv = parse_bank_holidays(value)
    if not country:
        return None
    try:
        holidays.country_holidays(country, subdiv=subdiv or None)
    except NotImplementedError:
        return f"BANK_HOLIDAYS={value!r}: the holidays package has no country {country!r}."
    except Exception as error:  # an unknown subdivision raises a plain exception
        return f"BANK_HOLIDAYS={value!r}: {error}"
    return None


@dataclass(frozen=True)
class WorkingCalendar:
    opens: datetime.time = datetime.time(9, 0)
    closes: datetime.time = datetime.time(17, 0)
    working_days: frozenset = MONDAY_TO_FRIDAY
    holiday_country: str = "GB"
    holiday_subdiv: str = "ENG"
    extra_closed_days: frozenset = frozenset()
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))

    def __post_init__(self):
        if self.closes <= self.opens:
            raise ValueError("Office hours must close after they open.")
        if not self.working_days:
            raise ValueError("A working calendar needs at least one working day.")

    @classmethod
    def current(cls):
        """The trust's calendar: hours from its profile, holidays from settings."""
        from portal.models import OrganisationProfile

        profile = OrganisationProfile.load()
        country, subdiv = parse_bank_holidays(getattr(settings, "BANK_HOLIDAYS", "GB-ENG"))
        return cls(
            opens=profile.office_opens,
            closes=profile.office_closes,
            holiday_country=country,
            holiday_subdiv=subdiv,
            extra_closed_days=frozenset(getattr(settings, "EXTRA_CLOSED_DAYS", ())),
            tz=ZoneInfo(settings.TIME_ZONE),
        )

    # Days

    @property
    def day_length(self):
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.opens)
        end = datetime.datetime.combine(datetime.date(2000, 1, 1), self.closes)
        return end - start

    def _holidays(self):
        return _holiday_calendar(self.holiday_country, self.holiday_subdiv)

    def is_bank_holiday(self, day):
        return day in self.extra_closed_days or day in self._holidays()

    def bank_holiday_name(self, day):
        if day in self.extra_closed_days:
            return "Office closed"
        return self._holidays().get(day)

    def is_working_day(self, day):
        return day.weekday() in self.working_days and not self.is_bank_holiday(day)

    def _step_to_working_day(self, day, step):
        for _ in range(SEARCH_LIMIT_DAYS):
            day += datetime.timedelta(days=step)
            if self.is_working_day(day):
                return day
        raise ValueError(f"No working day within a year of {day}.")

    def next_working_day(self, day):
        """The first working day after ``day``."""
        return self._step_to_working_day(day, 1)

    def previous_working_day(self, day):
        """The last working day before ``day``."""
        return self._step_to_working_day(day, -1)

    def working_day_of_month(self, year, month, n):
        """The date of the ``n``th working day of a month (``n`` from 1)."""
        if n < 1:
            raise ValueError("Count working days from 1.")
        day = datetime.date(year, month, 1)
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        for _ in range(n - 1):
            day = self.next_working_day(day)
        return day

    # Moments

    def local(self, moment):
        if moment.tzinfo is None:
            raise ValueError("Working time needs an aware datetime.")
        return moment.astimezone(self.tz)

    def _at(self, day, clock):
        return datetime.datetime.combine(day, clock, tzinfo=self.tz)

    def opening_on(self, day):
        """When office hours begin on ``day``."""
        return self._at(day, self.opens)

    def is_office_hours(self, moment):
        moment = self.local(moment)
        return self.is_working_day(moment.date()) and self.opens <= moment.time() < self.closes

    def next_office_start(self, moment):
        """The moment itself when it is in office hours, else when office hours next begin."""
        moment = self.local(moment)
        day = moment.date()
        if self.is_working_day(day):
            if moment.time() < self.opens:
                return self._at(day, self.opens)
            if moment.time() < self.closes:
                return moment
        return self._at(self.next_working_day(day), self.opens)

    def last_office_moment(self, moment):
        """The moment itself when it is in office hours (or at closing), else when they last
        ended."""
        moment = self.local(moment)
        day = moment.date()
        if self.is_working_day(day):
            if moment.time() > self.closes:
                return self._at(day, self.closes)
            if moment.time() > self.opens:
                return moment
        return self._at(self.previous_working_day(day), self.closes)

    def add_working_time(self, moment, delta):
        """The moment ``delta`` of office time after ``moment``.

        A start outside office hours counts from when they next begin. A wait that ends
        exactly at closing time ends at closing time, not at the next opening.
        """
        if delta < datetime.timedelta(0):
            raise ValueError("Working time only runs forwards.")
        current = self.next_office_start(moment)
        remaining = delta
        while True:
            # Both moments carry the same zone, so this is wall-clock arithmetic.
            left_today = self._at(current.date(), self.closes) - current
            if remaining <= left_today:
                return current + remaining
            remaining -= left_today
            current = self._at(self.next_working_day(current.date()), self.opens)

    def latest_start_due_by(self, moment, delta):
        """The latest start whose ``delta`` of office time has run out by ``moment``.

        The inverse of ``add_working_time``: for every aware ``start``,
        ``add_working_time(start, delta) <= moment`` exactly when
        ``start <= latest_start_due_by(moment, delta)``. Anything that began at or before
        the returned moment is due; anything later is not yet.
        """
        if delta <= datetime.timedelta(0):
            raise ValueError("A wait must be longer than nothing.")
        current = self.last_office_moment(moment)
        remaining = delta
        while True:
            opened = self._at(current.date(), self.opens)
            used_today = current - opened
            # At equality stop at this morning's opening: it is later than yesterday's
            # closing, and both are the same instant of office time.
            if remaining <= used_today:
                return current - remaining
            remaining -= used_today
            current = self._at(self.previous_working_day(current.date()), self.closes)

    def add_working_hours(self, moment, hours):
        return self.add_working_time(moment, datetime.timedelta(hours=hours))

    def add_working_days(self, moment, days):
        """``days`` full working days of office time after ``moment``."""
        return self.add_working_time(moment, self.day_length * days)

    def _office_time_on(self, day, start, end):
        if not self.is_working_day(day):
            return datetime.timedelta(0)
        window_start = max(start, self._at(day, self.opens))
        window_end = min(end, self._at(day, self.closes))
        return max(window_end - window_start, datetime.timedelta(0))

    def working_days_in(self, first, last):
        """How many working days there are from ``first`` to ``last``, both included.

        Counted arithmetically, not day by day, so a queue of years-old records stays quick.
        """
        if last < first:
            return 0
        span = (last - first).days + 1
        weeks, extra = divmod(span, 7)
        count = weeks * len(self.working_days)
        count += sum(
            1
            for i in range(extra)
            if (first + datetime.timedelta(days=weeks * 7 + i)).weekday() in self.working_days
        )
        bank = _holidays_in(self.holiday_country, self.holiday_subdiv, first.year, last.year)
        low, high = bisect.bisect_left(bank, first), bisect.bisect_right(bank, last)
        closed = set(bank[low:high])
        closed.update(day for day in self.extra_closed_days if first <= day <= last)
        count -= sum(1 for day in closed if day.weekday() in self.working_days)
        return count

    def working_time_between(self, start, end):
        """How much office time passes from ``start`` to ``end``."""
        if end.astimezone(UTC) <= start.astimezone(UTC):
            return datetime.timedelta(0)
        start, end = self.local(start), self.local(end)
        first, last = start.date(), end.date()
        if first == last:
            return self._office_time_on(first, start, end)
        total = self._office_time_on(first, start, end) + self._office_time_on(last, start, end)
        between = self.working_days_in(
            first + datetime.timedelta(days=1), last - datetime.timedelta(days=1)
        )
        return total + between * self.day_length

    def working_days_between(self, start, end):
        """Office time from ``start`` to ``end`` in working days (a float)."""
        return self.working_time_between(start, end) / self.day_length
