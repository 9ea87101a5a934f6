from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.module_loading import import_string

from portal import rules, selectors
from portal.forms import ConfirmReadForm
from portal.models import Notification


def dashboard_panels(user):
    """Each app contributes the panels it has for this user (see DASHBOARD_PANELS)."""
    panels = []
    for path in settings.DASHBOARD_PANELS:
        panels.extend(import_string(path)(user))
    return sorted(panels, key=lambda panel: panel.get("order", 100))


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
            "panels": dashboard_panels(request.user),
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
