"""The working-time calendar: office hours, weekends, bank holidays, the clock changes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.models import OrganisationProfile
from portal.worktime import WorkingCalendar, check_bank_holidays, parse_bank_holidays

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
HOUR = datetime.timedelta(hours=1)
CAL = WorkingCalendar()


def london(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


# Office hours


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (london(2026, 3, 2, 9, 0), True),  # Monday opening
        (london(2026, 3, 2, 8, 59), False),
        (london(2026, 3, 2, 16, 59), True),
        (london(2026, 3, 2, 17, 0), False),  # closing is outside
        (london(2026, 3, 7, 11, 0), False),  # Saturday
        (london(2026, 3, 8, 11, 0), False),  # Sunday
        (london(2025, 12, 25, 11, 0), False),  # Christmas Day, a Thursday
        (london(2026, 4, 3, 11, 0), False),  # Good Friday
        (london(2026, 4, 6, 11, 0), False),  # Easter Monday
        (london(2026, 4, 7, 11, 0), True),
    ],
)
def test_it_knows_office_hours(moment, expected):
    assert CAL.is_office_hours(moment) is expected


def test_it_refuses_a_naive_moment():
    with pytest.raises(ValueError, match="aware"):
        CAL.is_office_hours(datetime.datetime(2026, 3, 2, 10, 0))


def test_a_moment_in_another_zone_is_read_on_the_london_clock():
    # 08:30 UTC in summer is 09:30 in London: open.
    assert CAL.is_office_hours(utc(2026, 6, 1, 8, 30))
    # 16:30 UTC in summer is 17:30 in London: closed.
    assert not CAL.is_office_hours(utc(2026, 6, 1, 16, 30))


# Bank holidays, with the substitute days when they fall at a weekend


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (datetime.date(2021, 12, 27), "Christmas Day (observed)"),  # 25th was a Saturday
        (datetime.date(2021, 12, 28), "Boxing Day (observed)"),  # 26th was a Sunday
        (datetime.date(2022, 12, 27), "Christmas Day (observed)"),  # 25th was a Sunday
        (datetime.date(2020, 12, 28), "Boxing Day (observed)"),  # 26th was a Saturday
        (datetime.date(2023, 1, 2), "New Year's Day (observed)"),
        (datetime.date(2024, 3, 29), "Good Friday"),
        (datetime.date(2024, 4, 1), "Easter Monday"),
        (datetime.date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
    ],
)
def test_substitute_and_special_bank_holidays_are_not_working_days(day, name):
    assert CAL.bank_holiday_name(day) == name
    assert not CAL.is_working_day(day)


def test_christmas_on_a_weekend_moves_the_next_working_day_past_both_substitutes():
    # Christmas 2021: Saturday and Sunday, substitutes Monday 27 and Tuesday 28.
    assert CAL.next_office_start(london(2021, 12, 24, 17, 30)) == london(2021, 12, 29, 9, 0)
    # Christmas 2022: Sunday; Boxing Day Monday 26; Christmas substitute Tuesday 27.
    assert CAL.next_office_start(london(2022, 12, 23, 17, 0)) == london(2022, 12, 28, 9, 0)


def test_a_day_of_work_over_christmas_2020_skips_the_boxing_day_substitute():
    # Christmas Eve 2020 was a Thursday; Friday was Christmas, Monday 28 the substitute.
    due = CAL.add_working_days(london(2020, 12, 24, 12, 0), 1)
    assert due == london(2020, 12, 29, 12, 0)


def test_easter_takes_four_days_out_of_the_working_week():
    # Thursday before Good Friday 2025, two hours before closing, plus four hours.
    due = CAL.add_working_hours(london(2025, 4, 17, 15, 0), 4)
    assert due == london(2025, 4, 22, 11, 0)


# Weekends and late-evening events


def test_a_friday_evening_event_waits_for_monday_morning():
    assert CAL.next_office_start(london(2026, 3, 6, 21, 45)) == london(2026, 3, 9, 9, 0)
    assert CAL.add_working_days(london(2026, 3, 6, 21, 45), 2) == london(2026, 3, 10, 17, 0)


def test_a_late_evening_event_counts_from_the_next_morning():
    assert CAL.add_working_hours(london(2026, 3, 3, 23, 59), 1) == london(2026, 3, 4, 10, 0)


def test_just_after_midnight_in_summer_is_the_next_day_in_london_though_not_in_utc():
    # 23:30 UTC on Sunday 29 March 2026 is 00:30 on Monday in London (summer time).
    moment = utc(2026, 3, 29, 23, 30)
    assert CAL.next_office_start(moment) == london(2026, 3, 30, 9, 0)
    assert CAL.working_time_between(moment, london(2026, 3, 30, 10, 0)) == HOUR


def test_a_late_evening_event_in_utc_on_a_friday_in_winter_waits_for_monday():
    assert CAL.next_office_start(utc(2025, 10, 31, 23, 30)) == london(2025, 11, 3, 9, 0)


def test_a_wait_that_ends_at_closing_time_ends_at_closing_time():
    assert CAL.add_working_days(london(2026, 3, 2, 9, 0), 1) == london(2026, 3, 2, 17, 0)
    assert CAL.add_working_days(london(2026, 3, 2, 10, 0), 2) == london(2026, 3, 4, 10, 0)


# The clock changes: last Sunday of March and of October


def test_a_working_day_across_the_spring_clock_change_is_still_eight_office_hours():
    start = london(2025, 3, 28, 16, 0)  # Friday, GMT: 16:00 UTC
    due = CAL.add_working_days(start, 1)
    assert due == london(2025, 3, 31, 16, 0)  # Monday, BST
    assert due.astimezone(UTC) == utc(2025, 3, 31, 15, 0)
    assert CAL.working_time_between(start, due) == 8 * HOUR


def test_a_working_day_across_the_autumn_clock_change_is_still_eight_office_hours():
    start = london(2025, 10, 24, 16, 0)  # Friday, BST: 15:00 UTC
    due = CAL.add_working_days(start, 1)
    assert due == london(2025, 10, 27, 16, 0)  # Monday, GMT
    assert due.astimezone(UTC) == utc(2025, 10, 27, 16, 0)
    assert CAL.working_time_between(start, due) == 8 * HOUR


def test_easter_and_the_clock_change_on_the_same_weekend():
    # 2024: Good Friday 29 March, clocks forward on Easter Sunday 31 March.
    start = london(2024, 3, 28, 16, 0)
    due = CAL.add_working_days(start, 1)
    assert due == london(2024, 4, 2, 16, 0)
    assert due.astimezone(UTC) == utc(2024, 4, 2, 15, 0)


def test_office_hours_on_the_monday_after_the_clock_change_follow_the_wall_clock():
    assert CAL.is_office_hours(utc(2025, 3, 31, 8, 0))  # 09:00 BST
    assert not CAL.is_office_hours(utc(2025, 3, 31, 16, 0))  # 17:00 BST
    assert CAL.is_office_hours(utc(2025, 10, 27, 16, 59))  # 16:59 GMT


# Between two moments


def test_working_time_between_counts_only_office_hours():
    # Friday 15:00 to Tuesday 10:00 across the Easter Monday 2026: 2h + 1h.
    start, end = london(2026, 4, 2, 15, 0), london(2026, 4, 7, 10, 0)
    assert CAL.working_time_between(start, end) == 3 * HOUR
    assert CAL.working_days_between(start, end) == pytest.approx(3 / 8)
    assert CAL.working_time_between(end, start) == datetime.timedelta(0)


def test_working_time_cannot_run_backwards():
    with pytest.raises(ValueError, match="forwards"):
        CAL.add_working_time(london(2026, 3, 2, 10, 0), -HOUR)


# Working days of the month


def test_the_fifth_working_day_of_the_month_skips_weekends_and_bank_holidays():
    # January 2027: Friday 1st is New Year's Day.
    assert CAL.working_day_of_month(2027, 1, 5) == datetime.date(2027, 1, 8)
    # May 2026: Friday 1st works, Monday 4th is May Day.
    assert CAL.working_day_of_month(2026, 5, 5) == datetime.date(2026, 5, 8)
    assert CAL.working_day_of_month(2026, 5, 1) == datetime.date(2026, 5, 1)


# The inverse: how late something may have begun and still be due


def test_latest_start_due_by_examples():
    # Due after 2 working days by Wednesday 10:00: started by Monday 10:00.
    assert CAL.latest_start_due_by(london(2026, 3, 4, 10, 0), 16 * HOUR) == london(
        2026, 3, 2, 10, 0
    )
    # By Monday 08:00, two working days back from Friday's close is Thursday 09:00.
    assert CAL.latest_start_due_by(london(2026, 3, 9, 8, 0), 16 * HOUR) == london(2026, 3, 5, 9, 0)
    # By Tuesday 29 December 2020, one working day back skips Christmas and its substitute.
    assert CAL.latest_start_due_by(london(2020, 12, 29, 12, 0), 8 * HOUR) == london(
        2020, 12, 24, 12, 0
    )


moments = st.datetimes(
    min_value=datetime.datetime(2020, 12, 1),
    max_value=datetime.datetime(2027, 12, 31),
).map(lambda naive: naive.replace(second=0, microsecond=0, tzinfo=UTC))
waits = st.integers(min_value=1, max_value=8 * 60 * 12).map(
    lambda minutes: datetime.timedelta(minutes=minutes)
)


@settings(max_examples=400, deadline=None)
@given(start=moments, now=moments, wait=waits)
def test_latest_start_due_by_is_the_exact_inverse_of_adding_working_time(start, now, wait):
    due = CAL.add_working_time(start, wait).astimezone(UTC)
    cutoff = CAL.latest_start_due_by(now, wait).astimezone(UTC)
    assert (due <= now) == (start <= cutoff)


@settings(max_examples=200, deadline=None)
@given(start=moments, wait=waits)
def test_added_working_time_is_exactly_the_office_time_that_passes(start, wait):
    due = CAL.add_working_time(start, wait)
    assert CAL.working_time_between(start, due) == wait
    local = due.astimezone(LONDON)
    assert CAL.is_working_day(local.date())
    assert CAL.opens < local.time() <= CAL.closes


# Configuration: hours from the organisation profile, holidays from settings


def test_the_current_calendar_takes_its_hours_from_the_organisation_profile(db):
    profile = OrganisationProfile.load()
    profile.office_opens = datetime.time(8, 0)
    profile.office_closes = datetime.time(16, 0)
    profile.save()
    calendar = WorkingCalendar.current()
    assert calendar.is_office_hours(london(2026, 3, 2, 8, 30))
    assert not calendar.is_office_hours(london(2026, 3, 2, 16, 30))
    assert calendar.add_working_days(london(2026, 3, 2, 8, 0), 1) == london(2026, 3, 2, 16, 0)


def test_the_current_calendar_takes_its_bank_holidays_from_settings(db, settings):
    settings.BANK_HOLIDAYS = "GB-SCT"
    assert not WorkingCalendar.current().is_working_day(datetime.date(2026, 1, 2))
    settings.BANK_HOLIDAYS = "GB-ENG"
    assert WorkingCalendar.current().is_working_day(datetime.date(2026, 1, 2))
    settings.BANK_HOLIDAYS = "none"
    assert WorkingCalendar.current().is_working_day(datetime.date(2025, 12, 25))


def test_extra_closed_days_are_not_working_days(db, settings):
    settings.EXTRA_CLOSED_DAYS = [datetime.date(2026, 3, 4)]
    calendar = WorkingCalendar.current()
    assert not calendar.is_working_day(datetime.date(2026, 3, 4))
    assert calendar.bank_holiday_name(datetime.date(2026, 3, 4)) == "Office closed"
    assert calendar.add_working_days(london(2026, 3, 3, 12, 0), 1) == london(2026, 3, 5, 12, 0)


def test_a_calendar_that_never_opens_is_refused():
    with pytest.raises(ValueError, match="close after"):
        WorkingCalendar(opens=datetime.time(17, 0), closes=datetime.time(9, 0))
    with pytest.raises(ValueError, match="at least one"):
        WorkingCalendar(working_days=frozenset())


def test_bank_holiday_settings_are_parsed_and_checked():
    assert parse_bank_holidays("gb-eng") == ("GB", "ENG")
    assert parse_bank_holidays("none") == ("", "")
    assert check_bank_holidays("GB-ENG") is None
    assert check_bank_holidays("none") is None
    assert "no country" in check_bank_holidays("XX-YY")
    assert check_bank_holidays("GB-XYZ") is not None
