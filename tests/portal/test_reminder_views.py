"""The pages: comms' overview of what is due, each person's panel, and how reminders reach
them; the policy review date in the organisation profile; the configuration checks."""

import datetime
import pickle
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from accounts_requests.models import AccountRequest, ManagedAccount
from portal import freshness
from portal.models import OrganisationProfile
from portal.reminders import engine, selectors
from portal.reminders.checks import check_calendar_settings, check_reminder_rules
from tests import factories

LONDON = ZoneInfo("Europe/London")
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # Monday
WEDNESDAY_NOON = datetime.datetime(2026, 3, 4, 12, 0, tzinfo=LONDON)
State = AccountRequest.State
DUE_URL = reverse("portal:reminders_due")
SETTINGS_URL = reverse("portal:notification_settings")


def waiting(state, team, since=START, **fields):
    return factories.proposal_in_state(state, team=team, state_changed_at=since, **fields)


# The comms overview


@pytest.fixture
def backlog(team, other_team, member):
    """Overdue, due soon and upcoming records, as of Wednesday noon."""
    return {
        "overdue": waiting(State.SUBMITTED, team, proposed_name="Overdue pickup"),
        "soon": waiting(
            State.AWAITING_ENDORSEMENT,
            other_team,
            since=datetime.datetime(2026, 3, 3, 14, 0, tzinfo=LONDON),
            proposed_name="Endorse soon",
        ),
        "later": waiting(
            State.CHANGES_REQUESTED,
            team,
            applicant=member,
            since=datetime.datetime(2026, 3, 4, 9, 0, tzinfo=LONDON),
            proposed_name="Changes later",
        ),
    }


def test_comms_see_what_is_overdue_and_due_soon_across_every_team(as_user, comms, backlog):
    with freeze_time(WEDNESDAY_NOON):
        engine.sweep()
        page = as_user(comms).get(DUE_URL).content.decode()
    assert "Overdue pickup" in page
    assert "Endorse soon" in page  # another team's: comms see every team
    assert "Changes later" not in page  # due in 10 working days
    assert "Sent to the reviewer, or else the communications team." in page
    assert "Next: the head of communications, Fri 6 Mar 2026, 10:00" in page
    assert "Due soon" in page and "Overdue" in page


def test_the_overview_can_show_overdue_only_or_everything_or_one_rule(as_user, comms, backlog):
    client = as_user(comms)
    with freeze_time(WEDNESDAY_NOON):
        overdue = client.get(DUE_URL, {"status": "overdue"}).content.decode()
        everything = client.get(DUE_URL, {"status": "upcoming"}).content.decode()
        one_rule = client.get(
            DUE_URL, {"status": "upcoming", "rule": "proposal.changes"}
        ).content.decode()
    assert "Overdue pickup" in overdue and "Endorse soon" not in overdue
    assert all(name in everything for name in ("Overdue pickup", "Endorse soon", "Changes later"))
    assert "Changes later" in one_rule and "Overdue pickup" not in one_rule


def test_nonsense_in_the_filters_shows_the_default_view(as_user, comms, backlog):
    with freeze_time(WEDNESDAY_NOON):
        response = as_user(comms).get(DUE_URL, {"status": "<script>", "rule": "nope"})
    assert response.status_code == 200
    assert "Overdue pickup" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_the_auditor_reads_the_overview(as_user, auditor, backlog):
    with freeze_time(WEDNESDAY_NOON):
        response = as_user(auditor).get(DUE_URL)
    assert response.status_code == 200
    assert "Overdue pickup" in response.content.decode()


def test_the_overview_lists_a_rule_with_a_date_and_a_set_up_account(as_user, comms, team):
    profile = OrganisationProfile.load()
    profile.policy_review_due = datetime.date(2026, 3, 20)
    profile.save()
    account = factories.managed_account(team=team, state=ManagedAccount.State.SETTING_UP)
    ManagedAccount.objects.filter(pk=account.pk).update(
        state_changed_at=START - datetime.timedelta(days=30)
    )
    with freeze_time(WEDNESDAY_NOON):
        page = as_user(comms).get(DUE_URL).content.decode()
    assert "Social media policy review" in page
    assert "Fri 20 Mar 2026" in page
    assert "Team page (Facebook)" in page


