from functools import partial

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.module_loading import import_string

from portal import freshness, rules, selectors
from portal.forms import ConfirmReadForm
from portal.models import Notification
from portal.reminders import selectors as reminder_selectors


def _order(panel):
    return panel.get("order", 100)


def _in_order(found):
    """One list of every app's panels, in their order on the page."""
    return sorted((panel for panels in found for panel in panels), key=_order)


def dashboard_panels(user):
    """Each app contributes the panels it has for this user (see DASHBOARD_PANELS)."""
    return _in_order(import_string(path)(user) for path in settings.DASHBOARD_PANELS)


def _drawn(path, user):
    return [
        {
            "title": panel["title"],
            "html": get_template(panel["template"]).render({"panel": panel["context"]}),
            "order": _order(panel),
        }
        for panel in import_string(path)(user)
    ]


def drawn_panels(user):
    """The user's panels as HTML, each app's kept between visits until a table they read
    changes.

    A home page gathers a dozen panels from every part of the portal; drawing them again
    on every visit is most of its cost. Each app's panels (one entry of
    DASHBOARD_PANELS) are kept with the tables they read while drawn and those tables'
    counts of changes (``portal.freshness.Keeper``), and drawn again as soon as one of
    those counts has moved: logging a moderation entry redraws the moderation panel, not
    the proposal queue's counts. HOME_PANELS_KEPT_SECONDS bounds what only the clock
    changes (a reminder falling due, the last seven days' count).
    """
    seconds = settings.HOME_PANELS_KEPT_SECONDS
    counts = freshness.current() if seconds else None
    with freshness.keeping(counts, seconds):
        keeper = freshness.Keeper(_kept_key(user))
        drawn = [
            keeper.get(path, partial(_drawn, path, user)) for path in settings.DASHBOARD_PANELS
        ]
        keeper.save()
    return _in_order(drawn)


def _kept_key(user):
    return f"portal:home-panels:{user.pk}"


def forget_panels(user):
    """Forget all the home page keeps for ``user``, as if it had never been drawn."""
    cache.delete(_kept_key(user))
    reminder_selectors.forget_upcoming(user)


@login_required
def home(request):
    """What the user needs to do now: the playbook to confirm, what waits on them,
    their notifications, and for comms their queues."""
    status = selectors.playbook_status(request.user)
    notes = list(Notification.objects.for_user(request.user).unread()[:5])
    return render(
        request,
        "portal/home.html",
        {
            "panels": drawn_panels(request.user),
            "recent_notifications": notes,
            "playbook": status,
            "confirm_form": ConfirmReadForm(initial={"version": status["version"].number})
            if status["version"] and not status["confirmed"]
            else None,
            "can_propose": rules.is_team_member(request.user),
        },
    )


@login_required
def floor(request):
    """The benchmark's reference page: the base layout, one trivial query, nothing else."""
    Notification.objects.filter(pk=0).exists()
    return render(request, "portal/floor.html")
