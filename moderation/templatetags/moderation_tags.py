from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from moderation import rules

register = template.Library()


@register.filter
def can_read_moderation_log(user):
    return rules.can_read_log(user)


@register.filter
def report_row(row):
    """A report table's row (label, a count per column, total) written in one go: a
    year's report has hundreds of cells, and a template loop costs more per cell than the
    cell."""
    # Every count is an integer, so nothing but the label needs escaping.
    cells = "".join(f'<td class="text-end">{int(n)}</td>' for n in row["counts"])
    return format_html(
        '<tr><th scope="row">{}</th>{}<td class="text-end fw-semibold">{}</td></tr>',
        row["label"],
        mark_safe(cells),  # noqa: S308
        int(row["total"]),
    )


SAFEGUARDING_BADGE = '<span class="badge text-bg-danger d-block mt-1">Safeguarding</span>'
POLICE_BADGE = '<span class="badge text-bg-secondary d-block mt-1">Police</span>'
REPEAT_BADGE = ' <span class="badge text-bg-warning">Repeat</span>'


@register.simple_tag
def log_row(entry):
    """One row of the moderation log (a ``selectors.LogRow``), written in one pass.

    A page has fifty rows of a dozen cells and badges each; as template nodes they cost
    more than everything else the page draws. Every value is escaped by format_html.
    """
    hate_crime = (
        format_html(
            '<span class="badge text-bg-warning d-block mt-1">Hate crime: {}</span>',
            entry.hate_crime,
        )
        if entry.hate_crime
        else ""
    )
    badges = [
        SAFEGUARDING_BADGE if entry.safeguarding else "",
        hate_crime,
        POLICE_BADGE if entry.police else "",
    ]
    return format_html(
        '<tr>\n    <th scope="row"><a href="{}"><time datetime="{}">{}</time>'
        '<span class="visually-hidden"> entry {}</span></a>\n      {}\n    </th>\n'
        '    <td>{}<br><span class="small text-body-secondary">{}</span></td>\n'
        "    <td>{}{}</td>\n"
        "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n  </tr>",
        entry.url,
        entry.when_iso,
        entry.when,
        entry.pk,
        mark_safe("\n      ".join(badge for badge in badges if badge)),  # noqa: S308
        entry.account,
        entry.platform,
        entry.handle,
        mark_safe(REPEAT_BADGE if entry.repeat else ""),  # noqa: S308
        entry.categories,
        entry.actions,
        entry.told,
        entry.moderator,
    )
