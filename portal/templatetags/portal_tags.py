import re

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import dateformat, timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag(takes_context=True)
def page_query(context, param, number):
    """The current query string with ``param`` set to ``number``: ``{% querystring %}``
    for a page whose list's page parameter is named by a variable (a page of two lists)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"


@register.filter
def filters_on(form):
    """Whether any of a filter form's visible fields was given a value (a page number or
    a sort order is not a filter)."""
    return form.is_bound and any(form.data.get(field.name) for field in form.visible_fields())


# Where a handle or address may wrap: between a small letter and a capital
# ("Riverside|Community"), and after "_", "." or "-".
_SOFT_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[_.-])(?=.)")


@register.filter
def soft_breaks(value):
    """``value`` escaped, with places it may wrap marked (``<wbr>``) at its word joins.

    A handle read on a phone must read exactly as it is: cut anywhere to fit, it reads as
    two words; marked, it wraps only where its own words meet, and copies unchanged.
    """
    return mark_safe(_SOFT_BREAK.sub("<wbr>", escape(str(value))))  # noqa: S308 - escaped


@register.simple_tag
def state_badge(record):
    # A simple tag, not an included template: it runs once per row on long lists.
    return format_html(
        '<span class="badge state-badge text-bg-{}">{}</span>',
        STATE_STYLES.get(record.state, "secondary"),
        record.get_state_display(),
    )


@register.simple_tag
def timeline_item(event):
    """One entry of a record's timeline (a ``TransitionRecord``), written in one pass.

    Each entry is a dozen template nodes and two dates; on an account or proposal page
    with its whole history they cost more than the query that reads it. Every value is
    escaped by format_html.
    """
    action = event.get_action_label() or event.action
    states = ""
    if event.from_state and event.to_state and event.from_state != event.to_state:
        states = format_html(
            ' <span class="text-body-secondary">({} \u2192 {})</span>',
            event.from_state_label,
            event.to_state_label,
        )
    changed = ""
    if event.changed_fields:
        changed = format_html(
            '\n    <p class="small mb-1">Changed: {}</p>',
            format_html_join(", ", "{}", ((label,) for label in event.changed_labels)),
        )
    comment = ""
    if event.comment:
        comment = format_html(
            '\n    <blockquote class="timeline-comment mb-0">{}</blockquote>',
            linebreaksbr(event.comment, autoescape=True),
        )
    at = timezone.localtime(event.at)
    return format_html(
        '<li class="timeline-item">\n    <p class="mb-1"><strong>{}</strong> {}{}</p>\n'
        '    <p class="small text-body-secondary mb-1"><time datetime="{}">{}</time></p>{}{}\n'
        "  </li>",
        event.actor or "The portal",
        action,
        states,
        dateformat.format(at, "c"),
        dateformat.format(at, "j M Y, H:i"),
        changed,
        comment,
    )
