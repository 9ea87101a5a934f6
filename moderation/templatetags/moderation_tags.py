from django import template
from django.utils.safestring import mark_safe

from moderation import rules

register = template.Library()


@register.filter
def can_read_moderation_log(user):
    return rules.can_read_log(user)


@register.filter
def count_cells(counts):
    """A report row's counts as its table cells, written in one go: a year's report has
    hundreds of cells, and a loop in the template costs more per cell than the cell."""
    # Every cell is an integer, so nothing in it needs escaping.
    return mark_safe("".join(f'<td class="text-end">{int(n)}</td>' for n in counts))  # noqa: S308
