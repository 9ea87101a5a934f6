import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation import selectors
from moderation.models import Action, Entry, ExportRecord, HateCrimeStrand
from portal.csvsafe import neutralise
from tests import factories
from tests.moderation.helpers import bulk_entries, category, log_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return factories.managed_account(team=team, name="Perinatal page")


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_log_is_newest_first_and_pages_by_keyset_both_ways(comms, account, as_user):
    rows = bulk_entries(account, comms, 120)
    # Two entries at the very same moment must still page in a stable order.
    Entry.objects.filter(pk=rows[50].pk).update(occurred_at=rows[49].occurred_at)
    expected = list(Entry.objects.order_by("-occurred_at", "-id").values_list("pk", flat=True))
    client = as_user(comms)
    seen, url, pages = [], reverse("moderation:log"), []
    while url:
        page = client.get(url).context["page"]
        pages.append(page)
        seen.extend(e.pk for e in page.entries)
        url = (
            f"{reverse('moderation:log')}?after={page.older_cursor}" if page.older_cursor else None
        )
    assert seen == expected
    assert [len(p.entries) for p in pages] == [50, 50, 20]
    # And back again from the last page.
    back = client.get(f"{reverse('moderation:log')}?before={pages[-1].newer_cursor}")
    assert [e.pk for e in back.context["page"].entries] == expected[50:100]


def test_a_bad_cursor_shows_the_first_page(comms, account, as_user):
    bulk_entries(account, comms, 3)
    response = as_user(comms).get(reverse("moderation:log") + "?after=not-a-cursor!")
    assert response.status_code == 200
    assert len(response.context["page"].entries) == 3


def test_the_log_page_never_counts_the_whole_table(comms, account, as_user):
    bulk_entries(account, comms, 5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        as_user(comms).get(reverse("moderation:log"))
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if "moderation_" in sql]


@pytest.mark.parametrize("size", [5, 60])
def test_the_log_query_count_does_not_grow_with_rows(
    comms, account, as_user, size, django_assert_max_num_queries
):
    bulk_entries(account, comms, size)
    client = as_user(comms)
    client.get(reverse("moderation:log"))  # warm the session and the organisation profile
    # Session, user, permissions, one page of entries and its two prefetches, navigation,
    # the filter form's three lists, the session save: the same at any size.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("moderation:log"))
    assert len(response.context["page"].entries) == min(size, 50)


@pytest.mark.parametrize("size", [5, 60])
def test_the_person_page_query_count_does_not_grow_with_rows(
    comms, account, as_user, size, django_assert_max_num_queries
):
    rows = bulk_entries(account, comms, size, handle="many")
    client = as_user(comms)
    client.get(rows[0].commenter.get_absolute_url())
    # One of them counts the person's entries for the pages; one finds the requests about
    # their data still open.
    with django_assert_max_num_queries(16):
        client.get(rows[0].commenter.get_absolute_url())


@pytest.mark.parametrize("size", [5, 60])
def test_the_export_query_count_does_not_grow_with_rows(
    comms, account, as_user, size, django_assert_max_num_queries
):
    bulk_entries(account, comms, size)
    client = as_user(comms)
    with django_assert_max_num_queries(12):
        rows = _csv(client.get(reverse("moderation:export")))
    assert len(rows) == size + 1


