from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from portal import notify, rules
from portal.forms import DueFilterForm, ReminderDeliveryForm
from portal.reminders import engine, selectors


@login_required
def reminders_due(request):
    """For comms: everything the reminder rules are waiting on, across the portal."""
    if not rules.sees_everything(request.user):
        raise PermissionDenied
    all_rules = engine.load_rules()
    form = DueFilterForm(request.GET or None, rules=all_rules)
    filters = form.cleaned_data if form.is_valid() else {}
    items, counts = selectors.overview(
        request.user,
        status=filters.get("status") or selectors.DUE_SOON,
        rule_key=filters.get("rule") or None,
    )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/reminders_due.html",
        {"form": form, "page": page, "counts": counts.values(), "rules": all_rules},
    )


@never_cache
@login_required
def notification_settings(request):
    """Each person chooses how their ordinary reminders reach them."""
    current = (
        ReminderDeliveryForm.DIGEST
        if request.user.wants_daily_digest
        else ReminderDeliveryForm.EACH
    )
    form = ReminderDeliveryForm(request.POST or None, initial={"delivery": current})
    if request.method == "POST" and form.is_valid():
        notify.user_set_daily_digest(
            actor=request.user, wants_daily_digest=form.wants_daily_digest
        )
        messages.success(
            request,
            "Saved. Your reminders will come in one e-mail at the start of each working day."
            if form.wants_daily_digest
            else "Saved. Each reminder will be e-mailed on its own when it falls due.",
        )
        return redirect("portal:notification_settings")
    return render(
        request,
        "portal/notification_settings.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
