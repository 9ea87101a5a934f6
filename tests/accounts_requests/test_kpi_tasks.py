"""Reminders that keep reviews and figures on time: each sent once, in office hours."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts_requests.kpi import tasks
from accounts_requests.models import AccountReminder
from portal.models import Notification
from tests import kpi_factories

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


@freeze_time("2025-05-15 07:30")  # before office hours, a Thursday
def test_review_reminders_go_to_comms_once_in_office_hours(team, comms, member):
    due = kpi_factories.account(team, name="Due", activated_at=at(2024, 5, 1, 9))
    kpi_factories.account(team, name="Not due", activated_at=at(2024, 6, 1, 9))
    on_plan = kpi_factories.account(
        team, name="Plan", state="improvement_plan", activated_at=at(2023, 1, 1)
    )
    kpi_factories.review(
        on_plan,
        comms,
        outcome="improvement_plan",
        reasons="Low.",
        actions="Post.",
        re_review_on=datetime.date(2025, 5, 14),
        decided_at=at(2025, 2, 14, 10),
    )
    assert tasks.send_review_reminders() == 2
    assert tasks.send_review_reminders() == 0  # running again sends nothing
    notes = Notification.objects.filter(recipient=comms).order_by("title")
    assert [n.title for n in notes] == [
        "Review due: Due (Facebook)",
        "Review due: Plan (Facebook)",
    ]
    assert "fell due on 1 May 2025" in notes[0].body
    assert "re-review after its improvement plan" in notes[1].body
    assert all(n.send_after == at(2025, 5, 15, 9) for n in notes)
    assert AccountReminder.objects.get(account=due).due_on == datetime.date(2025, 5, 1)
    assert not Notification.objects.filter(recipient=member).exists()


@freeze_time("2025-05-15 10:00")
def test_teams_are_reminded_once_a_month_while_figures_are_missing(team, member, manager):
    silent = kpi_factories.account(team, name="Silent", activated_at=at(2023, 1, 1))
    kpi_factories.figures(silent, (2025, 1))
    kpi_factories.account(team, name="New", activated_at=at(2025, 4, 20))
    reporting = kpi_factories.account(team, name="Reporting", activated_at=at(2023, 1, 1))
    kpi_factories.figures(reporting, (2025, 4))
    assert tasks.send_figures_reminders() == 1
    assert tasks.send_figures_reminders() == 0
    note = Notification.objects.get(recipient=member)
    assert note.title == "Figures needed: Silent (Facebook)"
    assert "The latest figures are for Jan 2025." in note.body
    assert note.send_after is None  # office hours: sent now
    assert Notification.objects.filter(recipient=manager).count() == 1
    with freeze_time("2025-06-02 10:00"):
        assert tasks.send_figures_reminders() == 1  # a new month, a new reminder
