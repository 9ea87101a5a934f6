import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from moderation.models import Action, HateCrimeStrand
from tests import factories
from tests.moderation.helpers import bulk_entries, category, log_entry

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_report_counts_by_category_and_action_per_month_and_per_account(comms, team, as_user):
    first = factories.managed_account(team=team, name="First page")
    second = factories.managed_account(team=team, name="Second page", platform="x")
    log_entry(comms, first, categories=[category("abuse")], actions=[Action.HIDE])
    log_entry(
        comms,
        second,
        categories=[category("abuse"), category("hateful-discriminatory")],
        actions=[Action.DELETE, Action.POLICE],
        hate_crime_strand=HateCrimeStrand.RELIGION,
        notes="Not blocked: the police are tracing the account.",
    )
    log_entry(
        comms,
        second,
        categories=[category("safeguarding-concern")],
        actions=[Action.SAFEGUARDING],
        incident_reference="W-2026-0007",
    )
    response = as_user(comms).get(reverse("moderation:report"))
    report = response.context["report"]
    this_month = timezone.localdate().strftime("%b %Y")
    assert report["month_labels"][-1] == this_month
    assert len(report["month_labels"]) == 12
    by_category = {row["label"]: row for row in report["category_by_month"]}
    assert by_category["Abuse of staff or the public"]["counts"][-1] == 2
    assert by_category["Abuse of staff or the public"]["total"] == 2
    by_action = {row["label"]: row["total"] for row in report["action_by_month"]}
    assert by_action == {
        "Hid the comment": 1,
        "Deleted the comment": 1,
        "Forwarded to the police": 1,
        "Made a safeguarding referral": 1,
        "Reported in the trust's incident system": 1,
    }
    by_account = {row["label"]: row["total"] for row in report["account_by_category"]}
    assert by_account == {"First page (Facebook)": 1, "Second page (X (Twitter))": 3}
    urgent = report["urgent_rows"][-1]
    assert urgent == {
        "label": this_month,
        "entries": 3,
        "safeguarding": 1,
        "hate_crime": 1,
        "police": 1,
        "incidents": 1,
    }
    assert report["strands"] == [{"label": "Religion", "n": 1}]
    page = response.content.decode()
    assert 'id="report-data"' in page
    charts = json.loads(
        page.split('id="report-data" type="application/json">')[1].split("</script>")[0]
    )
    assert set(charts) == {
        "categoryByMonth",
        "actionByMonth",
        "accountByCategory",
        "accountByAction",
    }
    assert "chart.umd.min.js" in page and "moderation_report.js" in page
    assert "<caption>Entries by guideline and month</caption>" in page
    assert '<th scope="col" class="text-end">Incident reports</th>' in page


def test_the_report_can_be_narrowed_to_an_account_and_a_period(comms, team, as_user):
    first = factories.managed_account(team=team, name="First page")
    second = factories.managed_account(team=team, name="Second page")
    log_entry(comms, first)
    log_entry(comms, second, occurred_at=timezone.now() - datetime.timedelta(days=200))
    today = timezone.localdate()
    response = as_user(comms).get(
        reverse("moderation:report"),
        {
            "date_from": (today - datetime.timedelta(days=30)).isoformat(),
            "date_to": today.isoformat(),
            "account": first.pk,
        },
    )
    assert response.context["report"]["total"] == 1
    bad = as_user(comms).get(
        reverse("moderation:report"), {"date_from": today.isoformat(), "date_to": "2000-01-01"}
    )
    assert bad.status_code == 200
    assert "This is before" in bad.content.decode()


