from django import template
from django.utils import timezone
from django.utils.html import format_html

from portal.worktime import WorkingCalendar

register = template.Library()


@register.simple_tag(takes_context=True)
def working_days_since(context, moment):
    """Whole working days from ``moment`` until now, as plain words.

    The calendar and the moment of now are worked out once per rendering, not once a
    row: a queue shows fifty of these.
    """
    if not moment:
        return ""
    cached = context.render_context.get(working_days_since)
    if cached is None:
        cached = context.render_context[working_days_since] = (
            WorkingCalendar.current(),
            timezone.now(),
        )
    calendar, now = cached
    whole = int(calendar.working_days_between(moment, now))
    if whole == 0:
        return "under 1 working day"
    return f"{whole} working day{'s' if whole != 1 else ''}"


# Colours for states, by what they ask of the reader: done, waiting, a problem, over.
STATE_STYLES = {
    "draft": "light",
    "awaiting_endorsement": "info",
    "submitted": "info",
    "in_review": "primary",
    "changes_requested": "warning",
    "approved": "success",
    "rejected": "danger",
    "withdrawn": "secondary",
    "setting_up": "info",
    "active": "success",
    "under_review": "primary",
    "improvement_plan": "warning",
    "closure_proposed": "warning",
    "suspended": "danger",
    "closed": "secondary",
    # Training requests
    "requested": "info",
    "scheduled": "primary",
    "delivered": "success",
    "declined": "danger",
    "cancelled": "secondary",
    # Concerns
    "new": "warning",
    "acknowledged": "info",
    "action_taken": "primary",
}


@register.simple_tag
def state_badge(record):
    # A simple tag, not an included template: it runs once per row on long lists.
    return format_html(
        '<span class="badge state-badge text-bg-{}">{}</span>',
        STATE_STYLES.get(record.state, "secondary"),
        record.get_state_display(),
    )
