"""Reads the moderation pages need: the log with its filters, reports, people's history."""

import base64
import binascii
import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts_requests.models import ManagedAccount, Platform
from moderation import rules
from moderation.models import (
    Action,
    AuthorTold,
    Category,
    Commenter,
    Entry,
    EntryAction,
    EntryCategory,
    EntryEvent,
    Erasure,
    EvidenceFile,
    ExportRecord,
    HateCrimeStrand,
    ManagementPlan,
    MonthlyCount,
    RightsRequest,
)
from moderation.models.commenter import display_handle, handle_key
from moderation.models.entry import SAFEGUARDING_WAITING
from moderation.models.evidence import AnswerDue
from portal.models import Concern, User

PAGE_SIZE = 50


def with_related(entries):
    """What a row of the log shows, fetched in a fixed number of queries."""
    return entries.select_related("account", "commenter", "moderator").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("order", "name")),
        Prefetch("action_rows", queryset=EntryAction.objects.order_by("id")),
    )


def authors_with_handle(user, handle):
    """The ids of the authors with this handle (on any platform) that ``user`` may read
    entries about."""
    key = handle_key(handle)
    if not key:
        return []
    return list(
        Commenter.objects.visible_to(user).filter(handle_key=key).values_list("pk", flat=True)
    )


def authors_named(user, ids):
    """The authors with these ids that ``user`` may read entries about, to name in the
    log's filter."""
    if not ids:
        return []
    return list(Commenter.objects.visible_to(user).filter(pk__in=ids).order_by("platform"))


def filtered(user, filters):
    """The entries this user may read that match the log's filters."""
    entries = Entry.objects.visible_to(user)
    if filters.get("account"):
        entries = entries.filter(account=filters["account"])
    elif filters.get("team"):
        entries = entries.filter(account__in=_team_accounts(filters["team"]))
    if filters.get("platform"):
        entries = entries.filter(platform=filters["platform"])
    if filters.get("category"):
        entries = entries.filter(
            Exists(
                EntryCategory.objects.filter(entry=OuterRef("pk"), category=filters["category"])
            )
        )
    if filters.get("action"):
        entries = entries.filter(
            Exists(EntryAction.objects.filter(entry=OuterRef("pk"), action=filters["action"]))
        )
    if filters.get("moderator"):
        entries = entries.filter(moderator=filters["moderator"])
    if filters.get("author_told"):
        entries = entries.filter(author_told=filters["author_told"])
    if filters.get("date_from"):
        entries = entries.filter(occurred_at__gte=_start_of(filters["date_from"]))
    if filters.get("date_to"):
        entries = entries.filter(
            occurred_at__lt=_start_of(filters["date_to"] + datetime.timedelta(days=1))
        )
    if filters.get("commenter"):
        entries = entries.filter(commenter_id__in=filters["commenter"])
    if filters.get("safeguarding") == "yes":
        entries = entries.filter(safeguarding=True)
    elif filters.get("safeguarding") == "waiting":
        entries = entries.filter(SAFEGUARDING_WAITING)
    elif filters.get("safeguarding") == "no":
        entries = entries.filter(safeguarding=False)
    return entries


def _team_accounts(team):
    """The team's account ids, read first so the log's account index serves each."""
    return list(ManagedAccount.objects.filter(team=team).values_list("pk", flat=True))


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# Keyset pagination: a page is "the PAGE_SIZE entries before (or after) this one" in
# (occurred_at, id) order, so page 20,000 costs what page 1 costs and nothing counts
# the whole table.


def encode_cursor(entry):
    raw = f"{entry.occurred_at.isoformat()}|{entry.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text):
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, _, pk = raw.partition("|")
        when = parse_datetime(moment)
        if when is None or when.tzinfo is None:
            return None
        return when, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


@dataclass
class LogPage:
    entries: list
    newer_cursor: str | None
    older_cursor: str | None
    is_first: bool


