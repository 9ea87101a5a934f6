"""Dates written into stored text read as the pages show them, in the trust's local time."""

import datetime

from portal.moments import local_day, local_moment, local_time

# 23:30 UTC on 31 July is 00:30 on 1 August in London (summer time).
LATE_IN_SUMMER = datetime.datetime(2026, 7, 31, 23, 30, tzinfo=datetime.UTC)


def test_a_moment_is_written_by_its_local_day_and_time_without_a_leading_zero():
    assert local_day(LATE_IN_SUMMER) == "1 Aug 2026"
    assert local_moment(LATE_IN_SUMMER) == "1 Aug 2026, 00:30"
    assert local_time(LATE_IN_SUMMER) == "00:30"


def test_a_date_is_written_as_it_is():
    assert local_day(datetime.date(2026, 12, 4)) == "4 Dec 2026"
