"""A concern reported by staff that nobody picks up is chased: comms after four working
hours, the head of communications too after a working day; picking it up stops both."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from portal.models import Concern, Notification
from portal.reminders import engine
from portal.services import concerns as services
from portal.worktime import WorkingCalendar

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar()
MINUTE = datetime.timedelta(minutes=1)
FRIDAY_3PM = datetime.datetime(2026, 3, 6, 15, 0, tzinfo=LONDON)


def report(reporter, at=FRIDAY_3PM):
    with freeze_time(at):
        return services.concern_report(
            actor=reporter,
            kind=Concern.Kind.IMITATION,
            link="https://www.facebook.com/not-the-trust",
            what_worries="A page uses our logo and asks people for their details.",
        )


def told(stage):
    counts = {}
    for note in Notification.objects.filter(kind=f"reminder.concern.pickup.{stage}"):
        counts[note.recipient.username] = counts.get(note.recipient.username, 0) + 1
    return counts


def sweep_at(moment):
    with freeze_time(moment):
        return engine.sweep()


def test_a_concern_nobody_picks_up_reminds_comms_then_the_head(member, comms, head):
    concern = report(member)
    # Four working hours from 3 pm on Friday: two on Friday, two on Monday morning.
    remind = datetime.datetime(2026, 3, 9, 11, 0, tzinfo=LONDON)
    assert CAL.add_working_hours(FRIDAY_3PM, 4) == remind
    sweep_at(remind - MINUTE)
    assert told("remind") == {}
    sweep_at(remind)
    sweep_at(remind + MINUTE)
    assert told("remind") == {"comms": 1, "head": 1}
    note = Notification.objects.filter(kind="reminder.concern.pickup.remind").first()
    assert note.title == f"Concern {concern.pk} not yet picked up"
    assert note.url == concern.get_absolute_url()
    # The message names what was reported, never the reporter or their words.
    assert note.body.startswith(f"Concern {concern.pk} (An account pretending to be the trust")
    assert str(member) not in note.body and "logo" not in note.body

    escalate = CAL.add_working_days(FRIDAY_3PM, 1)
    sweep_at(escalate - MINUTE)
    assert told("escalate") == {}
    sweep_at(escalate)
    assert told("escalate") == {"comms": 1, "head": 1}
    assert member.username not in {n.recipient.username for n in Notification.objects.all()}


def test_picking_a_concern_up_stops_the_reminders(member, comms, head):
    concern = report(member)
    with freeze_time(FRIDAY_3PM + datetime.timedelta(minutes=30)):
        services.concern_act(actor=comms, concern_id=concern.pk, action="acknowledge")
    sweep_at(CAL.add_working_days(FRIDAY_3PM, 5))
    assert not Notification.objects.filter(kind__startswith="reminder.concern.pickup")


def test_comms_see_the_waiting_concern_on_the_overview_and_the_reporter_does_not(
    member, comms, head, as_user
):
    concern = report(member)
    with freeze_time(CAL.add_working_days(FRIDAY_3PM, 2)):
        overview = as_user(comms).get(reverse("portal:reminders_due")).content.decode()
        home = as_user(member).get(reverse("portal:home")).content.decode()
    assert "Concerns reported by staff that nobody has picked up" in overview
    assert f"Concern {concern.pk}: An account pretending to be the trust" in overview
    assert f"Concern {concern.pk}:" not in home
