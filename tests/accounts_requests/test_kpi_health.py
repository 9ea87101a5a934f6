"""Account health and the overview: each rule, and the overview against figures worked by hand."""

import datetime
import random
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date, floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from accounts_requests.kpi.health import with_health
from accounts_requests.models import HealthRules, ManagedAccount
from accounts_requests.templatetags.kpi_tags import (
    day_month_year,
    grouped,
    month_year,
    overview_rows,
    two_places,
)
from portal.views.home import dashboard_panels
from tests import kpi_factories

pytestmark = pytest.mark.django_db

# Today is 15 May 2025. With the default rules (3 months below target, more than 30 days
# without a post, 2 months without figures), April is the latest month that may be given
# and March 2025 is the oldest month that still counts as recent.
TODAY = "2025-05-15 10:00"
OVERVIEW = reverse("accounts_requests:kpi_overview")


def at(year, month, day=1):
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


def month(account, year, number, *, rate_per_10k=300, posts=12, **values):
    """Figures whose engagement rate is rate_per_10k / 100 per cent."""
    return kpi_factories.figures(
        account,
        (year, number),
        engagements=rate_per_10k,
        impressions=10_000,
        posts=posts,
        **values,
    )


@pytest.fixture
def world(team, other_team):
    """Nine live accounts whose health was worked out by hand, and two that are not live."""
    a = kpi_factories.account
    accounts = {
        # 3% in Feb to Apr against a 2% target: meeting.
        "healthy": a(team, name="Healthy", platform="facebook", activated_at=at(2023, 1)),
        # Last at target in January, then three months under: below.
        "slipping": a(team, name="Slipping", platform="instagram", activated_at=at(2023, 1)),
        # Only two months under: not flagged yet.
        "two_below": a(
            other_team, name="Two below", platform="facebook", activated_at=at(2023, 1)
        ),
        # Last post in February (no date given: counted as 1 Feb); none in March or April:
        # 88 days without a post up to 30 April: dormant.
        "quiet": a(other_team, name="Quiet", platform="x", activated_at=at(2023, 1)),
        # Last post on 31 March, none in April: exactly 30 days, which is not more than 30.
        "exact": a(team, name="Exact quiet", platform="facebook", activated_at=at(2023, 1)),
        # Latest figures for February: March and April missing.
        "silent": a(team, name="Silent", platform="instagram", activated_at=at(2023, 1)),
        # Live since 1 April, no figures yet: none due.
        "new": a(other_team, name="Brand new", platform="x", activated_at=at(2025, 4)),
        # Live since June 2024 and never reported: missing.
        "never": a(
            other_team, name="Never reported", platform="facebook", activated_at=at(2024, 6)
        ),
        # On an improvement plan and meeting its target now.
        "plan": a(
            other_team,
            name="On a plan",
            platform="facebook",
            state=ManagedAccount.State.IMPROVEMENT_PLAN,
            activated_at=at(2023, 1),
        ),
    }
    for number in (2, 3, 4):
        month(accounts["healthy"], 2025, number)
        month(accounts["plan"], 2025, number, rate_per_10k=250)
    for number, rate in ((1, 250), (2, 150), (3, 100), (4, 120)):
        month(accounts["slipping"], 2025, number, rate_per_10k=rate)
    for number, rate in ((2, 250), (3, 150), (4, 150)):
        month(accounts["two_below"], 2025, number, rate_per_10k=rate)
    month(accounts["quiet"], 2025, 2, posts=5)
    month(accounts["quiet"], 2025, 3, posts=0)
    month(accounts["quiet"], 2025, 4, posts=0)
    month(accounts["exact"], 2025, 3, posts=4, last_post_on=datetime.date(2025, 3, 31))
    month(accounts["exact"], 2025, 4, posts=0)
    month(accounts["silent"], 2025, 1)
    month(accounts["silent"], 2025, 2)
    a(team, name="Closed", state=ManagedAccount.State.CLOSED)
    a(team, name="Setting up", state=ManagedAccount.State.SETTING_UP)
    return accounts


EXPECTED_HEALTH = {
    "Healthy": "meeting",
    "Slipping": "below",
    "Two below": "meeting",
    "Quiet": "dormant",
    "Exact quiet": "meeting",
    "Silent": "missing",
    "Brand new": "new",
    "Never reported": "missing",
    "On a plan": "meeting",
}


@freeze_time(TODAY)
def test_each_accounts_health_is_what_the_rules_say(world):
    annotated = {a.name: a for a in with_health(ManagedAccount.objects.all())}
    assert {name: annotated[name].health for name in EXPECTED_HEALTH} == EXPECTED_HEALTH
    assert annotated["Slipping"].below_run == 3
    assert annotated["Two below"].below_run == 2
    assert annotated["Quiet"].quiet == datetime.timedelta(days=88)
    assert annotated["Exact quiet"].quiet == datetime.timedelta(days=30)
    assert annotated["Slipping"].latest_rate == pytest.approx(1.2)
    assert annotated["Slipping"].previous_rate == pytest.approx(1.0)


