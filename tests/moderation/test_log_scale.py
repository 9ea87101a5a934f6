"""The log stays quick at a million rows: every page is an index walk, never a sort or
a scan of the whole table. Proven on PostgreSQL's own plans over a large table."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from moderation import selectors
from moderation.models import Commenter, Entry
from tests import factories

# Enough rows that a sequential scan or a sort would be the planner's worst choice.
ROWS = 60_000


@pytest.fixture
def big_log(require_postgres, comms, team):
    account = factories.managed_account(team=team, name="Busy page")
    quiet = factories.managed_account(team=team, name="Quiet page")
    person = Commenter.objects.create(
        platform=account.platform, handle="@someone", first_seen_at=timezone.now()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO moderation_entry (
                account_id, platform, occurred_at, post_url, comment_url, commenter_id,
                excerpt, author_told, not_told_reason, hate_crime_strand, safeguarding,
                notes, moderator_id, made_repeat_offender, evidence_retain_until, legal_hold,
                legal_hold_reason, reconsideration, created_at, updated_at
            )
            SELECT
                CASE WHEN n %% 50 = 0 THEN %s ELSE %s END, 'facebook',
                now() - (n || ' minutes')::interval, '', '', %s, 'text', 'not_yet', '', '',
                n %% 97 = 0, '', %s, false, current_date + 400, false, '', '', now(), now()
            FROM generate_series(1, %s) AS n
            """,
            [quiet.pk, account.pk, person.pk, comms.pk, ROWS],
        )
        cursor.execute("ANALYZE moderation_entry")
    return {"account": account, "quiet": quiet, "person": person}


def plan(queryset):
    return queryset.explain()


def assert_index_walk(text):
    assert "Seq Scan on moderation_entry" not in text, text
    assert "Sort" not in text.replace("Sort Key", ""), text
    assert "Index Scan" in text or "Index Only Scan" in text, text


@pytest.mark.services
def test_every_page_of_the_log_is_an_index_walk(big_log, comms):
    entries = selectors.filtered(comms, {})
    first = selectors.with_related(entries).order_by("-occurred_at", "-id")[:51]
    text = plan(first)
    assert_index_walk(text)
    assert "entry_log_idx" in text

    # Deep in the log, from a cursor: the index starts at the cursor.
    middle = Entry.objects.order_by("-occurred_at", "-id")[ROWS // 2]
    after = selectors.encode_cursor(middle)
    page = selectors.log_page(entries, after=after)
    assert len(page.entries) == selectors.PAGE_SIZE
    assert page.entries[0].occurred_at <= middle.occurred_at
    when, pk = selectors.decode_cursor(after)
    deep = (
        entries.filter(occurred_at__lte=when)
        .filter(Q(occurred_at__lt=when) | Q(pk__lt=pk))
        .order_by("-occurred_at", "-id")[:51]
    )
    text = plan(deep)
    assert_index_walk(text)
    assert "Index Cond" in text and "occurred_at <=" in text


@pytest.mark.services
def test_filtered_pages_use_an_index_too(big_log, comms):
    cases = [
        ({"account": big_log["quiet"]}, "entry_account_idx"),
        ({"safeguarding": "yes"}, "entry_safeguarding_idx"),
        ({"commenter": [big_log["person"].pk]}, None),
        ({"date_from": timezone.localdate() - datetime.timedelta(days=3)}, None),
    ]
    for filters, index in cases:
        query = selectors.filtered(comms, filters).order_by("-occurred_at", "-id")[:51]
        text = plan(query)
        assert_index_walk(text)
        if index:
            assert index in text, text
