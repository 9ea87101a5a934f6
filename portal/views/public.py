"""Pages anyone may read without signing in."""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import pluralize


def get_help(request):
    """Where to go for help: crisis, medical questions, care, complaints, our accounts."""
    return render(request, "portal/public/help.html")


def welcome(request):
    """What this portal is, for a visitor who is not signed in."""
    return render(request, "portal/public/welcome.html")


def accessibility(request):
    """The accessibility statement: how the portal can be used, how it is checked, what is
    known not to be accessible, and how to report a problem."""
    return render(
        request,
        "portal/public/accessibility.html",
        {"idle_limit": _duration(settings.SESSION_COOKIE_AGE)},
    )


def _duration(seconds):
    """``28800`` as "8 hours", ``5400`` as "90 minutes"."""
    hours, rest = divmod(seconds, 3600)
    if hours and not rest:
        return f"{hours} hour{pluralize(hours)}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{pluralize(minutes)}"