def test_each_filter_narrows_the_log(comms, comms2, team, account, as_user):
    other = factories.managed_account(team=team, name="Other page", platform="instagram")
    a = log_entry(comms, account, handle="@alpha", categories=[category("spam-bots")])
    b = log_entry(
        comms2, other, handle="@beta", actions=[Action.POLICE], author_told="public_reply"
    )
    c = log_entry(
        comms,
        account,
        handle="@gamma",
        safeguarding=True,
        occurred_at=timezone.now() - datetime.timedelta(days=20),
    )
    client = as_user(comms)

    def shown(**query):
        response = client.get(reverse("moderation:log"), query)
        assert response.status_code == 200
        return {e.pk for e in response.context["page"].entries}

    assert shown() == {a.pk, b.pk, c.pk}
    assert shown(account=other.pk) == {b.pk}
    assert shown(platform="instagram") == {b.pk}
    assert shown(category=category("spam-bots").pk) == {a.pk}
    assert shown(action=Action.POLICE) == {b.pk}
    assert shown(moderator=comms2.pk) == {b.pk}
    assert shown(commenter=a.commenter_id) == {a.pk}
    assert shown(commenter=[a.commenter_id, c.commenter_id]) == {a.pk, c.pk}
    assert shown(commenter="not-a-number") == {a.pk, b.pk, c.pk}
    assert shown(handle="@gamma") == {a.pk, b.pk, c.pk}  # a handle is no filter
    assert shown(safeguarding="yes") == {c.pk}
    assert shown(safeguarding="no") == {a.pk, b.pk}
    assert shown(safeguarding="waiting") == {c.pk}
    Entry.objects.filter(pk=c.pk).update(safeguarding_taken_at=timezone.now())
    assert shown(safeguarding="waiting") == set()
    Entry.objects.filter(pk=c.pk).update(safeguarding_taken_at=None)
    # The authors still to be told why, to follow up.
    assert shown(author_told="not_yet") == {a.pk, c.pk}
    assert shown(author_told="public_reply") == {b.pk}
    refused = client.get(reverse("moderation:log"), {"author_told": "maybe"})
    assert "Select a valid choice" in refused.content.decode()
    before = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert shown(date_to=before) == {c.pk}
    assert shown(date_from=before) == {a.pk, b.pk}


def test_the_account_list_holds_the_chosen_teams_accounts(comms, team, account, as_user):
    elsewhere = factories.managed_account(
        team=factories.TeamFactory(name="Estates"), name="Estates page"
    )
    client = as_user(comms)

    def offered(**query):
        form = client.get(reverse("moderation:log"), query).context["form"]
        return {label for value, label in form["account"].field.choices if value}

    # No team yet: the list waits for one rather than listing every account.
    assert offered() == set()
    assert offered(team=team.pk) == {"Perinatal page (Facebook)"}
    page = client.get(reverse("moderation:log")).content.decode()
    assert '<label class="form-label" for="id_account">Account</label>' in page
    assert '<label class="form-label" for="id_team">Team</label>' in page
    assert "Choose a team and press &#x27;Show entries&#x27; to list its accounts here." in page
    assert elsewhere.name not in offered(team=team.pk)


def test_a_link_to_one_account_chooses_its_team_too(comms, team, account, as_user):
    response = as_user(comms).get(reverse("moderation:log"), {"account": account.pk})
    form = response.context["form"]
    assert form.cleaned_data["team"] == team
    assert form.cleaned_data["account"] == account
    assert f'<option value="{account.pk}" selected>' in response.content.decode()


def test_an_account_left_chosen_when_the_team_changes_is_dropped(comms, team, account, as_user):
    estates = factories.TeamFactory(name="Estates")
    theirs = factories.managed_account(team=estates, name="Estates page")
    mine = log_entry(comms, account, handle="@mine")
    other = log_entry(comms, theirs, handle="@theirs")
    response = as_user(comms).get(
        reverse("moderation:log"), {"team": estates.pk, "account": account.pk}
    )
    assert {e.pk for e in response.context["page"].entries} == {other.pk}
    assert response.context["form"].cleaned_data["account"] is None
    shown = as_user(comms).get(reverse("moderation:log"), {"team": team.pk})
    assert {e.pk for e in shown.context["page"].entries} == {mine.pk}