@freeze_time(TODAY)
def test_the_overview_shows_the_figures_worked_by_hand(world, as_user, comms):
    response = as_user(comms).get(OVERVIEW)
    assert response.status_code == 200
    rows = {a.name: a for a in response.context["page"].object_list}
    assert set(rows) == set(EXPECTED_HEALTH)  # live accounts only
    assert {name: rows[name].health for name in rows} == EXPECTED_HEALTH
    assert rows["Slipping"].rate_change == pytest.approx(0.2)
    assert rows["Slipping"].health_reason == "Engagement below target for 3 months running"
    assert rows["Quiet"].health_reason == "No post for 88 days in the figures"
    assert rows["Silent"].health_reason == "Last figures for February 2025"
    assert rows["Never reported"].health_reason == "No figures entered yet"

    counts = response.context["counts"]
    assert counts["totals"] == {
        "total": 9,
        "meeting": 4,
        "below": 1,
        "dormant": 1,
        "missing": 2,
        "new": 1,
    }
    by_team = {row["team__name"]: row for row in counts["teams"]}
    assert list(by_team) == ["Community Nursing", "Perinatal Mental Health"]  # by name
    assert [row["platform"] for row in counts["platforms"]] == sorted(
        row["platform"] for row in counts["platforms"]
    )
    assert by_team["Perinatal Mental Health"] == {
        "team__name": "Perinatal Mental Health",
        "total": 4,
        "meeting": 2,
        "below": 1,
        "dormant": 0,
        "missing": 1,
        "new": 0,
    }
    assert by_team["Community Nursing"] == {
        "team__name": "Community Nursing",
        "total": 5,
        "meeting": 2,
        "below": 0,
        "dormant": 1,
        "missing": 1,
        "new": 1,
    }
    by_platform = {row["platform"]: (row["total"], row["meeting"]) for row in counts["platforms"]}
    assert by_platform == {"facebook": (5, 4), "instagram": (2, 0), "x": (2, 0)}
    page = response.content.decode()
    assert "1.20%" in page
    assert "up 0.20 points" in page


@freeze_time(TODAY)
def test_the_overview_sorts_most_in_need_first_and_by_any_column(world, as_user, comms):
    client = as_user(comms)
    names = [a.name for a in client.get(OVERVIEW).context["page"].object_list]
    assert names == [
        "Quiet",
        "Slipping",
        "Never reported",
        "Silent",
        "Brand new",
        "Exact quiet",
        "Healthy",
        "On a plan",
        "Two below",
    ]
    by_rate = client.get(OVERVIEW, {"sort": "-rate"}).context["page"].object_list
    assert [a.name for a in by_rate][:4] == ["Exact quiet", "Healthy", "Quiet", "Silent"]
    assert client.get(OVERVIEW, {"sort": "-rate"}).context["descending"] is True
    by_name = [a.name for a in client.get(OVERVIEW, {"sort": "name"}).context["page"].object_list]
    assert by_name == sorted(by_name)
    nonsense = client.get(OVERVIEW, {"sort": "password"})
    assert nonsense.status_code == 200
    assert nonsense.context["sort_key"] == "health"


@freeze_time(TODAY)
def test_the_overview_filters_by_health_team_platform_and_state(world, as_user, comms, team):
    client = as_user(comms)

    def names(**params):
        return sorted(a.name for a in client.get(OVERVIEW, params).context["page"].object_list)

    assert names(health="missing") == ["Never reported", "Silent"]
    assert names(team=team.pk, health="meeting") == ["Exact quiet", "Healthy"]
    assert names(platform="x") == ["Brand new", "Quiet"]
    assert names(state="improvement_plan") == ["On a plan"]
    filtered = client.get(OVERVIEW, {"platform": "instagram"}).context["counts"]["totals"]
    assert (filtered["total"], filtered["below"], filtered["missing"]) == (2, 1, 1)