def test_the_overview_costs_the_same_queries_for_few_or_many_records(
    as_user, comms, team, other_team, django_assert_max_num_queries
):
    client = as_user(comms)
    client.get(DUE_URL)  # warm the session and the caches

    def add(count):
        for index in range(count):
            owner = team if index % 2 else other_team
            waiting(State.SUBMITTED, owner)
            waiting(State.AWAITING_ENDORSEMENT, owner)
            waiting(State.CHANGES_REQUESTED, owner)

    # Two queries a rule (its counts and its records), whatever the number of records.
    bound = 2 * len(engine.load_rules()) + 10
    add(2)
    with freeze_time(WEDNESDAY_NOON), django_assert_max_num_queries(bound) as small:
        assert client.get(DUE_URL, {"status": "upcoming"}).status_code == 200
    add(20)
    with freeze_time(WEDNESDAY_NOON), django_assert_max_num_queries(bound) as large:
        assert client.get(DUE_URL, {"status": "upcoming"}).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# Each person's panel


def test_a_manager_sees_the_endorsement_coming_to_them_on_the_home_page(
    as_user, manager, outsider, team
):
    waiting(State.AWAITING_ENDORSEMENT, team, proposed_name="Please endorse me")
    with freeze_time(START + datetime.timedelta(hours=1)):
        mine = as_user(manager).get("/").content.decode()
        theirs = as_user(outsider).get("/").content.decode()
    assert "Reminders coming up" in mine
    assert "Please endorse me" in mine
    assert "due Wed 4 Mar 2026, 10:00" in mine
    assert "Please endorse me" not in theirs
    assert "No reminders are coming your way." in theirs


def test_the_applicant_sees_changes_waiting_and_comms_see_the_pickup(
    as_user, member, comms, staff, team
):
    waiting(State.CHANGES_REQUESTED, team, applicant=member, proposed_name="Fix my answers")
    waiting(State.SUBMITTED, team, proposed_name="Pick me up")
    with freeze_time(datetime.datetime(2026, 3, 20, 10, 0, tzinfo=LONDON)):
        member_page = as_user(member).get("/").content.decode()
        comms_page = as_user(comms).get("/").content.decode()
        staff_page = as_user(staff).get("/").content.decode()
    assert "Fix my answers" in member_page and "Pick me up" not in member_page
    assert "Pick me up" in comms_page and "Everything due and overdue" in comms_page
    assert "Overdue" in comms_page
    assert "No reminders are coming your way." in staff_page
    assert "Everything due and overdue" not in staff_page


def test_the_head_sees_an_escalation_once_for_a_record(head, team):
    waiting(State.SUBMITTED, team, proposed_name="Pick me up")
    with freeze_time(WEDNESDAY_NOON):
        items = selectors.upcoming_for(head)
    assert [item.record.proposed_name for item in items] == ["Pick me up"]


def test_the_panel_puts_rules_counted_from_a_date_and_from_a_moment_in_one_order(head, team):
    # The policy review counts from a date, the pickup from a moment: one query finds both.
    profile = OrganisationProfile.load()
    profile.policy_review_due = datetime.date(2026, 3, 3)
    profile.save()
    waiting(State.SUBMITTED, team, proposed_name="Pick me up")
    with freeze_time(WEDNESDAY_NOON):
        items = selectors.upcoming_for(head)
    assert [item.rule.key for item in items] == ["policy.review", "proposal.pickup"]
    assert items[0].since == datetime.date(2026, 3, 3)
    assert items[1].since == START
    assert items[0].due_at < items[1].due_at


