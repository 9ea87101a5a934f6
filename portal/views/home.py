from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.module_loading import import_string

from portal.models import Notification


def dashboard_panels(user):
    """Each app contributes the panels it has for this user (see DASHBOARD_PANELS)."""
    panels = []
    for path in settings.DASHBOARD_PANELS:
        panels.extend(import_string(path)(user))
    return sorted(panels, key=lambda panel: panel.get("order", 100))


@login_required
def home(request):
    notes = list(Notification.objects.for_user(request.user).unread()[:5])
    return render(
        request,
        "portal/home.html",
        {"panels": dashboard_panels(request.user), "recent_notifications": notes},
    )


@login_required
def floor(request):
    """The benchmark's reference page: the base layout, one trivial query, nothing else."""
    Notification.objects.filter(pk=0).exists()
    return render(request, "portal/floor.html")