@freeze_time(TODAY)
def test_reviews_due_are_found_from_activation_or_the_last_review(world, as_user, comms):
    ManagedAccount.objects.filter(pk=world["new"].pk).update(activated_at=at(2024, 5, 16))
    reviewed = world["healthy"]
    kpi_factories.review(
        reviewed, comms, outcome="continue", reasons="Fine.", decided_at=at(2025, 1, 10)
    )
    kpi_factories.review(
        world["plan"],
        comms,
        outcome="improvement_plan",
        reasons="Low.",
        actions="Post more.",
        re_review_on=datetime.date(2025, 5, 1),
        decided_at=at(2025, 2, 1),
    )
    response = as_user(comms).get(OVERVIEW, {"review_due": "on"})
    due = {a.name for a in response.context["page"].object_list}
    assert all(a.review_overdue for a in response.context["page"].object_list)
    assert "due now" in response.content.decode()
    # Everything activated in January 2023 is due except the one reviewed in January 2025;
    # the account live since 16 May 2024 is not due until tomorrow; the plan's re-review
    # date has passed; the one live since June 2024 is not due.
    assert due == {"Slipping", "Two below", "Quiet", "Exact quiet", "Silent", "On a plan"}
    # The home page counts the same accounts, in the query that counts their health.
    [panel] = [panel for panel in dashboard_panels(comms) if panel["title"] == "Account health"]
    assert panel["context"]["reviews_due"] == len(due)
    assert panel["context"]["counts"]["reviews_due"] == len(due)


@freeze_time(TODAY)
def test_changing_the_rules_changes_the_health(world):
    rules = HealthRules.load()
    rules.below_target_months = 2
    rules.dormant_days = 29
    rules.save()
    annotated = {a.name: a.health for a in with_health(ManagedAccount.objects.all())}
    assert annotated["Two below"] == "below"
    assert annotated["Exact quiet"] == "dormant"


@freeze_time(TODAY)
def test_an_account_with_no_impressions_does_not_meet_its_target(team):
    account = kpi_factories.account(team, target_engagement_rate=Decimal("0.00"))
    for number in (2, 3, 4):
        kpi_factories.figures(account, (2025, number), engagements=0, impressions=0)
    annotated = with_health(ManagedAccount.objects.filter(pk=account.pk)).get()
    assert annotated.latest_rate is None
    assert annotated.health == "below"


def test_the_overview_is_for_those_who_see_every_account(as_user, member, manager, staff):
    for user in (member, manager, staff):
        assert as_user(user).get(OVERVIEW).status_code == 403