def test_the_panel_costs_the_same_queries_for_few_or_many_records(
    comms, team, django_assert_max_num_queries
):
    def count_queries(number):
        for _ in range(number):
            waiting(State.SUBMITTED, team)
        # The soonest records of every rule in one query (a query a rule on SQLite, which
        # cannot limit each part of a union), the records shown, the ledger.
        with freeze_time(WEDNESDAY_NOON), django_assert_max_num_queries(bound) as queries:
            selectors.upcoming_for(comms)
        return len(queries.captured_queries)

    together = connection.features.supports_slicing_ordering_in_compound
    bound = 3 if together else 2 + len(engine.load_rules())
    selectors.upcoming_for(comms)  # warm the permission, membership and profile caches
    assert count_queries(2) == count_queries(25)


def test_the_records_kept_for_the_panel_carry_no_ones_password_hash(member, team):
    # Kept between visits, in Redis where CACHE_URL is set: the proposals the panel shows
    # come with their applicant, who is named on it, but not with a password hash.
    waiting(State.CHANGES_REQUESTED, team, applicant=member, proposed_name="Fix my answers")
    with freeze_time(WEDNESDAY_NOON), freshness.keeping({}, 300):
        items = selectors.upcoming_for(member)
        kept = pickle.dumps(cache.get(selectors._kept_key(member)))
    assert items[0].record.applicant == member
    assert b"Fix my answers" in kept
    assert member.password.encode() not in kept
    assert member.password.split("$")[-1].encode() not in kept


# How reminders reach you


def test_a_person_chooses_the_daily_digest(as_user, member):
    client = as_user(member)
    page = client.get(SETTINGS_URL)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert re.search(r'<input[^>]*value="each"[^>]*checked', page.content.decode())

    response = client.post(SETTINGS_URL, {"delivery": "digest"}, follow=True)
    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "one e-mail at the start of each working day" in response.content.decode()
    member.refresh_from_db()
    assert member.wants_daily_digest

    client.post(SETTINGS_URL, {"delivery": "each"})
    member.refresh_from_db()
    assert not member.wants_daily_digest


