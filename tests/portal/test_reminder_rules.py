"""Every reminder rule with the clock set: before due, due, escalated, on a bank holiday,
and swept twice in a row."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from accounts_requests.models import AccountRequest, ManagedAccount
from portal.models import Notification, OrganisationProfile, ReminderSent
from portal.reminders import engine
from portal.worktime import WorkingCalendar
from tests import factories

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar()
MINUTE = datetime.timedelta(minutes=1)
# Monday 2 March 2026, mid-morning: a week with no bank holiday in it.
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)

State = AccountRequest.State


def sweep_at(moment):
    with freeze_time(moment):
        return engine.sweep()


def told(kind_suffix):
    """{username: count} of reminders whose kind ends with ``kind_suffix``."""
    counts = {}
    for note in Notification.objects.filter(kind__endswith=kind_suffix).select_related(
        "recipient"
    ):
        counts[note.recipient.username] = counts.get(note.recipient.username, 0) + 1
    return counts


@pytest.fixture
def proposal_in(team, member):
    def make(state, since=START, **fields):
        return factories.proposal_in_state(
            state, team=team, applicant=member, state_changed_at=since, **fields
        )

    return make


# proposal.endorsement: 2 working days, the team's managers


def test_endorsement_reminder_goes_to_the_managers_after_two_working_days(
    proposal_in, manager, member, comms
):
    proposal_in(State.AWAITING_ENDORSEMENT)
    due = CAL.add_working_days(START, 2)
    assert due == datetime.datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)

    assert sweep_at(due - MINUTE) == 0
    assert told("proposal.endorsement.remind") == {}

    assert sweep_at(due) == 1
    assert told("proposal.endorsement.remind") == {"manager": 1}
    note = Notification.objects.get(kind="reminder.proposal.endorsement.remind")
    assert note.reminder and not note.urgent
    assert "2 working days" in note.body
    assert note.url.startswith("/proposals/")

    assert sweep_at(due + MINUTE) == 0
    assert sweep_at(due + datetime.timedelta(days=30)) == 0
    assert told("proposal.endorsement.remind") == {"manager": 1}
    assert ReminderSent.objects.count() == 1


def test_endorsement_reminder_waits_over_easter(proposal_in, manager):
    # Wednesday 1 April 2026, 10:00: Good Friday and Easter Monday are bank holidays.
    since = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=LONDON)
    proposal_in(State.AWAITING_ENDORSEMENT, since=since)
    due = CAL.add_working_days(since, 2)
    assert due == datetime.datetime(2026, 4, 7, 10, 0, tzinfo=LONDON)

    assert sweep_at(datetime.datetime(2026, 4, 3, 12, 0, tzinfo=LONDON)) == 0  # Good Friday
    assert sweep_at(datetime.datetime(2026, 4, 6, 16, 0, tzinfo=LONDON)) == 0  # Easter Monday
    assert sweep_at(due - MINUTE) == 0
    assert sweep_at(due) == 1
    assert told("proposal.endorsement.remind") == {"manager": 1}


def test_a_team_without_a_manager_has_its_endorsement_reminder_sent_to_comms(
    proposal_in, member, comms
):
    proposal_in(State.AWAITING_ENDORSEMENT)
    sweep_at(CAL.add_working_days(START, 2))
    assert told("proposal.endorsement.remind") == {"comms": 1}
    note = Notification.objects.get(recipient=comms)
    assert "communications team is told instead" in note.body


# proposal.pickup: 2 working days comms, 4 working days the head of comms


def test_an_unpicked_proposal_reminds_comms_then_escalates_to_the_head(
    proposal_in, comms, comms2, head, manager
):
    proposal_in(State.SUBMITTED)
    remind = CAL.add_working_days(START, 2)
    escalate = CAL.add_working_days(START, 4)
    assert escalate == datetime.datetime(2026, 3, 6, 10, 0, tzinfo=LONDON)

    assert sweep_at(remind - MINUTE) == 0
    assert sweep_at(remind) == 1
    # The head of communications is in the communications team too.
    assert told("proposal.pickup.remind") == {"comms": 1, "comms2": 1, "head": 1}
    assert told("proposal.pickup.escalate") == {}

    assert sweep_at(escalate - MINUTE) == 0
    assert sweep_at(escalate) == 1
    assert told("proposal.pickup.escalate") == {"head": 1}
    assert sweep_at(escalate + MINUTE) == 0
    assert told("proposal.pickup.remind") == {"comms": 1, "comms2": 1, "head": 1}
    assert told("proposal.pickup.escalate") == {"head": 1}


def test_pickup_reminder_and_escalation_skip_the_may_day_bank_holiday(proposal_in, comms, head):
    # Thursday 30 April 2026; Monday 4 May is the Early May bank holiday.
    since = datetime.datetime(2026, 4, 30, 10, 0, tzinfo=LONDON)
    proposal_in(State.SUBMITTED, since=since)
    remind = datetime.datetime(2026, 5, 5, 10, 0, tzinfo=LONDON)
    escalate = datetime.datetime(2026, 5, 7, 10, 0, tzinfo=LONDON)
    assert (CAL.add_working_days(since, 2), CAL.add_working_days(since, 4)) == (remind, escalate)
    assert sweep_at(datetime.datetime(2026, 5, 4, 16, 0, tzinfo=LONDON)) == 0
    assert sweep_at(remind - MINUTE) == 0
    assert sweep_at(remind) == 1
    assert sweep_at(escalate - MINUTE) == 0
    assert sweep_at(escalate) == 1
    assert told("proposal.pickup.remind") == {"comms": 1, "head": 1}
    assert told("proposal.pickup.escalate") == {"head": 1}


def test_a_late_sweep_tells_each_person_only_the_latest_stage_due(proposal_in, comms, head):
    proposal = proposal_in(State.SUBMITTED)
    assert sweep_at(CAL.add_working_days(START, 9)) == 2
    assert sweep_at(CAL.add_working_days(START, 9)) == 0
    # The head would have had the reminder and its escalation at once: only the latter.
    assert told("proposal.pickup.remind") == {"comms": 1}
    assert told("proposal.pickup.escalate") == {"head": 1}
    ledger = ReminderSent.objects.filter(object_id=proposal.pk, rule="proposal.pickup")
    assert sorted(ledger.values_list("stage", "recipient_count", "passed_to")) == [
        ("escalate", 1, ""),
        ("remind", 1, ""),
    ]


def test_a_resubmitted_proposal_with_a_reviewer_reminds_the_reviewer_only(
    proposal_in, comms, comms2, head
):
    proposal_in(State.SUBMITTED, reviewer=comms2)
    sweep_at(CAL.add_working_days(START, 2))
    assert told("proposal.pickup.remind") == {"comms2": 1}


def test_pickup_escalation_across_a_weekend_and_the_spring_clock_change(proposal_in, head):
    # Thursday 26 March 2026, 15:00 GMT; clocks go forward on Sunday 29 March.
    since = datetime.datetime(2026, 3, 26, 15, 0, tzinfo=LONDON)
    proposal_in(State.SUBMITTED, since=since)
    escalate = CAL.add_working_days(since, 4)
    assert escalate == datetime.datetime(2026, 4, 1, 15, 0, tzinfo=LONDON)  # BST
    assert sweep_at(escalate - MINUTE) == 1  # the first stage, long since due
    assert told("proposal.pickup.escalate") == {}
    assert sweep_at(escalate) == 1
    assert told("proposal.pickup.escalate") == {"head": 1}


# proposal.changes: 10 working days, the applicant


def test_changes_requested_and_no_response_reminds_the_applicant(proposal_in, member, manager):
    proposal_in(State.CHANGES_REQUESTED)
    due = CAL.add_working_days(START, 10)
    assert due == datetime.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)
    assert sweep_at(due - MINUTE) == 0
    assert sweep_at(due) == 1
    assert sweep_at(due + datetime.timedelta(hours=1)) == 0
    assert told("proposal.changes.remind") == {"member": 1}


def test_changes_requested_over_christmas_counts_only_working_days(proposal_in, member):
    # Monday 21 December 2026: Christmas Friday, Boxing Day Saturday (substitute Monday 28),
    # New Year's Day Friday.
    since = datetime.datetime(2026, 12, 21, 10, 0, tzinfo=LONDON)
    proposal_in(State.CHANGES_REQUESTED, since=since)
    due = CAL.add_working_days(since, 10)
    assert due == datetime.datetime(2027, 1, 7, 10, 0, tzinfo=LONDON)
    assert sweep_at(datetime.datetime(2026, 12, 28, 12, 0, tzinfo=LONDON)) == 0
    assert sweep_at(due - MINUTE) == 0
    assert sweep_at(due) == 1
    assert told("proposal.changes.remind") == {"member": 1}


def test_a_second_round_of_changes_is_reminded_again(proposal_in, member):
    proposal = proposal_in(State.CHANGES_REQUESTED)
    first_due = CAL.add_working_days(START, 10)
    assert sweep_at(first_due) == 1
    # The team resubmitted, and comms asked for changes again a little later.
    again = first_due + datetime.timedelta(days=1)
    AccountRequest.objects.filter(pk=proposal.pk).update(state_changed_at=again)
    assert sweep_at(first_due + datetime.timedelta(days=2)) == 0
    assert sweep_at(CAL.add_working_days(again, 10)) == 1
    assert told("proposal.changes.remind") == {"member": 2}
    assert ReminderSent.objects.filter(rule="proposal.changes").count() == 2


# account.setup: 10 working days, the team and comms


def test_an_account_still_setting_up_after_ten_working_days_reminds_team_and_comms(
    team, manager, member, outsider, comms, head
):
    account = factories.managed_account(team=team, state=ManagedAccount.State.SETTING_UP)
    ManagedAccount.objects.filter(pk=account.pk).update(state_changed_at=START)
    due = CAL.add_working_days(START, 10)
    assert sweep_at(due - MINUTE) == 0
    assert sweep_at(due) == 1
    assert sweep_at(due) == 0
    assert told("account.setup.remind") == {"manager": 1, "member": 1, "comms": 1, "head": 1}


def test_set_up_reminder_skips_the_spring_bank_holiday(team, member, comms):
    # Monday 18 May 2026; Monday 25 May is the Spring bank holiday.
    since = datetime.datetime(2026, 5, 18, 10, 0, tzinfo=LONDON)
    account = factories.managed_account(team=team, state=ManagedAccount.State.SETTING_UP)
    ManagedAccount.objects.filter(pk=account.pk).update(state_changed_at=since)
    due = CAL.add_working_days(since, 10)
    assert due == datetime.datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)
    assert sweep_at(datetime.datetime(2026, 5, 25, 12, 0, tzinfo=LONDON)) == 0
    # Without the bank holiday it would have been due on Monday 1 June.
    assert sweep_at(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)) == 0
    assert sweep_at(due) == 1
    assert sweep_at(due) == 0
    assert told("account.setup.remind") == {"member": 1, "comms": 1}


def test_an_active_account_is_not_reminded_about_set_up(team, member, comms):
    account = factories.managed_account(team=team, state=ManagedAccount.State.ACTIVE)
    ManagedAccount.objects.filter(pk=account.pk).update(state_changed_at=START)
    assert sweep_at(CAL.add_working_days(START, 30)) == 0


# policy.review: 30 days before the date, and on the date, the head of comms


@pytest.fixture
def review_due_on(db):
    def set_date(day):
        profile = OrganisationProfile.load()
        profile.policy_review_due = day
        profile.save()
        return profile

    return set_date


def test_the_policy_review_reminds_the_head_thirty_days_before_and_on_the_day(
    review_due_on, head, comms
):
    review_due_on(datetime.date(2026, 4, 30))
    # 30 days before is Tuesday 31 March; 00:05 in London is still 30 March in UTC.
    assert sweep_at(datetime.datetime(2026, 3, 30, 23, 59, tzinfo=LONDON)) == 0
    assert sweep_at(datetime.datetime(2026, 3, 31, 0, 5, tzinfo=LONDON)) == 1
    assert told("policy.review.approaching") == {"head": 1}
    note = Notification.objects.get(kind="reminder.policy.review.approaching")
    assert "Thursday 30 April 2026" in note.title
    assert note.url == "/organisation/"
    # At five past midnight the e-mail waits for office hours.
    assert note.send_after == datetime.datetime(2026, 3, 31, 9, 0, tzinfo=LONDON)

    assert sweep_at(datetime.datetime(2026, 4, 29, 18, 0, tzinfo=LONDON)) == 0
    assert sweep_at(datetime.datetime(2026, 4, 30, 8, 0, tzinfo=LONDON)) == 1
    assert sweep_at(datetime.datetime(2026, 4, 30, 8, 5, tzinfo=LONDON)) == 0
    assert told("policy.review.due") == {"head": 1}
    assert told("policy.review.approaching") == {"head": 1}


def test_a_policy_reminder_falling_on_a_bank_holiday_is_written_but_e_mailed_after_it(
    review_due_on, head
):
    # 30 days before 3 May 2026 is Good Friday, 3 April.
    review_due_on(datetime.date(2026, 5, 3))
    assert sweep_at(datetime.datetime(2026, 4, 3, 11, 0, tzinfo=LONDON)) == 1
    note = Notification.objects.get(recipient=head)
    assert note.send_after == datetime.datetime(2026, 4, 7, 9, 0, tzinfo=LONDON)


def test_a_new_review_date_starts_the_reminders_again(review_due_on, head):
    review_due_on(datetime.date(2026, 4, 30))
    sweep_at(datetime.datetime(2026, 5, 1, 10, 0, tzinfo=LONDON))
    assert ReminderSent.objects.filter(rule="policy.review").count() == 2
    review_due_on(datetime.date(2028, 4, 30))
    assert sweep_at(datetime.datetime(2026, 5, 1, 10, 5, tzinfo=LONDON)) == 0
    assert sweep_at(datetime.datetime(2028, 4, 1, 10, 0, tzinfo=LONDON)) == 1
    # The first date was already past when swept: the head was told it was overdue, not
    # that it was coming; the new date is announced ahead.
    assert told("policy.review.approaching") == {"head": 1}
    assert told("policy.review.due") == {"head": 1}


def test_no_review_date_means_no_policy_reminder(head):
    OrganisationProfile.load()
    assert sweep_at(datetime.datetime(2030, 1, 1, 10, 0, tzinfo=LONDON)) == 0


# Waits from configuration


def test_a_wait_can_be_changed_by_configuration(settings, proposal_in, comms):
    settings.REMINDER_WAITS = {"proposal.pickup.remind": "3wd"}
    proposal_in(State.SUBMITTED)
    assert sweep_at(CAL.add_working_days(START, 2)) == 0
    assert sweep_at(CAL.add_working_days(START, 3)) == 1


def test_working_hours_can_be_configured_for_a_wait(settings, proposal_in, manager):
    settings.REMINDER_WAITS = {"proposal.endorsement.remind": "4wh"}
    proposal_in(State.AWAITING_ENDORSEMENT)
    assert sweep_at(datetime.datetime(2026, 3, 2, 13, 59, tzinfo=LONDON)) == 0
    assert sweep_at(datetime.datetime(2026, 3, 2, 14, 0, tzinfo=LONDON)) == 1


def test_office_hours_from_the_profile_change_when_reminders_fall_due(proposal_in, manager):
    profile = OrganisationProfile.load()
    profile.office_opens = datetime.time(8, 0)
    profile.office_closes = datetime.time(16, 0)
    profile.save()
    proposal_in(State.AWAITING_ENDORSEMENT)  # Monday 10:00: 6 hours left that day
    due = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)
    assert sweep_at(due - MINUTE) == 0
    assert sweep_at(due) == 1


# The sweep stays set-based


def test_the_sweep_asks_a_fixed_number_of_queries_when_nothing_is_due(
    proposal_in, django_assert_max_num_queries, comms
):
    # One query a stage, and a few to start: never one a record.
    bound = sum(len(rule.stages) for rule in engine.load_rules()) + 5
    for _ in range(3):
        proposal_in(State.SUBMITTED)
    with django_assert_max_num_queries(bound):
        sweep_at(START + MINUTE)
    for _ in range(30):
        proposal_in(State.SUBMITTED)
    with django_assert_max_num_queries(bound):
        sweep_at(START + MINUTE)


def test_records_already_reminded_are_left_out_by_the_database(proposal_in, comms):
    for _ in range(5):
        proposal_in(State.SUBMITTED)
    remind = CAL.add_working_days(START, 2)
    sweep_at(remind)
    rule = next(r for r in engine.load_rules() if r.key == "proposal.pickup")
    assert list(engine.due_records(rule, rule.stage("remind"), remind, CAL)) == []
    assert len(engine.due_records(rule, rule.stage("escalate"), remind, CAL)) == 0


def test_a_record_that_moved_on_after_the_sweep_read_it_is_not_reminded(proposal_in, comms):
    proposal = proposal_in(State.SUBMITTED)
    remind = CAL.add_working_days(START, 2)
    rule = next(r for r in engine.load_rules() if r.key == "proposal.pickup")
    stage = rule.stage("remind")
    [stale] = engine.due_records(rule, stage, remind, CAL)
    AccountRequest.objects.filter(pk=proposal.pk).update(state=State.IN_REVIEW)
    assert engine.send_stage(rule, stage, stale, now=remind, calendar=CAL) is False
    assert not ReminderSent.objects.exists()
    assert not Notification.objects.exists()


# A stage that runs a job instead of telling people


def test_a_job_stage_runs_once_for_each_record_and_wait(settings, review_due_on):
    from tests.portal import reminder_tables

    settings.REMINDER_RULE_TABLES = ["tests.portal.reminder_tables.JOBS"]
    reminder_tables.RUNS.clear()
    profile = review_due_on(datetime.date(2026, 3, 2))
    assert sweep_at(datetime.datetime(2026, 3, 1, 23, 0, tzinfo=LONDON)) == 0
    assert sweep_at(START) == 1
    assert sweep_at(START) == 0
    assert [profile.pk] == reminder_tables.RUNS
    assert not Notification.objects.exists()


def test_a_date_rule_already_reminded_is_left_out_by_the_database(review_due_on, head):
    review_due_on(datetime.date(2026, 4, 30))
    moment = datetime.datetime(2026, 4, 1, 10, 0, tzinfo=LONDON)
    rule = next(r for r in engine.load_rules() if r.key == "policy.review")
    stage = rule.stage("approaching")
    assert len(engine.due_records(rule, stage, moment, CAL)) == 1
    sweep_at(moment)
    assert len(engine.due_records(rule, stage, moment, CAL)) == 0


def test_one_record_that_fails_does_not_hold_up_the_others(monkeypatch, proposal_in, comms):
    first = proposal_in(State.SUBMITTED)
    second = proposal_in(State.SUBMITTED, since=START + MINUTE)
    real_send = engine.send_stage

    def send_or_fail(rule, stage, record, **kwargs):
        if record.pk == first.pk:
            raise RuntimeError("the mail template is broken")
        return real_send(rule, stage, record, **kwargs)

    monkeypatch.setattr(engine, "send_stage", send_or_fail)
    assert sweep_at(CAL.add_working_days(START, 3)) == 1
    assert list(ReminderSent.objects.values_list("object_id", flat=True)) == [second.pk]
    monkeypatch.setattr(engine, "send_stage", real_send)
    assert sweep_at(CAL.add_working_days(START, 3)) == 1
    assert ReminderSent.objects.count() == 2