# The overview's rows as its template wrote them, cell by cell; the page now builds them in
# one pass (``overview_rows``) and must give the same markup.
ROWS_AS_A_TEMPLATE = """{% load kpi_tags %}{% for account in accounts %}
    <tr>
      <th scope="row"><a href="{{ account.get_absolute_url }}">{{ account.name }}</a>{% if account.state != "active" %}<span class="d-block small text-body-secondary">{{ account.get_state_display }}</span>{% endif %}</th>
      <td>{{ account.team }}</td>
      <td>{{ account.get_platform_display }}</td>
      <td>{% include "accounts_requests/kpi/_health_badge.html" with item=account %}<span class="d-block small">{{ account.health_reason }}</span></td>
      <td>{% if account.latest_month %}{{ account.latest_month|date:"M Y" }}{% else %}None yet{% endif %}</td>
      <td>{% if account.latest_followers is not None %}{{ account.latest_followers|floatformat:"0g" }}<span class="d-block small text-body-secondary">target {{ account.target_followers|floatformat:"0g" }}</span>{% else %}–{% endif %}</td>
      <td>{% if account.latest_rate is not None %}{{ account.latest_rate|floatformat:2 }}%{% if account.rate_change is not None %} <span class="small">{% if account.rate_change > 0 %}<span aria-hidden="true">▲</span> up {{ account.rate_change|floatformat:2 }} points{% elif account.rate_change < 0 %}<span aria-hidden="true">▼</span> down {{ account.rate_change|absolute|floatformat:2 }} points{% else %}no change{% endif %}</span>{% endif %}<span class="d-block small text-body-secondary">target {{ account.target_engagement_rate }}%</span>{% else %}–{% endif %}</td>
      <td>{% if account.has_open_review %}<span class="small">In progress</span>{% elif account.next_review_on %}{{ account.next_review_on|date:"j M Y" }}{% if account.review_overdue %} <span class="kpi-flag">due now</span>{% endif %}{% else %}–{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501, RUF001 - the template's own lines and dashes


@freeze_time(TODAY)
def test_the_overview_rows_are_the_markup_the_template_gave(world, as_user, comms, team):
    falling = kpi_factories.account(
        team, name="Falls & <rises>", platform="linkedin", target_followers=12_500
    )
    month(falling, 2025, 3, rate_per_10k=333, followers=1_234_567)
    month(falling, 2025, 4, rate_per_10k=127, followers=1_234_999)
    kpi_factories.review(world["slipping"], comms)  # under way
    ManagedAccount.objects.filter(pk=world["quiet"].pk).update(
        review_due_on=datetime.date(2025, 5, 2)
    )
    ManagedAccount.objects.filter(pk=world["healthy"].pk).update(
        review_due_on=datetime.date(2025, 11, 30)
    )
    page = as_user(comms).get(OVERVIEW).context["page"]
    accounts = list(page.object_list)
    assert {a.rate_change > 0 for a in accounts if a.rate_change} == {True, False}
    assert any(a.review_overdue for a in accounts)
    assert any(a.has_open_review for a in accounts)
    expected = Template(ROWS_AS_A_TEMPLATE).render(Context({"accounts": accounts}))
    assert overview_rows(accounts) == expected
    assert "Falls &amp; &lt;rises&gt;" in expected and "1,234,999" in expected


@pytest.mark.parametrize(
    "value",
    [0, 0.0, -0.0, 0.004, -0.004, 0.005, -0.005, 0.015, 1.005, 2.675, -1.235, 99.995, 1 / 3],
)
def test_two_places_is_floatformat_2(value):
    assert two_places(value) == floatformat(value, 2)


def test_the_quick_formats_are_the_filters_own():
    for value in [random.uniform(-50, 50) for _ in range(2000)]:
        assert two_places(value) == floatformat(value, 2)
    with translation.override("en-gb"):
        for number in [0, 7, 999, 1000, 12_345, 1_000_000, 2_147_483_647]:
            assert grouped(number) == floatformat(number, "0g")
        day = datetime.date(2024, 1, 1)
        while day.year < 2026:
            assert month_year(day) == date(day, "M Y")
            assert day_month_year(day) == date(day, "j M Y")
            day += datetime.timedelta(days=9)


@pytest.mark.parametrize("size", [2, 20])
@freeze_time(TODAY)
def test_the_overview_query_count_does_not_grow_with_accounts(
    size, as_user, comms, team, other_team, django_assert_max_num_queries
):
    for i in range(size):
        account = kpi_factories.account(team if i % 2 else other_team, name=f"Account {i}")
        for number in range(1, 5):
            month(account, 2025, number, rate_per_10k=100 + 10 * i)
        if i % 3 == 0:
            kpi_factories.review(account, comms, outcome="continue", reasons="Fine.")
    client = as_user(comms)
    client.get(OVERVIEW)  # warm the per-process caches (organisation profile)
    # Session and user (4), rules, rows, the counts (one grouping, which also pages), the
    # user's teams, unread notifications, the team filter's choices and the session save
    # (3): thirteen, with room for three more before it says the page has grown.
    with django_assert_max_num_queries(16):
        response = client.get(OVERVIEW, {"sort": "-followers"})
    assert len(response.context["page"].object_list) == size


class TestHealthRulesPage:
    URL = reverse("accounts_requests:health_rules")

    def test_comms_change_the_rules_with_a_reason_kept_in_history(self, as_user, comms):
        response = as_user(comms).post(
            self.URL,
            {
                "below_target_months": "2",
                "dormant_days": "45",
                "missing_months": "3",
                "reason": "Agreed at the March governance meeting.",
            },
        )
        assert response.status_code == 302
        rules = HealthRules.load()
        assert (rules.below_target_months, rules.dormant_days, rules.missing_months) == (2, 45, 3)
        latest = rules.history.order_by("-history_date").first()
        assert latest.history_change_reason == "Agreed at the March governance meeting."
        assert latest.history_user == comms

    def test_a_change_needs_a_reason_and_sensible_numbers(self, as_user, comms):
        response = as_user(comms).post(
            self.URL,
            {
                "below_target_months": "0",
                "dormant_days": "45",
                "missing_months": "3",
                "reason": "",
            },
        )
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"below_target_months", "reason"}
        assert HealthRules.load().dormant_days == 30

    def test_an_auditor_reads_the_rules_but_cannot_change_them(self, as_user, auditor):
        response = as_user(auditor).get(self.URL)
        assert response.status_code == 200
        assert response.context["form"] is None
        assert "more than 30 days" in response.content.decode()
        assert as_user(auditor).post(self.URL, {"dormant_days": "5"}).status_code == 403

    def test_the_change_needs_the_csrf_token(self, comms):
        client = Client(enforce_csrf_checks=True)
        client.force_login(comms)
        assert client.post(self.URL, {"dormant_days": "45"}).status_code == 403


@freeze_time(TODAY)
def test_the_overview_s_tiles_and_column_links_carry_their_query(world, as_user, comms):
    """Each link is the page's query as the browser sends it: one '?', so the health
    tiles filter and the column headings sort."""
    import re

    client = as_user(comms)
    page = client.get(OVERVIEW, {"team": ""}).content.decode()
    links = re.findall(r'href="(\?[^"]*)"', page)
    assert any("health=" in link for link in links) and any("sort=" in link for link in links)
    assert not [link for link in links if link.startswith("??")]
    # Following a tile filters by its health.
    tile = next(link for link in links if "health=dormant" in link)
    filtered = client.get(OVERVIEW + tile.replace("&amp;", "&"))
    assert filtered.context["form"].cleaned_data["health"] == "dormant"
