"""The account page's KPI section, and the home page panels about account health."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from tests import kpi_factories

pytestmark = pytest.mark.django_db
TODAY = "2025-05-15 10:00"


@pytest.fixture
def account(team):
    account = kpi_factories.account(
        team,
        name="Perinatal Peers",
        activated_at=timezone.make_aware(datetime.datetime(2024, 1, 2, 10)),
    )
    for number, (followers, engagements) in enumerate(
        [(100, 300), (110, 250), (125, 150), (140, 120), (150, 100)], start=12
    ):
        year, month = (2024, number) if number == 12 else (2025, number - 12)
        kpi_factories.figures(
            account,
            (year, month),
            followers=followers,
            engagements=engagements,
            impressions=10_000,
            median_reply_hours=10,
        )
    return account


@freeze_time(TODAY)
def test_the_section_draws_figures_against_targets_with_the_table_beside(as_user, member, account):
    response = as_user(member).get(account.get_absolute_url())
    page = response.content.decode()
    data = json.loads(
        re.search(r'id="kpi-chart-data" type="application/json">(.*?)</script>', page).group(1)
    )
    assert data["labels"] == ["Dec 2024", "Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025"]
    assert data["rate"] == [3.0, 2.5, 1.5, 1.2, 1.0]
    assert data["rateTarget"] == 2.0
    assert data["followers"] == [100, 110, 125, 140, 150]
    assert "/static/vendor/chartjs-4.6.1/chart.umd.min.js" in page
    assert "/static/js/kpi-chart.js" in page
    assert "<script>" not in page  # nothing inline: the CSP forbids it
    table = page[page.index("The last 12 months, newest first") :]
    assert table.index("Apr 2025") < table.index("Dec 2024")
    assert "1.00%" in table and "below target" in table and "slower than target" in table
    assert "+10" in table  # followers gained in April
    assert "Engagement rate falling" in page
    assert "Below target" in page
    assert f'href="/accounts/{account.pk}/figures/import/"' in page
    assert "Change the targets" not in page  # comms only


@freeze_time(TODAY)
def test_comms_see_the_review_and_target_actions(as_user, comms, account):
    page = as_user(comms).get(account.get_absolute_url()).content.decode()
    assert "Start the annual review" in page
    assert "Propose closure" in page
    assert "Change the targets" in page
    assert "The annual review fell due on 2 January 2025 and has not started yet." in page


@freeze_time(TODAY)
def test_a_teams_manager_may_ask_for_closure_but_not_start_a_review(as_user, manager, account):
    page = as_user(manager).get(account.get_absolute_url()).content.decode()
    assert "Ask for the account to close" in page
    assert "Start the annual review" not in page


@freeze_time(TODAY)
def test_an_account_without_figures_says_so(as_user, member, team):
    empty = kpi_factories.account(team, name="Empty")
    page = as_user(member).get(empty.get_absolute_url()).content.decode()
    assert "No figures have been entered yet." in page
    assert "kpi-chart-data" not in page


@freeze_time(TODAY)
def test_the_home_page_shows_comms_the_health_of_every_account(as_user, comms, head, account):
    page = as_user(head).get(reverse("portal:home")).content.decode()
    assert "Account health" in page
    assert "1 below target" in page
    closure = kpi_factories.closure(
        kpi_factories.account(account.team, state="closure_proposed", name="Going"), comms
    )
    page = as_user(head).get(reverse("portal:home")).content.decode()
    assert "Closures waiting for sign-off" in page
    assert closure.get_absolute_url() in page


@freeze_time(TODAY)
def test_the_home_page_shows_a_team_its_accounts_health(as_user, member, outsider, account):
    page = as_user(member).get(reverse("portal:home")).content.decode()
    assert "Your accounts&#x27; performance" in page or "Your accounts' performance" in page
    assert "Perinatal Peers" in page
    assert "Perinatal Peers" not in as_user(outsider).get(reverse("portal:home")).content.decode()


@freeze_time(TODAY)
def test_every_cell_of_the_full_figures_table_reads_plainly(as_user, comms, account):
    """A month with no impressions, no messages count and no reply time, and a fall in
    followers, on the figures page with its correction links."""
    from accounts_requests.kpi import summary
    from accounts_requests.models import MonthlyFigures

    april = MonthlyFigures.objects.get(account=account, month=datetime.date(2025, 4, 1))
    MonthlyFigures.objects.filter(pk=april.pk).update(
        followers=90, posts=3, engagements=0, impressions=0, median_reply_hours=None
    )
    summary.refresh([account.pk])
    april.refresh_from_db()
    entered = timezone.localtime(april.entered_at)
    url = reverse("accounts_requests:figures", args=[account.pk])
    html = as_user(comms).get(url).content.decode()

    def cells(label):
        row = re.search(rf"<tr>\s*<th scope=\"row\">{label}</th>.*?</tr>", html, flags=re.S)
        return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(0), flags=re.S)

    shown = cells("Apr 2025")
    assert shown[0] == "Apr 2025"
    assert shown[1] == '90<span class="d-block small text-body-secondary">-50</span>'
    assert shown[2] == '3 <span class="kpi-flag">below target</span>'
    assert (shown[3], shown[4]) == ("0", "0")
    assert shown[5] == '\u2013<span class="visually-hidden"> no impressions</span>'
    assert (shown[6], shown[7]) == ("\u2013", "\u2013")
    assert shown[8] == (
        f'{april.get_source_display()}<span class="d-block text-body-secondary">'
        f"{april.entered_by}, {entered.day} {entered:%b %Y}</span>"
    )
    assert shown[9] == (
        '<a href="?month=2025-04#figures-form">Correct'
        '<span class="visually-hidden"> Apr 2025</span></a>'
    )
    march = cells("Mar 2025")
    assert march[1] == '140<span class="d-block small text-body-secondary">+15</span>'
    assert march[5] == '1.20% <span class="kpi-flag">below target</span>'
    assert march[7] == '10.0 h <span class="kpi-flag">slower than target</span>'


def test_a_last_post_after_the_month_is_named_as_the_form_names_it(as_user, comms, account):
    response = as_user(comms).post(
        reverse("accounts_requests:figures", args=[account.pk]),
        {
            "month": "2025-04",
            "followers": "150",
            "posts": "3",
            "engagements": "10",
            "impressions": "100",
            "last_post_on": "2025-05-02",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The date of the last post is after the end of the month." in page
    assert "last_post_date" not in page and "Last_post_date" not in page


def test_engagements_above_impressions_are_refused_on_the_form(as_user, comms, account):
    response = as_user(comms).post(
        reverse("accounts_requests:figures", args=[account.pk]),
        {
            "month": "2025-04",
            "followers": "150",
            "posts": "3",
            "engagements": "1900",
            "impressions": "100",
        },
    )
    assert response.status_code == 400
    assert (
        "The engagements (1,900) are more than the impressions (100): check the two are not "
        "swapped." in response.content.decode()
    )