def test_an_account_the_user_cannot_see_is_refused_as_before(comms, as_user):
    response = as_user(comms).get(reverse("moderation:log"), {"account": 999999})
    assert response.context["form"].errors["account"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_a_row_shows_what_was_done_its_flags_and_escapes_what_people_typed(
    comms, account, as_user
):
    entry = log_entry(
        comms,
        account,
        handle="<b>loud</b>",
        safeguarding=True,
        hate_crime_strand=HateCrimeStrand.RACE,
        actions=[Action.HIDE, Action.POLICE],
        categories=[category("spam-bots")],
    )
    Entry.objects.filter(pk=entry.pk).update(made_repeat_offender=True)
    page = as_user(comms).get(reverse("moderation:log")).content.decode()
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    when = timezone.localtime(entry.occurred_at)
    assert f'<a href="{entry.get_absolute_url()}">' in row
    assert f'<time datetime="{when.isoformat()}">{when:%-d %b %Y, %H:%M}</time>' in row
    assert f'<span class="visually-hidden"> entry {entry.pk}</span>' in row
    assert ">Safeguarding</span>" in row
    assert ">Hate crime: Race</span>" in row
    assert ">Police</span>" in row
    assert "&lt;b&gt;loud&lt;/b&gt;" in row
    assert "<b>loud</b>" not in row
    assert ">Repeat</span>" in row
    assert "Perinatal page<br>" in row
    assert "<td>Hid the comment; Forwarded to the police</td>" in row
    assert f"<td>{comms}</td>" in row


def test_dates_the_wrong_way_round_are_explained(comms, as_user):
    response = as_user(comms).get(
        reverse("moderation:log"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "This is before the &#x27;From&#x27; date." in response.content.decode()


def test_the_csv_export_holds_what_the_filter_shows_redacted_and_neutralised(
    comms, auditor, team, account, as_user
):
    other = factories.managed_account(team=team, name="=HYPERLINK(evil)", platform="x")
    shown = log_entry(
        comms, account, handle="@shown", excerpt="=cmd|' /C calc'!A0 and jo@example.com"
    )
    Entry.objects.filter(pk=shown.pk).update(excerpt="=cmd|' /C calc'!A0 and jo@example.com")
    log_entry(comms, other, handle="+hidden")
    response = as_user(auditor).get(reverse("moderation:export"), {"account": account.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    assert response.streaming
    rows = _csv(response)
    assert rows[0][0] == "Entry"
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Entry"] == str(shown.pk)
    assert row["Author's handle"] == "'@shown"
    assert row["Excerpt (personal data removed)"] == "'=cmd|' /C calc'!A0 and [e-mail removed]"
    assert row["Guidelines breached"] == "Abuse of staff or the public"
    everything = _csv(as_user(auditor).get(reverse("moderation:export")))
    assert {r[2] for r in everything[1:]} == {"Perinatal page", "'=HYPERLINK(evil)"}
    assert ExportRecord.objects.filter(user=auditor, kind="log_csv").count() == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-2", "'-2"),
        ("@handle", "'@handle"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (None, ""),
        (7, "7"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_the_safeguarding_lead_exports_only_safeguarding_entries(
    comms, safeguarding_lead, account, as_user
):
    log_entry(comms, account, handle="@plain")
    flagged = log_entry(comms, account, handle="@flagged", safeguarding=True)
    rows = _csv(as_user(safeguarding_lead).get(reverse("moderation:export")))
    assert [r[0] for r in rows[1:]] == [str(flagged.pk)]


def test_the_cursor_round_trips():
    entry = Entry(pk=41, occurred_at=timezone.now())
    assert selectors.decode_cursor(selectors.encode_cursor(entry)) == (entry.occurred_at, 41)
    assert selectors.decode_cursor("@@@") is None
    assert selectors.decode_cursor("") is None


@pytest.mark.parametrize("number", ["\u00b2", "\u0663", "1\u00b9"])
def test_a_digit_that_is_not_a_plain_number_is_refused_not_a_server_error(
    number, comms, account, as_user
):
    """ "²" and "٣" are digits to str.isdigit() but int() refuses or reads them: an
    identifier in a link must be plain 0-9."""
    client = as_user(comms)
    for params in ({"account": number}, {"team": number}, {"team": number, "account": "1"}):
        response = client.get(reverse("moderation:log"), params)
        assert response.status_code == 200, params
    response = client.get(reverse("moderation:create"), {"concern": number})
    assert response.status_code == 404


def test_finding_an_author_by_handle_keeps_the_handle_out_of_every_address(
    comms, comms2, account, as_user
):
    """The handle travels in a POST; the log it leads to names the author by id, with the
    other filters kept, and so does its CSV link."""
    other_platform = factories.managed_account(
        team=account.team, name="Other page", platform="instagram"
    )
    a = log_entry(comms, account, handle="@Alpha_One")
    also_a = log_entry(comms, other_platform, handle="alpha_one")
    log_entry(comms2, account, handle="@beta")
    client = as_user(comms)
    response = client.post(
        reverse("moderation:find_author"),
        {"handle": " ALPHA_ONE ", "keep": f"moderator={comms.pk}&after=abc"},
    )
    assert response.status_code == 302
    assert "alpha" not in response["Location"].lower()
    page = client.get(response["Location"])
    assert {e.pk for e in page.context["page"].entries} == {a.pk, also_a.pk}
    html = page.content.decode()
    assert "Entries about <strong" in html and "Show every author" in html
    assert f"moderator={comms.pk}" in response["Location"]
    assert "after=" not in response["Location"]
    export = html.split('href="/moderation/export.csv')[1].split('"')[0]
    assert "commenter=" in export and "alpha" not in export.lower()


def test_an_author_not_found_says_so_and_keeps_what_was_typed(comms, account, as_user):
    log_entry(comms, account, handle="@alpha")
    response = as_user(comms).post(
        reverse("moderation:find_author"), {"handle": "@nobody", "keep": "safeguarding=yes"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "No one with that handle is in the entries you can read" in html
    assert 'value="@nobody"' in html
    assert 'value="safeguarding=yes"' in html
    # Drawn at the find-author address, the page's filter and its links still go to the log.
    log = reverse("moderation:log")
    assert f'<form method="get" action="{log}"' in html
    assert 'href="?' not in html
    empty = as_user(comms).post(reverse("moderation:find_author"), {"handle": ""})
    assert "Enter the handle of the author to find." in empty.content.decode()


def test_finding_an_author_never_reaches_entries_the_reader_may_not_read(
    comms, account, safeguarding_lead, as_user
):
    """The safeguarding lead reads safeguarding entries only: an author with none of
    those is not found for them, and their ids in the address show nothing."""
    plain = log_entry(comms, account, handle="@plain_author")
    client = as_user(safeguarding_lead)
    response = client.post(reverse("moderation:find_author"), {"handle": "@plain_author"})
    assert response.status_code == 400
    shown = client.get(reverse("moderation:log"), {"commenter": plain.commenter_id})
    assert list(shown.context["page"].entries) == []
    assert "plain_author" not in shown.content.decode()


@pytest.mark.parametrize("role", ["manager", "member", "staff"])
def test_only_log_readers_find_authors(people, role, as_user):
    response = as_user(people[role]).post(reverse("moderation:find_author"), {"handle": "@x"})
    assert response.status_code == 403


def test_the_log_drawn_after_a_failed_search_pages_on_the_log_with_its_filters(
    comms, account, as_user
):
    bulk_entries(account, comms, 60)
    response = as_user(comms).post(
        reverse("moderation:find_author"), {"handle": "@nobody", "keep": f"account={account.pk}"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    older = re.search(r'href="([^"]*after=[^"]*)"', html).group(1).replace("&amp;", "&")
    assert older.startswith(reverse("moderation:log") + "?")
    assert f"account={account.pk}" in older
    page = as_user(comms).get(older)
    assert page.status_code == 200 and len(page.context["page"].entries) == 10
