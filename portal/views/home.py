import functools
import time
from operator import itemgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.module_loading import import_string

from portal import freshness, rules, selectors
from portal.forms import ConfirmReadForm
from portal.models import Membership, Notification, OrganisationProfile, Team


def dashboard_panels(user):
    """Each app contributes the panels it has for this user (see DASHBOARD_PANELS)."""
    panels = []
    for path in settings.DASHBOARD_PANELS:
        panels.extend(import_string(path)(user))
    return sorted(panels, key=lambda panel: panel.get("order", 100))


def _drawn(path, user):
    return [
        {
            "title": panel["title"],
            "html": get_template(panel["template"]).render({"panel": panel["context"]}),
            "order": panel.get("order", 100),
        }
        for panel in import_string(path)(user)
    ]


def _in_order(drawn):
    return sorted((panel for panels in drawn for panel in panels), key=itemgetter("order"))


@functools.cache
def _read_by_every_panel():
    """Tables every panel depends on whatever it reads while it is drawn: who the person
    is, their roles and teams (read before any panel and kept on the user), and the
    trust's profile (its office hours; kept in memory for a minute, so not always read)."""
    user = get_user_model()
    models = (user, user.groups.through, user.user_permissions.through, Group)
    models += (Group.permissions.through, Permission, Membership, Team, OrganisationProfile)
    return frozenset(model._meta.db_table for model in models) & freshness.watched_tables()


def drawn_panels(user):
    """The user's panels as HTML, each kept between visits until a table it read changes.

    A home page gathers a dozen panels from every part of the portal; drawing them again
    on every visit is most of its cost. Each app's panels (one entry of
    DASHBOARD_PANELS) are kept with the tables they read while drawn and those tables'
    counts of changes (``portal.freshness``), and drawn again as soon as one of those
    counts has moved: logging a moderation entry redraws the moderation panels and the
    reminders, not the proposal queue's counts. HOME_PANELS_KEPT_SECONDS bounds what only
    the clock changes (a reminder falling due, the last seven days' count).
    """
    seconds = settings.HOME_PANELS_KEPT_SECONDS
    counts = freshness.current() if seconds else None
    if counts is None:
        return _in_order(_drawn(path, user) for path in settings.DASHBOARD_PANELS)
    key = _kept_key(user)
    kept = cache.get(key) or {}
    now = time.time()
    fresh, redrawn = {}, False
    for path in settings.DASHBOARD_PANELS:
        entry = kept.get(path)
        if entry is None or not _still_good(entry, counts, now - seconds):
            with freshness.reading() as read:
                panels = _drawn(path, user)
            read |= _read_by_every_panel()
            entry = (now, {table: counts.get(table, 0) for table in read}, panels)
            redrawn = True
        fresh[path] = entry
    if redrawn:
        cache.set(key, fresh, seconds)
    return _in_order(entry[2] for entry in fresh.values())


def _still_good(entry, counts, oldest):
    drawn_at, read, _ = entry
    return drawn_at > oldest and all(counts.get(table, 0) == n for table, n in read.items())


def _kept_key(user):
    return f"portal:home-panels:{user.pk}"


def forget_panels(user):
    cache.delete(_kept_key(user))


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
