"""Tags for the proposal pages' long lists."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from accounts_requests.templatetags.kpi_tags import DASH, day_month_year
from portal.templatetags.portal_tags import state_badge, working_days_since

register = template.Library()


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
        proposal.get_platform_display() or DASH,
        state_badge(proposal),
        proposal.reviewer or DASH,
        working_days_since(context, proposal.state_changed_at),
        day_month_year(timezone.localtime(submitted)) if submitted else DASH,
    )
