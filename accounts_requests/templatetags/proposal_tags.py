"""Tags for the proposal pages' long lists."""

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

from portal.templatetags.portal_tags import state_badge, working_days_since

register = template.Library()

NOTHING = "\u2013"  # an en dash, for an empty cell


@register.simple_tag(takes_context=True)
def queue_row(context, proposal):
    """One row of the proposal queue, written in one pass.

    The queue shows fifty rows of seven cells; as template nodes they cost more than the
    queries behind the page. Every value is escaped by format_html.
    """
    submitted = proposal.submitted_at
    return format_html(
        '<tr>\n    <th scope="row"><a href="{}">{}</a></th>\n'
        "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
        "    <td>{}</td>\n    <td>{}</td>\n  </tr>",
        proposal.get_absolute_url(),
        proposal.proposed_name or "Untitled proposal",
        proposal.team,
        proposal.get_platform_display() or NOTHING,
        state_badge(proposal),
        proposal.reviewer or NOTHING,
        working_days_since(context, proposal.state_changed_at),
        dateformat.format(timezone.localtime(submitted), "j M Y") if submitted else NOTHING,
    )
