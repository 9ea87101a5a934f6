"""Dates and times written into stored text (history, e-mails, messages) the way the
pages show them: "4 Dec 2026", "4 Dec 2026, 21:40", in the trust's local time."""

from django.utils import formats, timezone


def local_day(value):
    """ "4 Dec 2026": a date, or a moment's local day."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formats.date_format(value, "j M Y")


def local_moment(value):
    """ "4 Dec 2026, 21:40", in local time."""
    return formats.date_format(timezone.localtime(value), "j M Y, H:i")


def local_time(value):
    """ "21:40", in local time."""
    return formats.time_format(timezone.localtime(value), "H:i")