# The columns a row of the log shows, read as plain values: a page of model instances,
# with their related rows and the prefetches' own instances, costs several times what the
# fifty rows' values do.
LOG_ROW_COLUMNS = (
    "id",
    "occurred_at",
    "platform",
    "safeguarding",
    "hate_crime_strand",
    "author_told",
    "made_repeat_offender",
    "account__name",
    "commenter__handle",
    "moderator__first_name",
    "moderator__last_name",
    "moderator__username",
)

_PLATFORMS = dict(Platform.choices)
_TOLD = dict(AuthorTold.choices)
_STRANDS = dict(HateCrimeStrand.choices)
_ACTIONS = dict(Action.choices)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# An id no row has, put in an address and then replaced by each row's own.
_ANY_ID = 918273645


def addresses(name):
    """The address of the page ``name`` for any id, from one ``reverse()``: a list of
    rows links each of them without resolving the URL table for every one."""
    pattern = reverse(name, args=[_ANY_ID])
    return lambda pk: pattern.replace(str(_ANY_ID), str(pk), 1)


def short_day(day):
    """A day as the date filter's "j M Y" writes it, at a fraction of its cost per call."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


class LogRow:
    """What one row of the log shows, worked out once as plain strings and flags."""

    __slots__ = (
        "account",
        "actions",
        "categories",
        "handle",
        "hate_crime",
        "moderator",
        "occurred_at",
        "pk",
        "platform",
        "police",
        "repeat",
        "safeguarding",
        "told",
        "url",
        "when",
        "when_iso",
    )

    def __init__(self, row, categories, actions, address, zone):
        local = row["occurred_at"].astimezone(zone)
        self.pk = row["id"]
        self.occurred_at = row["occurred_at"]
        self.url = address(self.pk)
        self.when_iso = local.isoformat()
        # As the date filter's "j M Y, H:i" writes it.
        self.when = f"{short_day(local)}, {local:%H:%M}"
        self.safeguarding = row["safeguarding"]
        strand = row["hate_crime_strand"]
        self.hate_crime = _STRANDS.get(strand, strand) if strand else ""
        self.police = Action.POLICE in actions
        self.account = row["account__name"]
        self.platform = _PLATFORMS.get(row["platform"], row["platform"])
        self.handle = display_handle(row["commenter__handle"])
        self.repeat = row["made_repeat_offender"]
        self.categories = "; ".join(categories)
        self.actions = "; ".join(_ACTIONS.get(value, value) for value in actions)
        self.told = _TOLD.get(row["author_told"], row["author_told"])
        first, last = row["moderator__first_name"], row["moderator__last_name"]
        # As User.__str__ names them.
        self.moderator = f"{first} {last}".strip() or row["moderator__username"]


def categories_and_actions(ids):
    """The category names and action values of the entries ``ids``, in their display
    order: two queries, however many entries."""
    categories, actions = defaultdict(list), defaultdict(list)
    if ids:
        for entry_id, name in (
            EntryCategory.objects.filter(entry_id__in=ids)
            .order_by("category__order", "category__name")
            .values_list("entry_id", "category__name")
        ):
            categories[entry_id].append(name)
        for entry_id, action in (
            EntryAction.objects.filter(entry_id__in=ids)
            .order_by("id")
            .values_list("entry_id", "action")
        ):
            actions[entry_id].append(action)
    return categories, actions


def _log_rows(entries, *order, limit):
    rows = list(entries.order_by(*order).values(*LOG_ROW_COLUMNS)[:limit])
    categories, actions = categories_and_actions([row["id"] for row in rows])
    address = addresses("moderation:detail")
    zone = timezone.get_current_timezone()
    return [LogRow(row, categories[row["id"]], actions[row["id"]], address, zone) for row in rows]


def log_page(entries, *, after=None, before=None, size=PAGE_SIZE):
    """One page of ``entries``, newest first.

    ``after`` is the cursor of the last row of the page before (older rows follow it);
    ``before`` that of the first row of the page after (newer rows precede it).
    """
    after, before = decode_cursor(after), decode_cursor(before)
    if before:
        when, pk = before
        newer = entries.filter(occurred_at__gte=when).filter(
            Q(occurred_at__gt=when) | Q(pk__gt=pk)
        )
        rows = _log_rows(newer, "occurred_at", "id", limit=size + 1)
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        has_older = True
    else:
        page = entries
        if after:
            when, pk = after
            # The plain range on occurred_at lets the index start at the cursor; the rest
            # breaks ties between entries logged at the same moment.
            page = page.filter(occurred_at__lte=when).filter(
                Q(occurred_at__lt=when) | Q(pk__lt=pk)
            )
        rows = _log_rows(page, "-occurred_at", "-id", limit=size + 1)
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = after is not None
    return LogPage(
        entries=rows,
        newer_cursor=encode_cursor(rows[0]) if rows and has_newer else None,
        older_cursor=encode_cursor(rows[-1]) if rows and has_older else None,
        is_first=not has_newer,
    )


def entry_for_page(user, pk):
    return with_related(
        Entry.objects.visible_to(user).select_related(
            "reconsidered_by", "safeguarding_taken_by", "account__team"
        )
    ).get(pk=pk)


def entry_timeline(entry):
    return EntryEvent.objects.filter(entry=entry).select_related("actor").order_by("at", "id")


def entry_evidence(entry):
    return EvidenceFile.objects.filter(entry=entry).annotate(times=Count("downloads"))


def evidence_for_download(user, pk):
    return EvidenceFile.objects.select_related("entry").get(
        pk=pk, entry__in=Entry.objects.visible_to(user), removed_at__isnull=True
    )


# People who post


@dataclass
class NextStep:
    label: str
    detail: str


def next_step(commenter, now=None):
    """The next rung of the ladder for a repeat offender: tell them why, hide, block.

    A zero-tolerance breach in the window skips straight to blocking them.
    """
    now = now or timezone.now()
    window = datetime.timedelta(days=settings.MODERATION_REPEAT_WINDOW_DAYS)
    recent = Entry.objects.filter(commenter=commenter, occurred_at__gte=now - window)
    told = recent.filter(author_told__in=AuthorTold.told()).exists()
    actions = set(
        EntryAction.objects.filter(entry__in=recent).values_list("action", flat=True).distinct()
    )
    if Action.BLOCK not in actions and (
        EntryCategory.objects.filter(entry__in=recent, category__zero_tolerance=True).exists()
    ):
        return NextStep(
            "Block them",
            "One of their comments broke a zero-tolerance guideline: take it down and block "
            "them now, without working up the ladder.",
        )
    if not told:
        return NextStep(
            "Tell them why",
            "Message them privately with the guideline they broke and invite them to edit "
            "their comment so it can be reconsidered.",
        )
    if not actions & {Action.HIDE, Action.DELETE}:
        return NextStep(
            "Hide their comments", "Hide the comments that break the guidelines, and say why."
        )
    if Action.BLOCK not in actions:
        return NextStep(
            "Block them",
            "They have been told and their comments hidden; block or ban them from the account.",
        )
    return NextStep(
        "Agree a management plan",
        "They are already blocked. Agree a phased management plan, report them to the "
        "platform, or speak to the legal team or the police if it is more serious.",
    )


def commenter_for_page(user, pk):
    return Commenter.objects.visible_to(user).get(pk=pk)


def commenter_entries(user, commenter):
    return with_related(Entry.objects.visible_to(user).filter(commenter=commenter)).order_by(
        "-occurred_at", "-id"
    )


def reports_about(commenter):
    """The staff reports the commenter's entries were made from that still hold their
    link and words, oldest first."""
    return (
        Concern.objects.filter(moderation_entries__commenter=commenter, redacted_at__isnull=True)
        .distinct()
        .order_by("created_at", "pk")
    )


def erasure_summary(commenter):
    """What removing a commenter's details would take away, and what stops it, for the
    page that asks the head of communications to confirm."""
    entries = Entry.objects.filter(commenter=commenter)
    # Distinct: the join to the actions repeats an entry once for each of its actions.
    counts = entries.aggregate(
        total=Count("pk", distinct=True),
        with_details=Count("pk", distinct=True, filter=Q(personal_data_removed_at__isnull=True)),
        safeguarding=Count("pk", distinct=True, filter=Q(safeguarding=True)),
        police=Count("pk", distinct=True, filter=Q(action_rows__action=Action.POLICE)),
    )
    return {
        **counts,
        "cleared_before": counts["total"] - counts["with_details"],
        "files": EvidenceFile.objects.filter(entry__in=entries, removed_at__isnull=True).count(),
        "reports": reports_about(commenter).count(),
        **erasure_obstacles(commenter.pk),
    }


def erasure_obstacles(commenter_id):
    """What must be settled before a commenter's details can be removed early: the
    entries whose evidence is on legal hold (``held``, their ids), their open
    management plan (``open_plan``, or None) and their request for a copy of what is
    held that waits for its answer (``access_request``, or None): removing what it would
    be answered with would leave them nothing to be given."""
    return {
        "held": list(
            Entry.objects.filter(commenter_id=commenter_id, legal_hold=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "open_plan": ManagementPlan.objects.filter(
            commenter_id=commenter_id, status=ManagementPlan.Status.OPEN
        ).first(),
        "access_request": open_request(commenter_id, RightsRequest.Kind.ACCESS),
    }


def open_request(commenter, kind):
    """The commenter's (an instance or an id) request of ``kind`` that waits for its
    answer, or None: there is at most one. While a request for a copy waits, nothing
    about them is removed."""
    return RightsRequest.objects.open().filter(commenter=commenter, kind=kind).first()


def entries_past_retention(today):
    """Entries whose retention date has passed and that still hold the commenter's
    details, not on legal hold: what the retention job clears, unless a request for a
    copy about their commenter waits."""
    return Entry.objects.filter(
        legal_hold=False, personal_data_removed_at__isnull=True, evidence_retain_until__lt=today
    )


def kept_for_access_request(today=None):
    """For each request, as an annotation: how many of its commenter's entries passed
    their retention date while it waited and are kept only for it, which the next
    reminder sweep clears once it is answered or closed. 0 unless it is an open request
    for a copy."""
    kept = (
        entries_past_retention(today or timezone.localdate())
        .filter(commenter_id=OuterRef("commenter_id"))
        .order_by()
        .values("commenter_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Case(
        When(
            status=RightsRequest.Status.OPEN,
            kind=RightsRequest.Kind.ACCESS,
            then=Coalesce(Subquery(kept), 0),
        ),
        default=0,
    )


def subject_access_exports():
    """Every subject access export, newest first, with who took it, whose it was and the
    request it answered, if one was logged."""
    return ExportRecord.objects.filter(kind=ExportRecord.Kind.SUBJECT_ACCESS).select_related(
        "user", "commenter", "rights_request"
    )


def erasures():
    """Every early removal of a commenter's details, newest first, with the request it
    answered, if one was logged."""
    return Erasure.objects.select_related("user", "commenter", "rights_request")


def _named_by(rows, person):
    """``rows`` with ``person``, a user, read for their name alone."""
    return rows.select_related(person).defer(
        *(
            f"{person}__{field.name}"
            for field in User._meta.concrete_fields
            if field.name not in ("id", "first_name", "last_name", "username")
        )
    )


def open_rights_requests():
    """Every request about a person's data still waiting for its answer, soonest due
    first."""
    return _named_by(RightsRequest.objects.open().select_related("commenter"), "logged_by")


def rights_request_for_page(user):
    """The requests ``user`` may open, each with whom it is about, who logged and closed
    it, the export or removal that answered it, and how many entries are kept only for
    it (``kept_for_it``)."""
    return (
        RightsRequest.objects.visible_to(user)
        .select_related("commenter", "logged_by", "closed_by", "export__user", "erasure__user")
        .annotate(kept_for_it=kept_for_access_request())
    )


@dataclass
class Correction:
    at: object
    by: object
    why: str
    changes: list  # (what, before, after), each a short text


def rights_request_corrections(rights_request):
    """Each correction of ``rights_request``, oldest first: when, by whom, why, and what
    it said before and after, read from its history in one query."""
    versions = list(
        RightsRequest.history.filter(id=rights_request.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    shown = (
        ("Received", "received_on", short_day),
        ("Answer due by", "due_on", short_day),
        ("Reference", "reference", lambda value: value or "none"),
    )
    found = []
    for before, after in itertools.pairwise(versions):
        reason = after.history_change_reason or ""
        if not reason.startswith(RightsRequest.CORRECTED):
            continue
        changes = [
            (what, show(getattr(before, name)), show(getattr(after, name)))
            for what, name, show in shown
            if getattr(before, name) != getattr(after, name)
        ]
        found.append(
            Correction(
                at=after.history_date,
                by=after.history_user,
                why=reason.removeprefix(RightsRequest.CORRECTED),
                changes=changes,
            )
        )
    return found


def rights_requests_for_export():
    """Every request about a person's data, latest received first, with the staff who
    logged and closed it read for their names alone. Whom it is about is not read."""
    rows = _named_by(_named_by(RightsRequest.objects.all(), "logged_by"), "closed_by")
    return rows.order_by("-received_on", "-pk")


def closed_rights_requests():
    """Requests closed without an export or a removal, latest first."""
    closed = RightsRequest.objects.filter(status=RightsRequest.Status.CLOSED)
    return _named_by(closed.select_related("commenter"), "closed_by").order_by("-closed_at", "-pk")


def _year(counted):
    """The last year's figures from an aggregate's ``total``, ``in_time`` and
    ``not_recorded``."""
    total, in_time = counted.pop("total"), counted.pop("in_time")
    not_recorded = counted.pop("not_recorded", 0)
    return {
        "total": total,
        "in_time": in_time,
        "late": total - in_time - not_recorded,
        "not_recorded": not_recorded,
    }


def _answers_counted(answers, since):
    """How many of ``answers`` (exports or removals) there are, and since ``since`` how
    many came within the month allowed, later, or with no day received, as each one's
    ``answered_in_time`` says: the day answered taken on the trust's clock."""
    recent = Q(at__gte=since)
    return answers.order_by().aggregate(
        all=Count("pk"),
        total=Count("pk", filter=recent),
        in_time=Count("pk", filter=recent & Q(at__date__lte=AnswerDue("received_on"))),
        not_recorded=Count("pk", filter=recent & Q(received_on__isnull=True)),
    )