def test_the_report_can_be_narrowed_to_a_team(comms, team, as_user):
    first = factories.managed_account(team=team, name="First page")
    second = factories.managed_account(team=team, name="Second page", platform="x")
    elsewhere = factories.managed_account(
        team=factories.TeamFactory(name="Estates"), name="Estates page"
    )
    log_entry(comms, first)
    log_entry(comms, second, actions=[Action.POLICE], hate_crime_strand=HateCrimeStrand.RACE)
    log_entry(comms, elsewhere, hate_crime_strand=HateCrimeStrand.RELIGION)
    response = as_user(comms).get(
        reverse("moderation:report"),
        {
            "date_from": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
            "date_to": timezone.localdate().isoformat(),
            "team": team.pk,
        },
    )
    report = response.context["report"]
    assert report["total"] == 2
    assert {row["label"] for row in report["account_by_category"]} == {
        "First page (Facebook)",
        "Second page (X (Twitter))",
    }
    assert sum(row["police"] for row in report["urgent_rows"]) == 1
    assert sum(row["hate_crime"] for row in report["urgent_rows"]) == 1
    assert report["strands"] == [{"label": "Race", "n": 1}]
    assert "on the accounts of Perinatal Mental Health" in response.content.decode()
    offered = response.context["form"]["account"].field.choices
    assert {label for value, label in offered if value} == {
        "First page (Facebook)",
        "Second page (X (Twitter))",
    }


def test_the_report_shows_the_safeguarding_lead_only_safeguarding_entries(
    comms, safeguarding_lead, team, as_user
):
    account = factories.managed_account(team=team)
    log_entry(comms, account)
    log_entry(comms, account, safeguarding=True)
    report = as_user(safeguarding_lead).get(reverse("moderation:report")).context["report"]
    assert report["total"] == 1


def test_the_report_query_count_is_the_same_at_two_sizes(comms, team, as_user):
    account = factories.managed_account(team=team)
    client = as_user(comms)
    bulk_entries(account, comms, 3, handle="small")
    client.get(reverse("moderation:report"))
    small = _queries(client, reverse("moderation:report"))
    other = factories.managed_account(team=team, name="Another")
    bulk_entries(other, comms, 80, handle="large")
    bulk_entries(
        account, comms, 40, handle="older", start=timezone.now() - datetime.timedelta(days=100)
    )
    large = _queries(client, reverse("moderation:report"))
    assert small == large


def test_the_log_query_count_is_the_same_at_two_sizes(comms, team, as_user):
    account = factories.managed_account(team=team)
    client = as_user(comms)
    bulk_entries(account, comms, 3, handle="small")
    client.get(reverse("moderation:log"))
    small = _queries(client, reverse("moderation:log"))
    bulk_entries(account, comms, 150, handle="large")
    large = _queries(client, reverse("moderation:log"))
    assert small == large


@pytest.mark.parametrize("route", ["moderation:report", "moderation:log"])
@pytest.mark.parametrize(
    "chosen",
    [{"team": "9" * 30}, {"account": "9" * 30}, {"team": "9" * 30, "account": "9" * 30}],
)
def test_an_id_larger_than_any_row_has_is_no_choice_not_an_error(
    route, chosen, comms, team, as_user
):
    # SQLite refuses such a number in a query outright; PostgreSQL finds nothing.
    account = factories.managed_account(team=team, name="Perinatal page")
    log_entry(comms, account)
    response = as_user(comms).get(reverse(route), chosen)
    assert response.status_code == 200
    assert "Perinatal page" not in [
        label for _, label in response.context["form"].fields["account"].choices
    ]


def test_across_accounts_the_report_says_it_counts_the_whole_months_the_dates_fall_in(
    comms, team, as_user
):
    """Counts across accounts are kept by month: dates inside a month are widened to it
    and the page says so, rather than counting days outside those asked for unannounced.
    One account is counted by exact days."""
    account = factories.managed_account(team=team)
    with freeze_time("2026-11-03 12:00:00+00:00"):
        log_entry(comms, account)
    with freeze_time("2026-12-07 12:00:00+00:00"):
        asked = {"date_from": "2026-11-20", "date_to": "2026-11-25"}
        across = as_user(comms).get(reverse("moderation:report"), asked)
        page = across.content.decode()
        assert across.context["report"]["total"] == 1
        assert "from 1 Nov 2026 to 30 Nov 2026" in page
        assert "counted by whole months" in page
        one = as_user(comms).get(reverse("moderation:report"), asked | {"account": account.pk})
        assert one.context["report"]["total"] == 0
        assert "from 20 Nov 2026 to 25 Nov 2026" in one.content.decode()
        assert "counted by whole months" not in one.content.decode()
