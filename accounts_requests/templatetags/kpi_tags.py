from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts_requests.models import ManagedAccount, Platform
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


def _health_badge(item):
    """What ``kpi/_health_badge.html`` shows, for rows built in Python."""
    return (
        f'<span class="badge state-badge health-badge text-bg-{escape(item.health_style)}">'
        f"{escape(item.health_label)}</span>\n"
    )


# What ``floatformat`` and ``date`` give in British English, without their per-call
# locale look-ups: a row has six numbers and dates, a page fifty rows. The tests hold these
# to the filters' own output.
HUNDREDTH = Decimal("0.01")
STAND_IN = 918273645
DASH = "\u2013"  # an en dash, where a row has no figure


def two_places(value):
    """``value|floatformat:2``: rounded half up from the number as written."""
    rounded = Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return f"{rounded:f}" if rounded else "0.00"


def grouped(value):
    """``value|floatformat:"0g"`` for a whole number: thousands separated by commas."""
    return f"{value:,}"


def month_year(value):
    """``value|date:"M Y"``."""
    return f"{MONTHS_3[value.month].title()} {value.year:04d}"


def day_month_year(value):
    """``value|date:"j M Y"``."""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year:04d}"


def _rate_cell(account):
    if account.latest_rate is None:
        return DASH
    cell = f"{two_places(account.latest_rate)}%"
    change = account.rate_change
    if change is not None:
        if change > 0:
            words = f'<span aria-hidden="true">▲</span> up {two_places(change)} points'
        elif change < 0:
            words = f'<span aria-hidden="true">▼</span> down {two_places(abs(change))} points'
        else:
            words = "no change"
        cell += f' <span class="small">{words}</span>'
    target = escape(localize(account.target_engagement_rate))
    return cell + f'<span class="d-block small text-body-secondary">target {target}%</span>'


def _review_cell(account):
    if account.has_open_review:
        return '<span class="small">In progress</span>'
    if not account.next_review_on:
        return DASH
    cell = day_month_year(account.next_review_on)
    if account.review_overdue:
        cell += ' <span class="kpi-flag">due now</span>'
    return cell


@register.simple_tag
def overview_rows(accounts):
    """The overview's table rows, one per decorated account, built in one pass.

    Fifty rows of eight cells, each with its conditions and number formats, cost a
    template several times what the same markup costs here; the markup is the same.
    """
    states = dict(ManagedAccount.State.choices)
    platforms = dict(Platform.choices)
    # Each row links to its account; the address is worked out once around a stand-in id
    # rather than once a row.
    before, after = reverse("accounts_requests:account_detail", args=[STAND_IN]).split(
        str(STAND_IN)
    )
    rows = []
    for account in accounts:
        state = ""
        if account.state != "active":
            state = (
                '<span class="d-block small text-body-secondary">'
                f"{escape(states.get(account.state, account.state))}</span>"
            )
        latest = month_year(account.latest_month) if account.latest_month else "None yet"
        if account.latest_followers is not None:
            followers = (
                f"{grouped(account.latest_followers)}"
                '<span class="d-block small text-body-secondary">'
                f"target {grouped(account.target_followers)}</span>"
            )
        else:
            followers = DASH
        rows.append(
            "\n    <tr>\n"
            f'      <th scope="row"><a href="{escape(f"{before}{account.pk}{after}")}">'
            f"{escape(account.name)}</a>{state}</th>\n"
            f"      <td>{escape(account.team)}</td>\n"
            f"      <td>{escape(platforms.get(account.platform, account.platform))}</td>\n"
            f"      <td>{_health_badge(account)}"
            f'<span class="d-block small">{escape(account.health_reason)}</span></td>\n'
            f"      <td>{latest}</td>\n"
            f"      <td>{followers}</td>\n"
            f"      <td>{_rate_cell(account)}</td>\n"
            f"      <td>{_review_cell(account)}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value was escaped or formatted above


BELOW = ' <span class="kpi-flag">below target</span>'
SLOWER = ' <span class="kpi-flag">slower than target</span>'


@register.simple_tag
def figures_row(item, *, full=False, can_edit=False):
    """One month of a figures table (an item of ``selectors.figures_table``), written in
    one pass: the account page, the review and the figures page show twelve to sixty of
    them, each a dozen cells of numbers and flags. Every value is escaped by format_html.
    """
    row = item["row"]
    followers = grouped(row.followers)
    gained = item["followers_gained"]
    if gained is not None:
        followers = format_html(
            '{}<span class="d-block small text-body-secondary">{}{}</span>',
            followers,
            "+" if gained >= 0 else "",
            grouped(gained),
        )
    posts = format_html("{}{}", row.posts, mark_safe("" if item["posts_meet"] else BELOW))  # noqa: S308
    if row.rate is not None:
        rate = format_html(
            "{}%{}",
            two_places(row.rate),
            mark_safe("" if item["rate_meets"] else BELOW),  # noqa: S308
        )
    else:
        rate = mark_safe(f'{DASH}<span class="visually-hidden"> no impressions</span>')  # noqa: S308
    if row.median_reply_hours is not None:
        reply = format_html(
            "{} h{}",
            row.median_reply_hours,
            mark_safe("" if item["reply_meets"] else SLOWER),  # noqa: S308
        )
    else:
        reply = DASH
    cells = [
        format_html('<th scope="row">{}</th>', item["label"]),
        format_html('<td class="text-end">{}</td>', followers),
        format_html('<td class="text-end">{}</td>', posts),
    ]
    if full:
        cells += [
            format_html('<td class="text-end">{}</td>', grouped(row.engagements)),
            format_html('<td class="text-end">{}</td>', grouped(row.impressions)),
        ]
    cells.append(format_html('<td class="text-end">{}</td>', rate))
    if full:
        messages = row.messages_received
        cells.append(
            format_html('<td class="text-end">{}</td>', DASH if messages is None else messages)
        )
    cells.append(format_html('<td class="text-end">{}</td>', reply))
    if full:
        cells.append(
            format_html(
                '<td class="small">{}<span class="d-block text-body-secondary">{}, {}</span></td>',
                row.get_source_display(),
                row.entered_by,
                day_month_year(timezone.localtime(row.entered_at)),
            )
        )
        if can_edit:
            cells.append(
                format_html(
                    '<td><a href="?month={}#figures-form">Correct'
                    '<span class="visually-hidden"> {}</span></a></td>',
                    f"{row.month:%Y-%m}",
                    item["label"],
                )
            )
    return format_html(
        "<tr>\n      {}\n    </tr>",
        mark_safe("\n      ".join(cells)),  # noqa: S308
    )
