"""An entry reported in the trust's incident system (such as Datix) keeps the incident's
reference, so the moderation log and the incident can be matched."""

import csv
import io

import pytest
from django.urls import reverse

from moderation import services
from moderation.models import Action, Entry
from tests import factories
from tests.moderation.helpers import entry_data
from tests.moderation.test_entry_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return factories.managed_account(team=team, name="Ward 9 page")


def test_a_reference_records_the_report_as_an_action(comms, account):
    entry = services.entry_create(
        actor=comms, data=entry_data(account, incident_reference=" W-2026-0413 ")
    )
    assert entry.incident_reference == "W-2026-0413"
    assert entry.action_values == [Action.HIDE, Action.INCIDENT]


def test_the_action_without_a_reference_is_refused_and_nothing_is_saved(comms, account):
    with pytest.raises(services.ActionError) as refused:
        services.entry_create(
            actor=comms, data=entry_data(account, actions=[Action.HIDE, Action.INCIDENT])
        )
    assert "incident_reference" in refused.value.errors
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "typed",
    ["=HYPERLINK(1)", "Spoke to Jane Smith", "W-", "ref: 123", "1" * 41],
)
def test_only_a_reference_can_be_kept_there(comms, account, typed):
    with pytest.raises(services.ActionError) as refused:
        services.entry_create(actor=comms, data=entry_data(account, incident_reference=typed))
    assert "incident_reference" in refused.value.errors
    assert not Entry.objects.exists()


def test_comms_give_it_in_the_form_and_see_it_on_the_entry_and_its_timeline(
    comms, account, as_user
):
    client = as_user(comms)
    response = client.post(
        reverse("moderation:create"), form_data(account, incident_reference="DW/12345")
    )
    entry = Entry.objects.get()
    assert response["Location"] == entry.get_absolute_url()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "<dt>Incident reference</dt><dd>DW/12345</dd>" in page
    assert "Reported in the trust&#x27;s incident system" in page

    client.post(
        reverse("moderation:edit", args=[entry.pk]),
        form_data(account, incident_reference="DW/12346", actions=entry.action_values),
    )
    entry.refresh_from_db()
    assert entry.incident_reference == "DW/12346"
    assert entry.events.latest("pk").comment == "Before: incident reference: DW/12345."


def test_a_bad_reference_in_the_form_is_refused_with_what_was_typed_kept(comms, account, as_user):
    response = as_user(comms).post(
        reverse("moderation:create"),
        form_data(account, incident_reference="Call the ward", actions=[Action.INCIDENT]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the reference as the incident system shows it" in page
    assert 'value="Call the ward"' in page
    assert not Entry.objects.exists()


def test_the_log_finds_them_and_the_export_carries_the_reference(comms, account, as_user):
    reported = services.entry_create(
        actor=comms, data=entry_data(account, handle="@reported", incident_reference="W-77")
    )
    services.entry_create(actor=comms, data=entry_data(account, handle="@not_reported"))
    client = as_user(comms)
    found = client.get(reverse("moderation:log"), {"action": Action.INCIDENT}).content.decode()
    assert "@reported" in found and "@not_reported" not in found
    export = client.get(reverse("moderation:export"))
    rows = list(
        csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")))
    )
    by_entry = {row["Entry"]: row["Incident reference"] for row in rows}
    assert by_entry[str(reported.pk)] == "W-77"
    assert sorted(by_entry.values()) == ["", "W-77"]
