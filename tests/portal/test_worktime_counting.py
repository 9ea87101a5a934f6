"""Working time is counted arithmetically; it must agree with counting day by day."""

import datetime
import random

from portal.worktime import WorkingCalendar

CALENDAR = WorkingCalendar()


def day_by_day(start, end):
    start, end = CALENDAR.local(start), CALENDAR.local(end)
    total = datetime.timedelta(0)
    day = start.date()
    while day <= end.date():
        total += CALENDAR._office_time_on(day, start, end)
        day += datetime.timedelta(days=1)
    return total


def test_counting_agrees_with_walking_every_day_over_six_years():
    rng = random.Random(2026)
    base = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
    for _ in range(2000):
        start = base + datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 6))
        end = start + datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 500))
        assert CALENDAR.working_time_between(start, end) == day_by_day(start, end), (start, end)


def test_a_week_with_two_bank_holidays_has_three_working_days():
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
    assert CALENDAR.working_days_in(datetime.date(2026, 4, 3), datetime.date(2026, 4, 9)) == 3
