from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.widgets import escape

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``row|get_item:"below"`` for the counts tables, whose keys are health values."""
    return mapping.get(key, "")


@register.filter
def absolute(value):
    return abs(value)


@register.simple_tag
def counts_table(rows, health_choices, *, label_key, caption, first):
    """A table of account counts by health, one row per team or platform.

    Built in one pass rather than a template loop per cell: a trust's 200 teams make
    1,400 cells, which a template would take many times longer to fill.
    """
    esc = escape
    head = "".join(
        f'<th scope="col" class="text-end">{esc(label)}</th>' for _, label in health_choices
    )
    body = [
        '<tr><th scope="row">{}</th>{}<td class="text-end">{}</td></tr>'.format(
            esc(row.get(label_key, "")),
            "".join(
                f'<td class="text-end">{esc(row.get(value, ""))}</td>'
                for value, _ in health_choices
            ),
            esc(row.get("total", "")),
        )
        for row in rows
    ] or ['<tr><td colspan="7">None.</td></tr>']
    return format_html(
        '<div class="table-responsive" tabindex="0" role="region" aria-label="{caption}">'
        '<table class="table table-sm"><caption>{caption}</caption>'
        '<thead><tr><th scope="col">{first}</th>{head}<th scope="col" class="text-end">All</th>'
        "</tr></thead><tbody>{body}</tbody></table></div>",
        caption=caption,
        first=first,
        head=mark_safe(head),  # noqa: S308 - every part was escaped above
        body=mark_safe("".join(body)),  # noqa: S308 - every part was escaped above
    )
