"""The information rights record's rows and the small pieces other pages share with it,
written in Python in one pass.

The record draws up to 25 rows in each of four lists, and as template nodes (an include
for the days left, another for the month, a ``reverse()`` for each of a row's links)
they cost more than everything else on the page. Every value is escaped by format_html.
"""

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from moderation.selectors import addresses, short_day

register = template.Library()

LATE = '<span class="badge text-bg-danger">{}</span>'


def _moment(moment):
    """A moment on the trust's clock, as the date filter's "j M Y, H:i" writes it."""
    local = timezone.localtime(moment)
    return f"{short_day(local)}, {local:%H:%M}"


def _days(count):
    return f"{count} day{'' if count == 1 else 's'}"


def _commenter(commenter, link):
    return format_html(
        '<a href="{}">{}</a> ({})',
        link(commenter.pk),
        commenter.display_handle,
        commenter.get_platform_display(),
    )


@register.simple_tag
def days_left(open_request):
    """After an open request's due day: the days left, "due today", or how late."""
    left = open_request.days_left
    if left > 0:
        return f" ({_days(left)} left)"
    if left == 0:
        return mark_safe(' <span class="badge text-bg-warning">due today</span>')
    return format_html(" " + LATE, f"overdue by {_days(-left)}")


def within_a_month(answered):
    """Whether an export or removal came within the month allowed, and in how many days."""
    if answered.received_on is None:
        return "not recorded"
    taken = answered.days_taken
    if answered.answered_in_time:
        return f"Yes, in {_days(taken)}"
    return format_html(LATE + " {} days, due by {}", "No", taken, short_day(answered.answer_due))


def request_link(answered, link=None):
    """The request an export or removal answered, by its number and reference."""
    if answered is None:
        return "none logged"
    link = link or addresses("moderation:rights_request")
    reference = f" ({answered.reference})" if answered.reference else ""
    return format_html(
        '<a href="{}" aria-label="Request {}">{}</a>{}',
        link(answered.pk),
        answered.pk,
        answered.pk,
        reference,
    )


def _answered(record):
    """The request an export or removal answered, or None (the reverse one-to-one raises
    an AttributeError when there is none)."""
    return getattr(record, "rights_request", None)


def _rows(rows, row):
    return format_html_join("\n", "{}", ((row(item),) for item in rows))


@register.simple_tag
def waiting_rows(requests, can_handle, can_erase):
    """The requests waiting for an answer, each with the buttons that answer or close it
    for those who may (``can_handle``)."""
    to_request = addresses("moderation:rights_request")
    to_commenter = addresses("moderation:commenter")
    to_export = addresses("moderation:commenter_export")
    to_erase = addresses("moderation:commenter_erase")
    to_close = addresses("moderation:rights_request_close")

    def buttons(waiting):
        """The cell that answers or closes the request."""
        if waiting.kind == waiting.Kind.ACCESS:
            answer = format_html(
                '<a class="btn btn-sm btn-primary" href="{}">Take the export'
                '<span class="visually-hidden"> for request {}</span></a>\n      ',
                to_export(waiting.commenter_id),
                waiting.pk,
            )
        elif can_erase:
            answer = format_html(
                '<a class="btn btn-sm btn-danger" href="{}">Remove their details'
                '<span class="visually-hidden"> for request {}</span></a>\n      ',
                to_erase(waiting.commenter_id),
                waiting.pk,
            )
        else:
            answer = ""
        return format_html(
            '    <td><div class="d-flex flex-wrap gap-2">\n      {}'
            '<a class="btn btn-sm btn-outline-secondary" href="{}">Close without either'
            '<span class="visually-hidden">: request {}</span></a>\n    </div></td>\n',
            answer,
            to_close(waiting.pk),
            waiting.pk,
        )

    def row(waiting):
        return format_html(
            '<tr id="request-{}">\n'
            '    <th scope="row">{}{}</th>\n'
            '    <td><a href="{}" aria-label="Request {}">{}</a></td>\n'
            "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
            "    <td>{}</td>\n{}  </tr>",
            waiting.pk,
            short_day(waiting.due_on),
            days_left(waiting),
            to_request(waiting.pk),
            waiting.pk,
            waiting.pk,
            waiting.get_kind_display(),
            short_day(waiting.received_on),
            _commenter(waiting.commenter, to_commenter),
            waiting.reference or "none given",
            waiting.logged_by,
            buttons(waiting) if can_handle else "",
        )

    return _rows(requests, row)


@register.simple_tag
def closed_rows(requests):
    """The requests closed without an export or a removal, with why and whether in time."""
    to_request = addresses("moderation:rights_request")
    to_commenter = addresses("moderation:commenter")

    def row(done):
        if done.in_error:
            in_time = "Not counted"
        elif done.answered_in_time:
            in_time = "Yes"
        else:
            in_time = format_html(LATE + ", due by {}", "No", short_day(done.due_on))
        return format_html(
            '<tr id="request-{}">\n    <th scope="row">{}</th>\n    <td>{}</td>\n'
            "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
            "    <td>{}</td>\n    <td>{}</td>\n  </tr>",
            done.pk,
            _moment(done.closed_at),
            request_link(done, to_request),
            done.get_kind_display(),
            short_day(done.received_on),
            in_time,
            done.get_closure_display(),
            _commenter(done.commenter, to_commenter),
            done.closed_by,
        )

    return _rows(requests, row)


@register.simple_tag
def removal_rows(removals):
    """Each early removal of a commenter's details: when, for which request, whether in
    time, who decided, how much went and why."""
    to_request = addresses("moderation:rights_request")
    to_commenter = addresses("moderation:commenter")

    def row(removal):
        return format_html(
            '<tr>\n    <th scope="row">{}</th>\n    <td>{}</td>\n    <td>{}</td>\n'
            "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
            '    <td>{}</td>\n    <td class="text-break">{}</td>\n  </tr>',
            _moment(removal.at),
            request_link(_answered(removal), to_request),
            short_day(removal.received_on),
            within_a_month(removal),
            _commenter(removal.commenter, to_commenter),
            removal.user,
            removal.entries,
            removal.files,
            removal.reason,
        )

    return _rows(removals, row)


@register.simple_tag
def export_rows(exports):
    """Each subject access export: when, for which request, whether in time, whose, who
    took it and what it held."""
    to_request = addresses("moderation:rights_request")
    to_commenter = addresses("moderation:commenter")

    def row(export):
        return format_html(
            '<tr>\n    <th scope="row">{}</th>\n    <td>{}</td>\n    <td>{}</td>\n'
            "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n  </tr>",
            _moment(export.at),
            request_link(_answered(export), to_request),
            short_day(export.received_on) if export.received_on else "not recorded",
            within_a_month(export),
            _commenter(export.commenter, to_commenter) if export.commenter else "not recorded",
            export.user,
            export.detail or "not recorded",
        )

    return _rows(exports, row)