def rights_record_figures(since):
    """What the information rights record counts, in three queries, one a table.

    Returns how many requests are waiting and how many removals, exports and requests
    closed without either there are in all (the sizes of its lists), and how many
    removals, exports and closed requests there have been since ``since`` (a moment),
    with how many came within the calendar month allowed from the day the request was
    received, for the information governance figures, and how many of the requests
    closed since then were logged in error (``in_error``), which those figures leave out.
    """
    Status = RightsRequest.Status
    # A closed request keeps its due day: the day closed is taken on the trust's clock,
    # as ``RightsRequest.answered_in_time`` takes it. One logged in error had nothing to
    # answer, so it is counted on its own rather than as in time or late.
    closed_since = Q(status=Status.CLOSED, closed_at__gte=since)
    in_error = Q(closure=RightsRequest.Closure.ERROR)
    closed_recently = closed_since & ~in_error
    requests = RightsRequest.objects.order_by().aggregate(
        waiting=Count("pk", filter=Q(status=Status.OPEN)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        total=Count("pk", filter=closed_recently),
        in_time=Count("pk", filter=closed_recently & Q(closed_at__date__lte=F("due_on"))),
        in_error=Count("pk", filter=closed_since & in_error),
    )
    exports = _answers_counted(
        ExportRecord.objects.filter(kind=ExportRecord.Kind.SUBJECT_ACCESS), since
    )
    removals = _answers_counted(Erasure.objects.all(), since)
    sizes = {
        "waiting": requests.pop("waiting"),
        "closed": requests.pop("closed"),
        "exports": exports.pop("all"),
        "removals": removals.pop("all"),
    }
    in_error = requests.pop("in_error")
    year = {
        "exports": _year(exports),
        "removals": _year(removals),
        "closed": _year(requests),
        "in_error": in_error,
    }
    return sizes, year


def rights_answered(since):
    """The information rights record's figures for the time since ``since``."""
    return rights_record_figures(since)[1]


def commenter_plans(commenter):
    return (
        ManagementPlan.objects.filter(commenter=commenter)
        .select_related("owner", "created_by")
        .prefetch_related("steps__done_by")
    )


def repeat_offenders(user):
    """Repeat offenders with at least one entry ``user`` may read, each with how many of
    their entries that user may read (the safeguarding lead: the flagged ones alone)."""
    counted = (
        Count("entries")
        if rules.can_read_everything(user)
        else Count("entries", filter=Q(entries__in=Entry.objects.visible_to(user).values("pk")))
    )
    return (
        Commenter.objects.visible_to(user)
        .filter(repeat_offender_since__isnull=False)
        .annotate(entry_count=counted)
        .order_by("-repeat_offender_since", "-pk")
    )


def rights_waiting():
    """How many requests about people's data wait for an answer, and the soonest day one
    is due (None when none waits), in one query on the open requests' index."""
    return RightsRequest.objects.open().aggregate(count=Count("pk"), soonest=Min("due_on"))


def entries_keeping_details(commenter_id):
    """The commenter's entries that still hold their details: while there is one, or an
    open management plan, their handle is kept."""
    return Entry.objects.filter(commenter_id=commenter_id, personal_data_removed_at__isnull=True)


def repeat_offender_count():
    return Commenter.objects.filter(repeat_offender_since__isnull=False).count()


def open_plans_due(today=None):
    today = today or timezone.localdate()
    return ManagementPlan.objects.filter(
        status=ManagementPlan.Status.OPEN, review_on__lte=today
    ).select_related("commenter", "owner")


# Reports


# How many accounts the report's per-account tables show: the busiest of the period.
REPORT_ACCOUNTS = 15


def report(user, *, since, until, team=None, account=None):
    """Counts by category and action, per month and per account, and the urgent routes.

    Across every account, or a team's, the counts come from the monthly rollup
    (``MonthlyCount``), so the report costs the same for a thousand entries or a
    million; for one account they are counted from the log itself, which is small for it.
    """
    first, last = since.replace(day=1), until.replace(day=1)
    if account is not None:
        entries = Entry.objects.visible_to(user).filter(
            occurred_at__gte=_start_of(since),
            occurred_at__lt=_start_of(until + datetime.timedelta(days=1)),
            account=account,
        )
        raw = _report_from_log(entries)
        raw["by_account_category"] = list(
            EntryCategory.objects.filter(entry__in=entries)
            .values("entry__account__name", "entry__account__platform", "category__name")
            .annotate(n=Count("id"))
        )
        raw["by_account_action"] = list(
            EntryAction.objects.filter(entry__in=entries)
            .values("entry__account__name", "entry__account__platform", "action")
            .annotate(n=Count("id"))
        )
    else:
        counts = MonthlyCount.objects.filter(month__gte=first, month__lte=last)
        if not rules.can_read_everything(user):
            counts = counts.filter(safeguarding=True)
        names = dict(Category.objects.values_list("pk", "name"))
        if team is not None:
            busiest = _team_accounts(team)
            # Accounts' own counts have no hate-crime strands: those few are counted from
            # the log, over the same whole months as the counts.
            strands = (
                Entry.objects.visible_to(user)
                .filter(
                    account__in=busiest,
                    occurred_at__gte=_start_of(first),
                    occurred_at__lt=_start_of(_month_after(last)),
                )
                .exclude(hate_crime_strand="")
            )
            raw = _report_from_counts(counts.filter(account_id__in=busiest), names, strands)
        else:
            raw = _report_from_counts(
                counts.filter(account_id=MonthlyCount.ALL_ACCOUNTS), names, None
            )
            busiest = list(
                counts.exclude(account_id=MonthlyCount.ALL_ACCOUNTS)
                .filter(dimension=MonthlyCount.Dimension.ENTRIES)
                .values("account_id")
                .annotate(total=Sum("n"))
                .order_by("-total", "account_id")
                .values_list("account_id", flat=True)[:REPORT_ACCOUNTS]
            )
        raw.update(_busiest_from_counts(counts, busiest, names))
    raw["months"] = _months(since, until)
    raw["busiest_only"] = account is None and team is None
    return raw


def _month_after(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _has_action(action):
    return Q(Exists(EntryAction.objects.filter(entry=OuterRef("pk"), action=action)))


def _report_from_log(entries):
    tz = timezone.get_current_timezone()
    urgent = (
        entries.annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month")
        .annotate(
            entries=Count("id"),
            safeguarding=Count("id", filter=Q(safeguarding=True)),
            hate_crime=Count("id", filter=~Q(hate_crime_strand="")),
            police=Count("id", filter=_has_action(Action.POLICE)),
            incidents=Count("id", filter=_has_action(Action.INCIDENT)),
        )
    )
    return {
        "by_month_category": list(
            EntryCategory.objects.filter(entry__in=entries)
            .annotate(month=TruncMonth("entry__occurred_at", tzinfo=tz))
            .values("month", "category__name")
            .annotate(n=Count("id"))
        ),
        "by_month_action": list(
            EntryAction.objects.filter(entry__in=entries)
            .annotate(month=TruncMonth("entry__occurred_at", tzinfo=tz))
            .values("month", "action")
            .annotate(n=Count("id"))
        ),
        "urgent": list(urgent),
        "strands": list(
            entries.exclude(hate_crime_strand="")
            .values("hate_crime_strand")
            .annotate(n=Count("id"))
        ),
    }


def _report_from_counts(counts, names, strands):
    """The same shapes as ``_report_from_log``, summed from the monthly rollup.

    ``strands``, when given, are the entries whose hate-crime strands to count from the
    log (the counts of single accounts do not hold them).
    """
    rows = list(counts.values("month", "dimension", "value", "safeguarding").annotate(n=Sum("n")))
    if strands is not None:
        tz = timezone.get_current_timezone()
        rows.extend(
            {
                "month": timezone.localtime(row["m"], tz).date(),
                "dimension": MonthlyCount.Dimension.STRAND,
                "value": row["hate_crime_strand"],
                "safeguarding": False,
                "n": row["n"],
            }
            for row in strands.values("hate_crime_strand", m=TruncMonth("occurred_at", tzinfo=tz))
            .annotate(n=Count("id"))
            .order_by()
        )
    by_month_category, by_month_action, urgent, strands = [], [], {}, {}
    for row in rows:
        month, dimension, value, n = row["month"], row["dimension"], row["value"], row["n"]
        if not n:
            continue
        slot = urgent.setdefault(
            month,
            {
                "month": month,
                "entries": 0,
                "safeguarding": 0,
                "hate_crime": 0,
                "police": 0,
                "incidents": 0,
            },
        )
        if dimension == MonthlyCount.Dimension.ENTRIES:
            slot["entries"] += n
            if row["safeguarding"]:
                slot["safeguarding"] += n
        elif dimension == MonthlyCount.Dimension.CATEGORY:
            name = names.get(int(value))
            if name:
                by_month_category.append({"month": month, "category__name": name, "n": n})
        elif dimension == MonthlyCount.Dimension.ACTION:
            by_month_action.append({"month": month, "action": value, "n": n})
            if value == Action.POLICE:
                slot["police"] += n
            elif value == Action.INCIDENT:
                slot["incidents"] += n
        elif dimension == MonthlyCount.Dimension.STRAND:
            slot["hate_crime"] += n
            strands[value] = strands.get(value, 0) + n
    return {
        "by_month_category": by_month_category,
        "by_month_action": by_month_action,
        "urgent": list(urgent.values()),
        "strands": [{"hate_crime_strand": k, "n": v} for k, v in strands.items()],
    }


def _busiest_from_counts(counts, busiest, names):
    """The busiest accounts' entries by category and by action, from their own counts."""
    accounts = {
        row["pk"]: row
        for row in ManagedAccount.objects.filter(pk__in=busiest).values("pk", "name", "platform")
    }
    by_category, by_action = [], []
    rows = (
        counts.filter(
            account_id__in=busiest,
            dimension__in=[MonthlyCount.Dimension.CATEGORY, MonthlyCount.Dimension.ACTION],
        )
        .values("account_id", "dimension", "value")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in rows:
        account = accounts.get(row["account_id"])
        if account is None or not row["n"]:
            continue
        shown = {"entry__account__name": account["name"], "n": row["n"]}
        shown["entry__account__platform"] = account["platform"]
        if row["dimension"] == MonthlyCount.Dimension.CATEGORY:
            name = names.get(int(row["value"]))
            if name:
                by_category.append({**shown, "category__name": name})
        else:
            by_action.append({**shown, "action": row["value"]})
    return {"by_account_category": by_category, "by_account_action": by_action}


def _months(since, until):
    months = []
    day = since.replace(day=1)
    while day <= until:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


_ACCOUNT_COUNTS_SQL = """
WITH picked AS ({entries})
SELECT 'total', '', COUNT(*) FROM picked
UNION ALL
SELECT 'category', c.name, COUNT(*)
FROM {entry_category} ec JOIN {category} c ON c.id = ec.category_id
WHERE ec.entry_id IN (SELECT id FROM picked)
GROUP BY c.name
UNION ALL
SELECT 'action', ea.action, COUNT(*)
FROM {entry_action} ea
WHERE ea.entry_id IN (SELECT id FROM picked)
GROUP BY ea.action
ORDER BY 1, 3 DESC, 2
"""


def account_counts(user, account, *, since):
    """Counts by category and by action for one account since a date.

    One plain statement returns the total and both tables: the account page shows them
    to every reader of the log, and three ORM queries cost more to build than to run.
    Which entries count is still decided by ``Entry.objects.visible_to``.
    """
    entries = Entry.objects.visible_to(user).filter(account=account, occurred_at__gte=since)
    try:
        sql, params = entries.values("id").query.sql_with_params()
    except EmptyResultSet:  # the user may read none of them
        return {"total": 0, "categories": [], "actions": []}
    quote = connection.ops.quote_name
    statement = _ACCOUNT_COUNTS_SQL.format(
        entries=sql,
        entry_category=quote(EntryCategory._meta.db_table),
        category=quote(Category._meta.db_table),
        entry_action=quote(EntryAction._meta.db_table),
    )
    total, by = 0, {"category": [], "action": []}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for kind, value, n in cursor.fetchall():
            if kind == "total":
                total = n
            else:
                by[kind].append((value, n))
    return {
        "total": total,
        "categories": [{"category__name": name, "n": n} for name, n in by["category"]],
        "actions": [{"label": Action(value).label, "n": n} for value, n in by["action"]],
    }
