"""The account and moderation rules on the comms "Due and overdue" page and on each
person's home-page panel, and what they cost in queries at two sizes."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts_requests.models import CredentialChangeNotice, ManagedAccount
from moderation.models import Entry
from tests import factories, kpi_factories
from tests.moderation.helpers import log_entry, png_bytes, upload

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Tuesday 14 April 2026, after the fifth working day (9 April), mid-morning.
NOW = datetime.datetime(2026, 4, 14, 10, 0, tzinfo=LONDON)
DUE_URL = reverse("portal:reminders_due")
State = ManagedAccount.State


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def world(team, member, comms, *, size=1):
    """``size`` of each thing the account and moderation rules wait on, as of NOW."""
    from moderation.evidence import clean_upload

    made = {}
    for index in range(size):
        # Review due in 20 days (within 30), figures for March missing.
        made.setdefault("review", []).append(
            kpi_factories.account(
                team, name=f"Review soon {index}", activated_at=at(2025, 5, 4, 9)
            )
        )
        plan = kpi_factories.account(
            team, name=f"On a plan {index}", state="improvement_plan", activated_at=at(2024, 1, 1)
        )
        kpi_factories.review(
            plan,
            comms,
            outcome="improvement_plan",
            reasons="Low.",
            actions="Post.",
            re_review_on=datetime.date(2026, 4, 13),
            decided_at=at(2026, 1, 13, 10),
        )
        kpi_factories.figures(plan, (2026, 3))
        CredentialChangeNotice.objects.create(
            account=plan,
            filed_by=member,
            what_changed=CredentialChangeNotice.What.PASSWORD,
            reason=CredentialChangeNotice.Reason.ROUTINE,
            changed_at=at(2026, 4, 13, 9),
            reported_at=at(2026, 4, 13, 10),
            report_due_by=at(2026, 4, 14, 10),
        )
        with freeze_time(at(2026, 3, 1, 10)):
            entry = log_entry(
                comms, plan, files=[clean_upload(upload(f"s{index}.png", png_bytes()))]
            )
        Entry.objects.filter(pk=entry.pk).update(evidence_retain_until=datetime.date(2026, 4, 10))
    return made


SUMMARIES = [
    "Annual reviews falling due (reminders from 30 days before)",
    "Improvement plans due for their re-review",
    "Last month&#x27;s KPI figures not in by the fifth working day",
    "Credential-change notices not acknowledged",
    "Evidence and commenter details past the retention date (removed by the job)",
]


def test_comms_see_every_account_and_moderation_rule_on_the_due_page(as_user, team, member, comms):
    world(team, member, comms)
    with freeze_time(NOW):
        page = as_user(comms).get(DUE_URL, {"status": "upcoming"}).content.decode()
    for summary in SUMMARIES:
        assert summary in page, summary
    assert "Review soon 0" in page
    assert "On a plan 0" in page
    # The retention stage runs a job and tells nobody.
    assert "Its scheduled job runs 1 day after." in page
    # An entry has no name of its own: it is named by its number and its account.
    assert re.search(r"Entry \d+ on On a plan 0 \(", page)
    # A notice is named by its account, never by the account's row number.
    assert "changed on On a plan 0 (" in page


def test_the_team_sees_its_review_re_review_and_figures_coming_on_the_home_page(
    as_user, team, member, comms, outsider
):
    world(team, member, comms)
    with freeze_time(NOW):
        mine = as_user(member).get("/").content.decode()
        theirs = as_user(outsider).get("/").content.decode()
        comms_home = as_user(comms).get("/").content.decode()
    assert "Annual reviews falling due (reminders from 30 days before)" in mine
    assert "Improvement plans due for their re-review" in mine
    assert "Last month&#x27;s KPI figures not in by the fifth working day" in mine
    assert "Credential-change notices not acknowledged" not in mine  # comms' job
    assert "Review soon 0" not in theirs
    assert "Credential-change notices not acknowledged" in comms_home


def test_the_due_page_and_home_panel_cost_the_same_queries_at_two_sizes(
    as_user, team, member, comms, django_assert_max_num_queries
):
    from portal.reminders import engine

    bound = 2 * len(engine.load_rules()) + 10
    comms_client, member_client = as_user(comms), as_user(member)
    with freeze_time(NOW):  # warm the sessions and the organisation profile
        comms_client.get(DUE_URL)
        member_client.get("/")
    counts = []
    for size in (1, 6):
        world(team, member, comms, size=size)
        with freeze_time(NOW):
            with django_assert_max_num_queries(bound) as due:
                assert comms_client.get(DUE_URL, {"status": "upcoming"}).status_code == 200
            with django_assert_max_num_queries(60) as home:
                assert member_client.get("/").status_code == 200
        counts.append((len(due.captured_queries), len(home.captured_queries)))
    assert counts[0] == counts[1]


def test_the_account_register_costs_the_same_queries_at_two_sizes(
    as_user, team, member, comms, django_assert_max_num_queries
):
    client = as_user(comms)
    url = reverse("accounts_requests:account_list")
    client.get(url)  # warm the session
    counts = []
    for size in (2, 12):
        for index in range(size):
            account = factories.managed_account(team=team, name=f"Acc {size}-{index}")
            ManagedAccount.objects.filter(pk=account.pk).update(
                state=State.CLOSED if index % 2 else State.ACTIVE,
                state_changed_at=timezone.now(),
            )
        for query in ("", "?state=closed"):
            with django_assert_max_num_queries(20) as captured:
                assert client.get(url + query).status_code == 200
            counts.append((size, query, len(captured.captured_queries)))
    assert counts[0][2] == counts[2][2]
    assert counts[1][2] == counts[3][2]


# The home page keeps each reminder rule's soonest records until a table the rule read
# changes (portal.reminders.selectors.upcoming_for with portal.freshness.Keeper).


def _reminders_panel(page):
    return page.split(">Reminders coming up</h2>", 1)[1].split("</section>", 1)[0]


def _committed(change):
    """Run ``change`` as a committed transaction: its tables' counts move."""
    from django.db import transaction

    with transaction.atomic():
        change()


