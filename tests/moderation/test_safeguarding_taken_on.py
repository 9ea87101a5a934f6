"""A safeguarding concern is taken on by the safeguarding lead, who records what was done;
until then the reminder engine chases it, the lead first and then the head of
communications."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from freezegun import freeze_time

from moderation import services
from moderation.models import Entry, EntryEvent, SafeguardingOutcome
from portal.models import Notification
from portal.reminders import engine
from tests import factories
from tests.moderation.helpers import entry_data, log_entry

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Monday, in office hours (09:00 to 17:00 on working days).
FLAGGED = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)


@pytest.fixture
def account(team):
    return factories.managed_account(team=team, name="Perinatal page")


@pytest.fixture
def concern(comms, account):
    with freeze_time(FLAGGED):
        return log_entry(comms, account, handle="@worried", safeguarding=True)


def _told(stage):
    return sorted(
        Notification.objects.filter(
            kind=f"reminder.moderation.safeguarding_taken_on.{stage}"
        ).values_list("recipient__username", flat=True)
    )


def _sweep(moment):
    with freeze_time(moment):
        engine.sweep()


def test_a_flagged_entry_waits_to_be_taken_on_and_a_plain_one_does_not(comms, account, concern):
    assert concern.safeguarding_flagged_at == FLAGGED
    assert concern.safeguarding_waiting
    plain = log_entry(comms, account, handle="@plain")
    assert plain.safeguarding_flagged_at is None and not plain.safeguarding_waiting


def test_the_lead_takes_it_on_with_what_was_done(safeguarding_lead, concern):
    with freeze_time(FLAGGED + datetime.timedelta(hours=1)):
        services.entry_safeguarding_take_on(
            actor=safeguarding_lead, entry_id=concern.pk, outcome=SafeguardingOutcome.REFERRED
        )
    concern.refresh_from_db()
    assert concern.safeguarding_taken_by == safeguarding_lead
    assert concern.safeguarding_taken_at == FLAGGED + datetime.timedelta(hours=1)
    assert not concern.safeguarding_waiting
    (event,) = EntryEvent.objects.filter(entry=concern, action="safeguarding_taken_on")
    assert event.actor == safeguarding_lead
    assert event.comment == "Referred to the local authority's safeguarding team."
    assert concern.history.first().history_change_reason == "safeguarding concern taken on"


def test_only_the_lead_takes_it_on_once_and_only_a_flagged_entry(
    comms, head, auditor, safeguarding_lead, account, concern
):
    for other in (comms, head, auditor):
        with pytest.raises(services.ActionRefused):
            services.entry_safeguarding_take_on(
                actor=other, entry_id=concern.pk, outcome=SafeguardingOutcome.POLICE
            )
    with pytest.raises(services.ActionError) as refused:
        services.entry_safeguarding_take_on(
            actor=safeguarding_lead, entry_id=concern.pk, outcome="made_up"
        )
    assert refused.value.errors == {"outcome": "Choose what was done."}
    plain = log_entry(comms, account, handle="@plain")
    with pytest.raises(services.ActionConflict):
        services.entry_safeguarding_take_on(
            actor=safeguarding_lead, entry_id=plain.pk, outcome=SafeguardingOutcome.POLICE
        )
    services.entry_safeguarding_take_on(
        actor=safeguarding_lead, entry_id=concern.pk, outcome=SafeguardingOutcome.TRUST_TEAM
    )
    with pytest.raises(services.ActionConflict):
        services.entry_safeguarding_take_on(
            actor=safeguarding_lead, entry_id=concern.pk, outcome=SafeguardingOutcome.POLICE
        )
    concern.refresh_from_db()
    assert concern.safeguarding_outcome == SafeguardingOutcome.TRUST_TEAM
    assert EntryEvent.objects.filter(action="safeguarding_taken_on").count() == 1


def test_flagged_again_after_being_cleared_it_is_a_new_concern(
    comms, safeguarding_lead, account, concern
):
    services.entry_safeguarding_take_on(
        actor=safeguarding_lead, entry_id=concern.pk, outcome=SafeguardingOutcome.POLICE
    )
    data = entry_data(account, handle="@worried", occurred_at=concern.occurred_at)
    data["safeguarding"] = False
    services.entry_update(actor=comms, entry_id=concern.pk, data=data)
    concern.refresh_from_db()
    assert concern.safeguarding_taken_by == safeguarding_lead  # what happened stays
    later = FLAGGED + datetime.timedelta(days=3)
    data["safeguarding"] = True
    with freeze_time(later):
        services.entry_update(actor=comms, entry_id=concern.pk, data=data)
    concern.refresh_from_db()
    assert concern.safeguarding_waiting and concern.safeguarding_flagged_at == later
    assert concern.safeguarding_taken_by is None and concern.safeguarding_outcome == ""


def test_the_lead_is_chased_after_four_working_hours_and_the_head_after_a_day(
    comms, head, safeguarding_lead, concern
):
    _sweep(FLAGGED + datetime.timedelta(hours=3, minutes=55))
    assert _told("remind") == []
    _sweep(FLAGGED + datetime.timedelta(hours=4, minutes=5))
    assert _told("remind") == ["safeguarding"]
    note = Notification.objects.get(kind="reminder.moderation.safeguarding_taken_on.remind")
    assert note.urgent and note.url == concern.get_absolute_url()
    assert "worried" not in note.title + note.body  # by its number, never the person
    _sweep(FLAGGED + datetime.timedelta(hours=23, minutes=55))
    assert _told("escalate") == []
    _sweep(FLAGGED + datetime.timedelta(days=1, minutes=5))
    assert _told("escalate") == ["head", "safeguarding"]
    # Running the sweep again sends nothing twice.
    _sweep(FLAGGED + datetime.timedelta(days=1, minutes=10))
    assert len(_told("remind") + _told("escalate")) == 3


def test_once_taken_on_nobody_is_chased(head, safeguarding_lead, concern):
    services.entry_safeguarding_take_on(
        actor=safeguarding_lead,
        entry_id=concern.pk,
        outcome=SafeguardingOutcome.NO_FURTHER_ACTION,
    )
    _sweep(FLAGGED + datetime.timedelta(days=3))
    assert _told("remind") == [] and _told("escalate") == []


def test_with_no_lead_the_communications_team_is_told(comms, concern):
    _sweep(FLAGGED + datetime.timedelta(hours=5))
    assert "comms" in _told("remind")


def test_the_lead_takes_it_on_from_the_entry_page(
    comms, auditor, safeguarding_lead, account, concern, as_user
):
    url = concern.get_absolute_url()
    page = as_user(safeguarding_lead).get(url).content.decode()
    assert "Take on this safeguarding concern" in page
    assert "not yet taken on" in page
    for other in (comms, auditor):
        shown = as_user(other).get(url).content.decode()
        assert "not yet taken on" in shown and "Take on this safeguarding concern" not in shown
    take_on = reverse("moderation:safeguarding_take_on", args=[concern.pk])
    for other in (comms, auditor):
        assert as_user(other).post(take_on, {"outcome": "police"}).status_code == 403
    # The lead reads only safeguarding entries: another one is not found.
    plain = log_entry(comms, account, handle="@plain")
    other_url = reverse("moderation:safeguarding_take_on", args=[plain.pk])
    assert as_user(safeguarding_lead).post(other_url, {"outcome": "police"}).status_code == 404
    # Nothing chosen: the page says so and nothing is saved.
    refused = as_user(safeguarding_lead).post(take_on, {})
    assert refused.status_code == 400
    assert "outcome" in refused.context["safeguarding_form"].errors
    assert Entry.objects.get(pk=concern.pk).safeguarding_waiting
    done = as_user(safeguarding_lead).post(take_on, {"outcome": "referred"}, follow=True)
    page = done.content.decode()
    assert "You have taken on the concern" in page
    assert "Take on this safeguarding concern" not in page
    assert "taken on by" in page and "Referred to the local authority" in page


def test_a_flag_with_no_moment_is_left_out_rather_than_breaking_the_pages(
    comms, head, safeguarding_lead, account, as_user
):
    # As code older than the field would have saved it during a deployment.
    odd = log_entry(comms, account, handle="@odd", safeguarding=True)
    Entry.objects.filter(pk=odd.pk).update(safeguarding_flagged_at=None)
    for user in (safeguarding_lead, head, comms):
        assert as_user(user).get(reverse("portal:home")).status_code == 200
    for status in ("overdue", "due_soon", "upcoming"):
        due = as_user(comms).get(reverse("portal:reminders_due"), {"status": status})
        assert due.status_code == 200
    _sweep(FLAGGED + datetime.timedelta(days=400))
    assert _told("remind") == [] and _told("escalate") == []


def test_concerns_flagged_before_are_closed_by_the_migration(comms, account):
    earlier = log_entry(comms, account, handle="@earlier", safeguarding=True)
    Entry.objects.filter(pk=earlier.pk).update(safeguarding_flagged_at=None)
    migration = importlib.import_module("moderation.migrations.0021_safeguarding_taken_on")
    migration.close_earlier_concerns(apps, None)
    earlier.refresh_from_db()
    assert earlier.safeguarding_flagged_at == earlier.created_at
    assert earlier.safeguarding_taken_at is not None and earlier.safeguarding_taken_by is None
    assert not earlier.safeguarding_waiting


def test_clearing_a_flag_nobody_took_on_tells_the_lead_and_the_head(
    comms, head, safeguarding_lead, account, concern
):
    data = entry_data(account, handle="@worried", occurred_at=concern.occurred_at)
    data["safeguarding"] = False
    services.entry_update(actor=comms, entry_id=concern.pk, data=data)
    told = {
        n.recipient.username: n
        for n in Notification.objects.filter(kind="moderation.safeguarding_cleared")
    }
    assert set(told) == {"head", "safeguarding"}
    assert told["head"].url == concern.get_absolute_url()
    assert told["safeguarding"].url == ""  # they no longer read it
    assert "worried" not in told["head"].title + told["head"].body
    # Once taken on, clearing the flag stops nothing, so nobody is told.
    Notification.objects.all().delete()
    data["safeguarding"] = True
    services.entry_update(actor=comms, entry_id=concern.pk, data=data)
    services.entry_safeguarding_take_on(
        actor=safeguarding_lead, entry_id=concern.pk, outcome=SafeguardingOutcome.POLICE
    )
    data["safeguarding"] = False
    services.entry_update(actor=comms, entry_id=concern.pk, data=data)
    assert not Notification.objects.filter(kind="moderation.safeguarding_cleared").exists()
