"""Working time: office hours on working days, bank holidays excluded.

All arithmetic is done on the wall clock in the trust's time zone, so the clock changes
in spring and autumn never make a working day longer or shorter than its office hours.
Moments passed in may be in any time zone; moments returned are in the trust's zone.
"""

import bisect
import datetime
import functools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

MONDAY_TO_FRIDAY = frozenset(range(5))


@functools.cache
def _holiday_calendar(country, subdiv):
    return holidays.country_holidays(country, subdiv=subdiv or None)


@functools.cache
def _holidays_in(country, subdiv, first_year, last_year):
    """The bank holidays of those years, sorted, for counting with bisect."""
    calendar = holidays.country_holidays(
        country, subdiv=subdiv or None, years=range(first_year, last_year + 1)
    )
    return tuple(sorted(calendar))


@dataclass(frozen=True)
class WorkingCalendar:
    opens: datetime.time = datetime.time(9, 0)
    closes: datetime.time = datetime.time(17, 0)
    working_days: frozenset = MONDAY_TO_FRIDAY
    holiday_country: str = "GB"
    holiday_subdiv: str = "ENG"
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))

    @classmethod
    def current(cls):
        """The trust's calendar: hours from its profile, holidays from settings."""
        from portal.models import OrganisationProfile

        profile = OrganisationProfile.load()
        country, _, subdiv = getattr(settings, "BANK_HOLIDAYS", "GB-ENG").partition("-")
        return cls(
            opens=profile.office_opens,
            closes=profile.office_closes,
            holiday_country=country,
            holiday_subdiv=subdiv,
            tz=ZoneInfo(settings.TIME_ZONE),
        )

    # Days

    @property
    def day_length(self):
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.opens)
        end = datetime.datetime.combine(datetime.date(2000, 1, 1), self.closes)
        return end - start

    def is_bank_holiday(self, day):
        return day in _holiday_calendar(self.holiday_country, self.holiday_subdiv)

    def bank_holiday_name(self, day):
        return _holiday_calendar(self.holiday_country, self.holiday_subdiv).get(day)

    def is_working_day(self, day):
        return day.weekday() in self.working_days and not self.is_bank_holiday(day)

    def next_working_day(self, day):
        day += datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    # Moments

    def local(self, moment):
        if moment.tzinfo is None:
            raise ValueError("Working time needs an aware datetime.")
        return moment.astimezone(self.tz)

    def _at(self, day, clock):
        return datetime.datetime.combine(day, clock, tzinfo=self.tz)

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

    def add_working_time(self, moment, delta):
        """The moment ``delta`` of office time after ``moment``.

        A start outside office hours counts from when they next begin.
        """
        if delta < datetime.timedelta(0):
            raise ValueError("Working time only runs forwards.")
        current = self.next_office_start(moment)
        remaining = delta
        while True:
            close = self._at(current.date(), self.closes)
            left_today = close - current
            if remaining <= left_today:
                return current + remaining
            remaining -= left_today
            current = self._at(self.next_working_day(current.date()), self.opens)

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
        count -= sum(1 for day in bank[low:high] if day.weekday() in self.working_days)
        return count

    def working_time_between(self, start, end):
        """How much office time passes from ``start`` to ``end``."""
        start, end = self.local(start), self.local(end)
        if end <= start:
            return datetime.timedelta(0)
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