def test_a_changed_proposal_asks_again_only_the_reminder_rules_about_proposals(
    settings, as_user, team, member, comms, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts_requests.models import AccountRequest

    settings.HOME_PANELS_KEPT_SECONDS = 300
    world(team, member, comms)
    proposal = factories.proposal_in_state("draft", team=team, applicant=member)
    client = as_user(member)
    with freeze_time(NOW):
        client.get("/")
        with django_capture_on_commit_callbacks(execute=True):
            _committed(
                lambda: AccountRequest.objects.filter(pk=proposal.pk).update(proposed_name="New")
            )
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/").content.decode()
    soonest = [q["sql"] for q in queries.captured_queries if ' AS "pk" FROM ' in q["sql"]]
    assert any('AS "pk" FROM "accounts_requests_accountrequest"' in sql for sql in soonest)
    assert not any('AS "pk" FROM "accounts_requests_managedaccount"' in sql for sql in soonest)
    # The account rules' records, kept, are still there.
    assert "Review soon 0" in _reminders_panel(page)


def test_a_rule_kept_inside_a_redrawn_reminders_panel_still_redraws_it_when_it_changes(
    settings, as_user, team, member, comms, django_capture_on_commit_callbacks
):
    """After a proposal change the reminders panel is drawn again with the account rules
    taken from what was kept; the panel must still count as having read the accounts, or
    a later change to them would leave it as it was."""
    from accounts_requests.models import AccountRequest

    settings.HOME_PANELS_KEPT_SECONDS = 300
    proposal = factories.proposal_in_state("draft", team=team, applicant=member)
    client = as_user(member)
    with freeze_time(NOW):
        assert "Brand new page" not in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            _committed(
                lambda: AccountRequest.objects.filter(pk=proposal.pk).update(proposed_name="New")
            )
        client.get("/")
        with django_capture_on_commit_callbacks(execute=True):
            _committed(
                lambda: kpi_factories.account(team, name="Brand new page", state="setting_up")
            )
        page = client.get("/").content.decode()
    assert "Brand new page" in _reminders_panel(page)


def test_forgetting_a_persons_home_page_forgets_the_reminders_kept_inside_it(
    settings, as_user, team, member, comms
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.views.home import forget_panels

    settings.HOME_PANELS_KEPT_SECONDS = 300
    world(team, member, comms)
    client = as_user(member)
    with freeze_time(NOW):
        client.get("/")
        forget_panels(member)
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
    sql = [query["sql"] for query in queries.captured_queries]
    assert any('AS "pk" FROM "accounts_requests_managedaccount"' in one for one in sql)
