"""The account rules on the reminder engine, each with the clock set: before due, due,
escalated, on a bank holiday, and swept twice in a row.

Annual reviews (30 days before, and on the day), improvement-plan re-reviews, monthly
figures missing by the fifth working day, and credential-change notices waiting for
acknowledgement (comms after 4 working hours, the head after a working day).
"""

import dataclasses
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts_requests import services_notices
from accounts_requests.kpi import reviews
from accounts_requests.models import CredentialChangeNotice, ManagedAccount
from portal.models import Notification, ReminderSent
from portal.reminders import engine
from portal.worktime import WorkingCalendar
from tests import kpi_factories
from tests.accounts_requests.fixtures_accounts import live, ready, vault_key

__all__ = ["live", "ready", "vault_key"]

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar()
MINUTE = datetime.timedelta(minutes=1)
State = ManagedAccount.State
Notice = CredentialChangeNotice


def at(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def sweep_at(moment):
    with freeze_time(moment):
        return engine.sweep()


def told(kind):
    """{username: count} of the reminders of one rule stage."""
    counts = {}
    for note in Notification.objects.filter(kind=f"reminder.{kind}").select_related("recipient"):
        counts[note.recipient.username] = counts.get(note.recipient.username, 0) + 1
    return counts


@pytest.fixture
def everyone(manager, member, comms, head, outsider):
    """The team (manager, member), comms and the head; an outsider who must hear nothing."""


def team_and_comms(counts):
    return set(counts) == {"manager", "member", "comms", "head"} and set(counts.values()) == {1}


# account.review: 30 days before the annual review, and when it falls due


def _reporting(account, *months):
    for month in months:
        kpi_factories.figures(account, month)


def test_an_annual_review_is_announced_30_days_ahead_and_again_when_due(team, everyone):
    account = kpi_factories.account(team, name="Due", activated_at=at(2025, 5, 1, 9))
    assert account.review_due_on == datetime.date(2026, 5, 1)

    sweep_at(at(2026, 3, 31, 23, 59))
    assert told("account.review.approaching") == {}
    sweep_at(at(2026, 4, 1, 0, 5))
    assert team_and_comms(told("account.review.approaching"))
    note = Notification.objects.filter(kind="reminder.account.review.approaching").first()
    assert note.title == "Annual review due on Friday 1 May 2026: Due (Facebook)"
    assert note.url == account.get_absolute_url()
    assert note.send_after == at(2026, 4, 1, 9, 0)  # ordinary: waits for office hours

    sweep_at(at(2026, 4, 30, 23, 0))
    assert told("account.review.overdue") == {}
    sweep_at(at(2026, 5, 1, 10, 0))
    sweep_at(at(2026, 5, 1, 10, 5))  # twice in a row: once
    sweep_at(at(2026, 5, 20, 10, 0))
    assert team_and_comms(told("account.review.overdue"))
    note = Notification.objects.filter(kind="reminder.account.review.overdue").first()
    assert note.title == "Review due: Due (Facebook)"
    assert note.body.startswith(
        "The annual review of Due (Facebook), run by Perinatal Mental Health, fell due on "
        "Friday 1 May 2026 and has not started."
    )
    assert team_and_comms(told("account.review.approaching"))  # not sent again


def test_a_review_already_overdue_when_first_swept_is_told_once_as_overdue(team, everyone):
    # Made with an old activation date: its review fell due before any sweep saw it.
    account = kpi_factories.account(team, name="Late", activated_at=at(2025, 5, 1, 9))
    sweep_at(at(2026, 5, 20, 10, 0))
    assert told("account.review.approaching") == {}  # "due on 1 May" beside "overdue": no
    assert team_and_comms(told("account.review.overdue"))
    ledger = ReminderSent.objects.filter(object_id=account.pk, rule="account.review")
    assert sorted(ledger.values_list("stage", "recipient_count", "passed_to")) == [
        ("approaching", 0, "overdue"),
        ("overdue", 4, ""),
    ]
    assert sweep_at(at(2026, 5, 20, 10, 5)) == 0  # the passed stage stays closed
    assert told("account.review.approaching") == {}


def test_a_stage_whose_people_a_later_stage_tells_only_in_part_goes_to_the_rest(team, everyone):
    # The review's first stage widened to the head alone next to the same stage as
    # shipped: the team and comms would hear of it twice, the head not at all.
    from portal.reminders import recipients

    [rule] = [rule for rule in engine.load_rules() if rule.key == "account.review"]
    approaching, overdue = rule.stages
    account = kpi_factories.account(team, name="Late", activated_at=at(2025, 5, 1, 9))
    narrowed = dataclasses.replace(overdue, tell=recipients.comms)
    with freeze_time(at(2026, 5, 20, 10, 0)):
        now = timezone.now()
        later = [(narrowed, narrowed.after.cutoff(now, CAL, dates=True))]
        assert engine.send_stage(rule, approaching, account, now=now, calendar=CAL, later=later)
    assert set(told("account.review.approaching")) == {"manager", "member"}
    row = ReminderSent.objects.get(object_id=account.pk, stage="approaching")
    assert (row.recipient_count, row.passed_to) == (2, "")


def test_a_review_falling_due_on_a_bank_holiday_is_e_mailed_the_next_working_morning(
    team, everyone
):
    # Activated on the early May bank holiday of 2025: due on 4 May 2026, also a holiday.
    account = kpi_factories.account(team, activated_at=at(2025, 5, 5, 12))
    assert account.review_due_on == datetime.date(2026, 5, 5)
    account = kpi_factories.account(team, name="Holiday", activated_at=at(2025, 5, 4, 12))
    assert account.review_due_on == datetime.date(2026, 5, 4)
    sweep_at(at(2026, 5, 4, 11, 0))
    notes = Notification.objects.filter(kind="reminder.account.review.overdue")
    assert {n.title for n in notes} == {"Review due: Holiday (Facebook)"}
    assert {n.send_after for n in notes} == {at(2026, 5, 5, 9, 0)}


def test_starting_the_review_stops_its_reminders(team, comms, everyone):
    account = kpi_factories.account(team, activated_at=at(2025, 5, 1, 9))
    with freeze_time(at(2026, 4, 20, 10)):
        reviews.account_review_start(actor=comms, account_id=account.pk)
    sweep_at(at(2026, 5, 2, 10, 0))
    assert told("account.review.overdue") == {}


def test_deciding_a_review_sets_the_next_one_a_year_on(team, comms, everyone):
    account = kpi_factories.account(team, activated_at=at(2025, 5, 1, 9))
    with freeze_time(at(2026, 5, 6, 10)):
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        reviews.account_review_decide(
            actor=comms, review_id=review.pk, outcome="continue", reasons="On target."
        )
    account.refresh_from_db()
    assert account.review_due_on == datetime.date(2027, 5, 6)
    sweep_at(at(2026, 5, 20, 10, 0))
    assert told("account.review.overdue") == {}
    sweep_at(at(2027, 5, 6, 10, 0))
    assert team_and_comms(told("account.review.overdue"))


def test_a_suspended_account_waits_and_picks_its_reminder_up_when_resolved(
    team, member, comms, everyone, vault_key
):
    from accounts_requests import services_accounts

    account = kpi_factories.account(team, activated_at=at(2025, 5, 1, 9))
    with freeze_time(at(2026, 4, 28, 10)):
        services_notices.notice_file(
            actor=member,
            account_id=account.pk,
            what_changed=Notice.What.PASSWORD,
            reason=Notice.Reason.COMPROMISE,
            changed_at=at(2026, 4, 28, 9),
        )
    sweep_at(at(2026, 5, 1, 10, 0))
    assert told("account.review.overdue") == {}
    with freeze_time(at(2026, 5, 5, 10)):
        services_accounts.incident_resolve(actor=comms, account_id=account.pk, note="Fixed.")
    sweep_at(at(2026, 5, 5, 10, 5))
    assert team_and_comms(told("account.review.overdue"))


# account.re_review: the improvement plan's re-review date


def test_an_improvement_plan_re_review_reminds_the_team_and_comms_on_its_date(
    team, comms, everyone
):
    account = kpi_factories.account(team, activated_at=at(2024, 1, 10, 9))
    with freeze_time(at(2026, 3, 2, 10)):
        review = reviews.account_review_start(actor=comms, account_id=account.pk)
        reviews.account_review_decide(
            actor=comms,
            review_id=review.pk,
            outcome="improvement_plan",
            reasons="Low engagement.",
            actions="Post twice a week.",
            re_review_on=datetime.date(2026, 6, 2),
        )
    account.refresh_from_db()
    assert (account.state, account.review_due_on) == (
        State.IMPROVEMENT_PLAN,
        datetime.date(2026, 6, 2),
    )
    sweep_at(at(2026, 6, 1, 23, 0))
    assert told("account.re_review.due") == {}
    sweep_at(at(2026, 6, 2, 8, 0))
    sweep_at(at(2026, 6, 2, 8, 5))
    assert team_and_comms(told("account.re_review.due"))
    assert told("account.review.overdue") == {}  # the annual rule leaves plans alone
    note = Notification.objects.filter(kind="reminder.account.re_review.due").first()
    assert note.title == "Re-review due: Team page (Facebook)"
    assert note.send_after == at(2026, 6, 2, 9, 0)


def test_a_re_review_date_on_a_bank_holiday_is_e_mailed_after_it(team, comms, everyone):
    account = kpi_factories.account(team, state="improvement_plan", activated_at=at(2024, 1, 1))
    kpi_factories.review(
        account,
        comms,
        outcome="improvement_plan",
        reasons="Low.",
        actions="Post.",
        re_review_on=datetime.date(2026, 5, 25),  # spring bank holiday
        decided_at=at(2026, 2, 25, 10),
    )
    sweep_at(at(2026, 5, 25, 12, 0))
    notes = Notification.objects.filter(kind="reminder.account.re_review.due")
    assert notes.count() == 4
    assert {n.send_after for n in notes} == {at(2026, 5, 26, 9, 0)}


# account.figures: last month's figures missing by the fifth working day


def test_teams_are_reminded_once_a_month_while_last_months_figures_are_missing(
    team, member, manager, comms, everyone
):
    silent = kpi_factories.account(team, name="Silent", activated_at=at(2023, 1, 1))
    kpi_factories.figures(silent, (2026, 1))
    kpi_factories.account(team, name="New", activated_at=at(2026, 3, 20))  # live mid-March
    reporting = kpi_factories.account(team, name="Reporting", activated_at=at(2023, 1, 1))
    kpi_factories.figures(reporting, (2026, 3))
    closed = kpi_factories.account(
        team, name="Closed", state="closed", activated_at=at(2023, 1, 1)
    )
    assert closed

    # April 2026: Good Friday (3rd) and Easter Monday (6th) are bank holidays, so the fifth
    # working day is Thursday 9 April.
    assert CAL.working_day_of_month(2026, 4, 5) == datetime.date(2026, 4, 9)
    sweep_at(at(2026, 4, 8, 16, 59))
    assert told("account.figures.remind") == {}
    sweep_at(at(2026, 4, 9, 9, 0))
    sweep_at(at(2026, 4, 9, 9, 5))  # twice in a row: once
    assert told("account.figures.remind") == {"member": 1, "manager": 1}
    note = Notification.objects.get(recipient=member, kind="reminder.account.figures.remind")
    assert note.title == "Figures needed: Silent (Facebook)"
    assert note.send_after is None  # office hours: it goes now

    # Everyone enters April in time: nothing in May. Nobody enters May: all three in June,
    # the new account included now that it was live for the whole of May.
    for account in ManagedAccount.objects.exclude(state=State.CLOSED):
        kpi_factories.figures(account, (2026, 4))
    sweep_at(at(2026, 5, 20, 10, 0))
    assert told("account.figures.remind") == {"member": 1, "manager": 1}
    sweep_at(at(2026, 6, 4, 16, 0))
    assert told("account.figures.remind") == {"member": 1, "manager": 1}
    sweep_at(at(2026, 6, 5, 9, 0))  # the fifth working day of June 2026
    assert told("account.figures.remind") == {"member": 4, "manager": 4}


# credential.acknowledge: comms after 4 working hours, the head after a working day


def _notice(account, member, when):
    with freeze_time(when):
        return services_notices.notice_file(
            actor=member,
            account_id=account.pk,
            what_changed=Notice.What.PASSWORD,
            reason=Notice.Reason.ROUTINE,
            changed_at=when - datetime.timedelta(minutes=30),
            password="the-new-one-42",
        )


def test_an_unacknowledged_notice_reminds_comms_then_escalates_to_the_head(
    live, member, comms, head
):
    reported = at(2026, 3, 2, 10, 0)  # a Monday
    _notice(live, member, reported)
    sweep_at(at(2026, 3, 2, 13, 59))
    assert told("credential.acknowledge.remind") == {}
    sweep_at(at(2026, 3, 2, 14, 0))
    sweep_at(at(2026, 3, 2, 14, 5))
    assert set(told("credential.acknowledge.remind")) >= {"comms"}
    assert "member" not in told("credential.acknowledge.remind")
    sweep_at(at(2026, 3, 3, 9, 59))
    assert told("credential.acknowledge.escalate") == {}
    sweep_at(at(2026, 3, 3, 10, 0))
    sweep_at(at(2026, 3, 3, 10, 5))
    assert told("credential.acknowledge.escalate") == {"head": 1}
    note = Notification.objects.get(kind="reminder.credential.acknowledge.escalate")
    assert (
        note.title
        == "Not acknowledged for 1 working day: login change on Perinatal Peers (Facebook)"
    )
    assert "s3cret" not in note.body


def test_notice_reminders_skip_the_may_day_bank_holiday(live, member, comms, head):
    # Friday 1 May 2026, 15:00: two working hours that day, then Tuesday (Monday 4 May is
    # a bank holiday).
    _notice(live, member, at(2026, 5, 1, 15, 0))
    sweep_at(at(2026, 5, 4, 12, 0))
    assert told("credential.acknowledge.remind") == {}
    sweep_at(at(2026, 5, 5, 10, 59))
    assert told("credential.acknowledge.remind") == {}
    sweep_at(at(2026, 5, 5, 11, 0))
    assert "comms" in told("credential.acknowledge.remind")
    sweep_at(at(2026, 5, 5, 14, 59))
    assert told("credential.acknowledge.escalate") == {}
    sweep_at(at(2026, 5, 5, 15, 0))
    assert told("credential.acknowledge.escalate") == {"head": 1}


def test_acknowledging_in_time_sends_nothing(live, member, comms, head):
    notice = _notice(live, member, at(2026, 3, 2, 10, 0))
    with freeze_time(at(2026, 3, 2, 11, 0)):
        services_notices.notice_acknowledge(actor=comms, notice_id=notice.pk)
    sweep_at(at(2026, 3, 4, 10, 0))
    assert told("credential.acknowledge.remind") == {}
    assert told("credential.acknowledge.escalate") == {}
    assert not ReminderSent.objects.filter(rule="credential.acknowledge").exists()


def test_a_notice_on_a_closed_account_waits_for_nobody(live, member, comms, head):
    _notice(live, member, at(2026, 3, 2, 10, 0))
    ManagedAccount.objects.filter(pk=live.pk).update(state=State.CLOSED)
    sweep_at(at(2026, 3, 4, 10, 0))
    assert told("credential.acknowledge.remind") == {}


# No second mechanism


def test_the_old_review_and_figures_jobs_are_gone_from_the_beat_schedule():
    from portal.celery import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert not {t for t in tasks if "reminders" in t and not t.startswith("portal.")}
    assert "portal.tasks.sweep_reminders" in tasks
    with pytest.raises(LookupError):
        from django.apps import apps

        apps.get_model("accounts_requests", "AccountReminder")


def test_the_home_panel_keeps_each_rules_wait_and_flags_for_an_account_in_two(
    team, member, everyone
):
    """One account can wait under two rules at once (its review is due and last month's
    figures are missing): the panel reads the account once but shows it under each rule
    with that rule's own wait, due date and sent stages."""
    from portal.reminders import selectors

    account = kpi_factories.account(
        team,
        name="Both",
        activated_at=at(2023, 1, 1),
        review_due_on=datetime.date(2026, 4, 20),
    )
    sweep_at(at(2026, 4, 9, 9, 0))  # the review's heads-up and the figures reminder go
    with freeze_time(at(2026, 4, 9, 10, 0)):
        items = selectors.upcoming_for(member)
    by_rule = {item.rule.key: item for item in items}
    assert set(by_rule) == {"account.review", "account.figures"}
    review, figures = by_rule["account.review"], by_rule["account.figures"]
    assert review.record.pk == figures.record.pk == account.pk
    assert review.record is not figures.record
    assert review.since == datetime.date(2026, 4, 20)
    assert figures.since == at(2026, 4, 9, 9, 0)
    assert [view.sent for view in review.stages] == [True, False]
    assert [view.sent for view in figures.stages] == [True]
    assert review.due_text == "Mon 20 Apr 2026"
    assert str(review.record) == "Both (Facebook)" and review.team == team