def test_a_bad_choice_is_refused_and_nothing_changes(as_user, member):
    response = as_user(member).post(SETTINGS_URL, {"delivery": "hourly"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    member.refresh_from_db()
    assert not member.wants_daily_digest


def test_the_choice_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(SETTINGS_URL, {"delivery": "digest"}).status_code == 403
    member.refresh_from_db()
    assert not member.wants_daily_digest


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.post(SETTINGS_URL, {"delivery": "digest"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


# The policy review date


def test_comms_set_the_policy_review_date_and_the_form_says_when_reminders_go(as_user, comms):
    client = as_user(comms)
    page = client.get(reverse("portal:organisation")).content.decode()
    assert "reminded 30 days before and on the day" in page
    form = client.get(reverse("portal:organisation")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(office_opens="09:00", office_closes="17:00", policy_review_due="2027-06-30")
    response = client.post(reverse("portal:organisation"), data)
    assert response.status_code == 302
    assert OrganisationProfile.objects.get().policy_review_due == datetime.date(2027, 6, 30)


def test_a_changed_wait_shows_in_the_policy_review_help(as_user, comms, settings):
    settings.REMINDER_WAITS = {"policy.review.approaching": "-60d"}
    page = as_user(comms).get(reverse("portal:organisation")).content.decode()
    assert "reminded 60 days before and on the day" in page


def test_a_team_member_cannot_set_the_policy_review_date(as_user, member):
    response = as_user(member).post(
        reverse("portal:organisation"), {"policy_review_due": "2027-06-30"}
    )
    assert response.status_code == 403
    assert OrganisationProfile.load().policy_review_due is None


# Configuration checks


def test_the_shipped_rules_and_calendar_pass_their_checks(db):
    assert check_reminder_rules() == []
    assert check_calendar_settings() == []


@pytest.mark.parametrize(
    ("waits", "message"),
    [
        ({"proposal.pickup.remind": "soon"}, "is not a wait"),
        ({"proposal.pickup.remind": "0wd"}, "more than nothing"),
        ({"proposal.pikcup.remind": "2wd"}, "names stages no rule has"),
    ],
)
def test_a_bad_wait_override_is_reported(settings, db, waits, message):
    settings.REMINDER_WAITS = waits
    [error] = check_reminder_rules()
    assert error.id == "portal.E010"
    assert message in error.msg


def test_a_table_that_cannot_be_imported_is_reported(settings, db):
    settings.REMINDER_RULE_TABLES = ["nowhere.reminders.RULES"]
    [error] = check_reminder_rules()
    assert error.id == "portal.E010"


def test_mistakes_in_a_table_are_reported(settings, db):
    settings.REMINDER_RULE_TABLES = [
        "accounts_requests.reminders.RULES",
        "accounts_requests.reminders.RULES",
        "tests.portal.reminder_tables.BROKEN",
    ]
    from accounts_requests.reminders import RULES

    ids = sorted(error.id for error in check_reminder_rules())
    # Every key of the table listed twice clashes once, then the broken table's mistakes.
    assert ids == ["portal.E011"] * len(RULES) + [
        "portal.E012",
        "portal.E014",
        "portal.E015",
        "portal.E016",
    ]


def test_an_unknown_bank_holiday_calendar_is_reported(settings):
    settings.BANK_HOLIDAYS = "ZZ"
    [error] = check_calendar_settings()
    assert error.id == "portal.E020"


def test_a_review_date_weeks_away_is_due_soon_once_its_heads_up_has_gone(comms, head):
    profile = OrganisationProfile.load()
    profile.policy_review_due = datetime.date(2026, 3, 24)
    profile.save()
    with freeze_time(datetime.datetime(2026, 2, 20, 12, 0, tzinfo=LONDON)):
        [item] = selectors.overview(comms, status=selectors.UPCOMING)[0]
        assert item.status == selectors.UPCOMING
    with freeze_time(WEDNESDAY_NOON):
        engine.sweep()
        [item] = selectors.overview(comms)[0]
        assert (item.status, item.due_text) == (selectors.DUE_SOON, "Tue 24 Mar 2026")
        assert item.last_sent.stage.name == "approaching"
        assert [i.record for i in selectors.upcoming_for(head)] == [profile]
        assert selectors.upcoming_for(comms) == []
    with freeze_time(datetime.datetime(2026, 3, 24, 9, 0, tzinfo=LONDON)):
        [item] = selectors.overview(comms, status=selectors.OVERDUE)[0]
        assert item.status == selectors.OVERDUE


def test_the_panel_reads_the_same_ledger_flags_as_the_overview(comms, head, team):
    """The home panel asks the ledger once in Python terms; it must agree with the
    overview's database question, for a moment-based rule and a date-based one, and a
    ledger row from an earlier wait must not count."""
    proposal = waiting(State.SUBMITTED, team, proposed_name="Pick me up")
    profile = OrganisationProfile.load()
    profile.policy_review_due = datetime.date(2026, 3, 24)
    profile.save()
    with freeze_time(WEDNESDAY_NOON):
        engine.sweep()
    AccountRequest.objects.filter(pk=proposal.pk).update(
        state_changed_at=START + datetime.timedelta(hours=1)
    )  # a new wait: what was sent for the old one no longer counts

    def flags(items):
        return {
            (item.rule.key, item.record.pk): [view.sent for view in item.stages] for item in items
        }

    with freeze_time(WEDNESDAY_NOON):
        overview = flags(selectors.overview(head, status=selectors.UPCOMING)[0])
        panel = flags(selectors.upcoming_for(head))
    assert panel and all(panel[key] == overview[key] for key in panel)
    assert panel[("policy.review", profile.pk)][0] is True
    assert not any(panel[("proposal.pickup", proposal.pk)])


def test_the_ledger_is_readable_and_unchangeable_in_the_admin(as_user, comms, team):
    waiting(State.SUBMITTED, team)
    with freeze_time(WEDNESDAY_NOON):
        engine.sweep()
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client = as_user(admin)
    response = client.get(reverse("admin:portal_remindersent_changelist"))
    assert response.status_code == 200
    assert "proposal.pickup" in response.content.decode()
    assert client.get(reverse("admin:portal_remindersent_add")).status_code == 403
