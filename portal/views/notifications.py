from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.models import Notification


@login_required
def notification_list(request):
    notes = Notification.objects.for_user(request.user)
    page = Paginator(notes, 25).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page})


@require_POST
@login_required
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    note = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    target = note.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "portal:notifications"
    return redirect(target)


@require_POST
@login_required
def notification_read_all(request):
    Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    return redirect("portal:notifications")
