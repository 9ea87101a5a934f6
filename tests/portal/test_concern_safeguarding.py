"""A member of staff's report that someone may be at risk is taken on by the safeguarding
lead, who records what was done; until then the reminder engine chases it, the lead first
and then the head of communications. The reporter sees only that it was taken on."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.models import Concern, ConcernEvent, Notification, SafeguardingOutcome
from portal.models.concerns import SAFEGUARDING_WAITING
from portal.reminders import engine
from portal.services import ActionConflict, ActionError, ActionRefused
from portal.services import concerns as services

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Monday, in office hours (09:00 to 17:00 on working days).
REPORTED = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)
WORRY = "A reply says they cannot go on. Their handle is @example_person."
LINK = "https://x.com/example_person/status/42"


def _report(actor, *, at_risk=True):
    with freeze_time(REPORTED):
        return services.concern_report(
            actor=actor,
            kind=Concern.Kind.COMMENT,
            link=LINK,
            what_worries=WORRY,
            someone_at_risk=at_risk,
        )


@pytest.fixture
def concern(staff):
    return _report(staff)


def _take_on(lead, concern, outcome=SafeguardingOutcome.REFERRED):
    return services.concern_safeguarding_take_on(
        actor=lead, concern_id=concern.pk, outcome=outcome
    )


def _told(stage):
    return sorted(
        Notification.objects.filter(
            kind=f"reminder.concern.safeguarding_taken_on.{stage}"
        ).values_list("recipient__username", flat=True)
    )


def _sweep(moment):
    with freeze_time(moment):
        engine.sweep()


# The record


def test_a_report_of_someone_at_risk_waits_to_be_taken_on_and_a_plain_one_does_not(staff, concern):
    assert concern.safeguarding_waiting
    assert Concern.objects.filter(SAFEGUARDING_WAITING).get() == concern
    assert not _report(staff, at_risk=False).safeguarding_waiting


def test_the_lead_takes_it_on_and_the_timeline_says_only_that(safeguarding_lead, concern):
    with freeze_time(REPORTED + datetime.timedelta(hours=1)):
        _take_on(safeguarding_lead, concern, SafeguardingOutcome.POLICE)
    concern.refresh_from_db()
    assert concern.safeguarding_taken_by == safeguarding_lead
    assert concern.safeguarding_taken_at == REPORTED + datetime.timedelta(hours=1)
    assert concern.safeguarding_outcome == SafeguardingOutcome.POLICE
    assert not concern.safeguarding_waiting
    # Comms' triage of the post is apart: the report is still new to them.
    assert concern.state == Concern.State.NEW
    (event,) = ConcernEvent.objects.filter(concern=concern, action="safeguarding_taken_on")
    assert event.actor == safeguarding_lead and event.comment == ""
    assert event.from_state == event.to_state == Concern.State.NEW


def test_only_the_lead_takes_it_on_once_and_only_a_report_of_someone_at_risk(
    staff, comms, head, auditor, safeguarding_lead, concern
):
    for other in (staff, comms, head, auditor):
        with pytest.raises(ActionRefused):
            _take_on(other, concern)
    with pytest.raises(ActionError) as refused:
        _take_on(safeguarding_lead, concern, "made_up")
    assert refused.value.errors == {"outcome": "Choose what was done."}
    plain = _report(staff, at_risk=False)
    with pytest.raises(ActionConflict):
        _take_on(safeguarding_lead, plain)
    _take_on(safeguarding_lead, concern, SafeguardingOutcome.TRUST_TEAM)
    with pytest.raises(ActionConflict):
        _take_on(safeguarding_lead, concern, SafeguardingOutcome.POLICE)
    concern.refresh_from_db()
    assert concern.safeguarding_outcome == SafeguardingOutcome.TRUST_TEAM
    assert ConcernEvent.objects.filter(action="safeguarding_taken_on").count() == 1


def test_a_removed_report_is_not_waiting_and_cannot_be_taken_on(comms, safeguarding_lead, concern):
    services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome=Concern.Outcome.DEALT_WITH
    )
    Concern.objects.filter(pk=concern.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=services.retention_days() + 1)
    )
    assert services.concerns_redact_expired() == 1
    concern.refresh_from_db()
    assert not concern.safeguarding_waiting
    with pytest.raises(ActionConflict):
        _take_on(safeguarding_lead, concern)
    # Nothing is left to chase.
    _sweep(REPORTED + datetime.timedelta(days=2))
    assert _told("remind") == [] and _told("escalate") == []


def test_reports_closed_before_are_marked_dealt_with_by_the_migration(
    staff, comms, safeguarding_lead
):
    closed = _report(staff)
    services.concern_act(
        actor=comms, concern_id=closed.pk, action="close", outcome=Concern.Outcome.PASSED_ON
    )
    still_open = _report(staff)
    migration = importlib.import_module("portal.migrations.0011_concern_safeguarding_taken_on")
    migration.closed_reports_were_dealt_with(apps, None)
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert closed.safeguarding_taken_at == closed.closed_at
    assert closed.safeguarding_taken_by is None and not closed.safeguarding_waiting
    assert still_open.safeguarding_waiting


# Reminders


def test_the_lead_is_chased_after_four_working_hours_and_the_head_after_a_day(
    comms, head, safeguarding_lead, concern
):
    _sweep(REPORTED + datetime.timedelta(hours=3, minutes=55))
    assert _told("remind") == []
    _sweep(REPORTED + datetime.timedelta(hours=4, minutes=5))
    assert _told("remind") == ["safeguarding"]
    note = Notification.objects.get(kind="reminder.concern.safeguarding_taken_on.remind")
    assert note.urgent and note.url == concern.get_absolute_url()
    # By its number and platform: nothing the reporter wrote, and not the link.
    assert f"Concern {concern.pk}" in note.title
    for private in ("example_person", "cannot go on", "x.com"):
        assert private not in note.title + note.body
    _sweep(REPORTED + datetime.timedelta(hours=23, minutes=55))
    assert _told("escalate") == []
    _sweep(REPORTED + datetime.timedelta(days=1, minutes=5))
    assert _told("escalate") == ["head", "safeguarding"]
    # Running the sweep again sends nothing twice.
    _sweep(REPORTED + datetime.timedelta(days=1, minutes=10))
    assert len(_told("remind") + _told("escalate")) == 3


def test_closing_the_post_does_not_stop_the_chase_but_taking_it_on_does(
    comms, head, safeguarding_lead, concern
):
    services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome=Concern.Outcome.REPORTED
    )
    _sweep(REPORTED + datetime.timedelta(hours=5))
    assert _told("remind") == ["safeguarding"]
    _take_on(safeguarding_lead, concern, SafeguardingOutcome.NO_FURTHER_ACTION)
    _sweep(REPORTED + datetime.timedelta(days=3))
    assert _told("escalate") == []


def test_with_no_lead_the_communications_team_is_told(comms, concern):
    _sweep(REPORTED + datetime.timedelta(hours=5))
    assert "comms" in _told("remind")


# Pages


def test_the_lead_takes_it_on_from_the_report_page(
    staff, comms, auditor, safeguarding_lead, concern, as_user
):
    url = concern.get_absolute_url()
    take_on = reverse("portal:concern_safeguarding_take_on", args=[concern.pk])
    page = as_user(safeguarding_lead).get(url).content.decode()
    assert "Take on this safeguarding concern" in page and "Not yet taken on" in page
    assert "Reports for you" in page  # the way back to their list
    for other in (comms, auditor, staff):
        shown = as_user(other).get(url).content.decode()
        assert "Not yet taken on" in shown and "Take on this safeguarding concern" not in shown
        assert as_user(other).post(take_on, {"outcome": "police"}).status_code == 403
    # Nothing chosen: the page says so and nothing is saved.
    refused = as_user(safeguarding_lead).post(take_on, {})
    assert refused.status_code == 400
    assert "outcome" in refused.context["safeguarding_form"].errors
    assert Concern.objects.get(pk=concern.pk).safeguarding_waiting
    done = as_user(safeguarding_lead).post(take_on, {"outcome": "referred"}, follow=True)
    page = done.content.decode()
    assert "You have taken on the concern" in page
    assert "Take on this safeguarding concern" not in page
    assert "Referred to the local authority" in page
    # Again, from a page loaded before, with or without a choice: it says nothing changed.
    for sent in ({"outcome": "police"}, {}):
        again = as_user(safeguarding_lead).post(take_on, sent)
        assert again.status_code == 409
        assert "already been taken on" in again.content.decode()
    for reader in (comms, auditor):
        shown = as_user(reader).get(url).content.decode()
        assert f"Taken on by {safeguarding_lead}" in shown
        assert "Referred to the local authority" in shown
    # The reporter reads that it was taken on and by whom, not to what end.
    shown = as_user(staff).get(url).content.decode()
    assert f"Taken on by {safeguarding_lead}" in shown
    assert "Referred to the local authority" not in shown


def test_the_lead_does_not_reach_a_report_nobody_at_risk_in(staff, safeguarding_lead, as_user):
    plain = _report(staff, at_risk=False)
    take_on = reverse("portal:concern_safeguarding_take_on", args=[plain.pk])
    assert as_user(safeguarding_lead).get(plain.get_absolute_url()).status_code == 404
    assert as_user(safeguarding_lead).post(take_on, {"outcome": "police"}).status_code == 404


def test_the_leads_list_puts_what_waits_on_them_first(staff, comms, safeguarding_lead, as_user):
    taken = _report(staff)
    _take_on(safeguarding_lead, taken)
    waiting = _report(staff)
    # Closed by comms, yet still waiting on the lead.
    services.concern_act(
        actor=comms, concern_id=waiting.pk, action="close", outcome=Concern.Outcome.REPORTED
    )
    _report(staff, at_risk=False)  # not theirs to see
    response = as_user(safeguarding_lead).get(reverse("portal:concerns"))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert rows == [waiting, taken]
    page = response.content.decode()
    assert "Reports for you" in page
    assert page.count("Safeguarding: not yet taken on") == 1
    assert str(staff) in page  # who reported it, to follow up
    # Open reports, for the lead, include one comms closed that still waits on them.
    open_only = as_user(safeguarding_lead).get(reverse("portal:concerns"), {"state": "open"})
    assert list(open_only.context["page"].object_list) == [waiting, taken]
    # The lead reaches the list from the menu.
    home = as_user(safeguarding_lead).get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:concerns")}"' in home and "Reports for you" in home
    # Comms' own list is unchanged by the lead's order.
    assert (
        "Safeguarding: not yet taken on"
        not in as_user(comms).get(reverse("portal:concerns")).content.decode()
    )
