"""Calendar months, the unit KPI figures are kept in."""

import calendar
import datetime


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    """The same day ``months`` later (or earlier), kept within the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(earlier, later):
    """Whole calendar months from ``earlier``'s month to ``later``'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def month_label(day):
    return day.strftime("%b %Y")
