import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.evidence import clean_upload
from moderation.models import ExportRecord, ManagementPlan
from portal.models import OrganisationProfile
from tests import factories
from tests.forms_html import opened_stamp
from tests.moderation.helpers import log_entry, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(comms, team, other_team):
    first = factories.managed_account(team=team, name="First page")
    second = factories.managed_account(team=other_team, name="Second page")
    log_entry(comms, first, handle="@persistent", post_url="https://facebook.com/p/1")
    entry = log_entry(
        comms,
        second,
        handle="@persistent",
        post_url="https://facebook.com/p/2",
        files=[clean_upload(upload("a.png", png_bytes()))],
    )
    return entry.commenter


def _archive(response):
    """The zip a subject access export sent, streamed from its temporary file."""
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def plan_form(comms, **overrides):
    data = {
        "summary": "Daily personal comments about the ward manager.",
        "owner": comms.pk,
        "review_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        "steps": "Message privately to take it offline\nSignpost to PALS\n\nBlock if it goes on",
    }
    data.update(overrides)
    return data


def test_a_persons_page_shows_their_history_across_posts_and_accounts(comms, person, as_user):
    page = as_user(comms).get(person.get_absolute_url()).content.decode()
    assert "First page" in page and "Second page" in page
    assert "2 entries" in page


def test_comms_start_a_phased_management_plan(comms, person, as_user):
    response = as_user(comms).post(
        reverse("moderation:plan_create", args=[person.pk]), plan_form(comms)
    )
    assert response.status_code == 302
    plan = ManagementPlan.objects.get()
    assert plan.owner == comms and plan.status == "open"
    assert [s.description for s in plan.steps.all()] == [
        "Message privately to take it offline",
        "Signpost to PALS",
        "Block if it goes on",
    ]
    page = as_user(comms).get(person.get_absolute_url()).content.decode()
    assert "Start a management plan" not in page  # one open plan at a time


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"steps": "\n \n"}, "steps"),
        ({"review_on": "2000-01-01"}, "review_on"),
        ({"summary": ""}, "summary"),
    ],
)
def test_a_plan_needs_steps_a_future_review_and_a_summary(
    comms, person, as_user, overrides, field
):
    response = as_user(comms).post(
        reverse("moderation:plan_create", args=[person.pk]), plan_form(comms, **overrides)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ManagementPlan.objects.exists()


def test_the_owner_must_be_in_the_communications_team(comms, member, person, as_user):
    response = as_user(comms).post(
        reverse("moderation:plan_create", args=[person.pk]), plan_form(comms, owner=member.pk)
    )
    assert response.status_code == 400
    assert not ManagementPlan.objects.exists()


def test_progress_is_recorded_and_a_plan_closes_with_its_outcome(comms, head, person, as_user):
    as_user(comms).post(reverse("moderation:plan_create", args=[person.pk]), plan_form(comms))
    plan = ManagementPlan.objects.get()
    first, second, _ = plan.steps.all()
    url = plan.get_absolute_url()
    review = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    as_user(head).post(url, {"done_steps": [first.pk], "owner": head.pk, "review_on": review})
    first.refresh_from_db()
    plan.refresh_from_db()
    assert first.done_at and first.done_by == head
    assert plan.owner == head
    refused = as_user(head).post(url, {"owner": head.pk, "review_on": review, "close": "on"})
    assert refused.status_code == 400
    as_user(head).post(
        url,
        {
            "done_steps": [first.pk, second.pk],
            "owner": head.pk,
            "review_on": review,
            "outcome": "Comments stopped after the private message.",
            "close": "on",
        },
    )
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.outcome.startswith("Comments stopped")
    assert plan.history.count() >= 3
    assert "Record progress" not in as_user(head).get(url).content.decode()


def test_progress_on_a_plan_whose_review_date_has_come_sets_the_next_one(comms, person, as_user):
    as_user(comms).post(reverse("moderation:plan_create", args=[person.pk]), plan_form(comms))
    plan = ManagementPlan.objects.get()
    today = timezone.localdate()
    ManagementPlan.objects.filter(pk=plan.pk).update(review_on=today)
    first = plan.steps.first()
    url = plan.get_absolute_url()
    kept = as_user(comms).post(
        url, {"done_steps": [first.pk], "owner": comms.pk, "review_on": today.isoformat()}
    )
    assert kept.status_code == 400
    assert "a date after today" in kept.content.decode()
    first.refresh_from_db()
    assert first.done_at is None  # nothing half-saved
    later = (today + datetime.timedelta(days=28)).isoformat()
    as_user(comms).post(url, {"done_steps": [first.pk], "owner": comms.pk, "review_on": later})
    plan.refresh_from_db()
    assert plan.review_on.isoformat() == later
    # Closing needs no new date.
    closed = as_user(comms).post(
        url,
        {"owner": comms.pk, "review_on": today.isoformat(), "outcome": "Stopped.", "close": "on"},
    )
    assert closed.status_code == 302


def test_auditors_read_plans_but_cannot_change_them(comms, auditor, person, as_user):
    as_user(comms).post(reverse("moderation:plan_create", args=[person.pk]), plan_form(comms))
    plan = ManagementPlan.objects.get()
    assert as_user(auditor).get(plan.get_absolute_url()).status_code == 200
    response = as_user(auditor).post(plan.get_absolute_url(), {"outcome": "x", "close": "on"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == "open"


def test_everything_held_about_a_handle_exports_for_a_subject_access_request(
    comms, auditor, person, as_user
):
    received = timezone.localdate() - datetime.timedelta(days=4)
    url = reverse("moderation:commenter_export", args=[person.pk])
    # Auditors read what is held, and change nothing: taking the export answers a request.
    refused = as_user(auditor).post(url, {"received_on": received.isoformat()})
    assert refused.status_code == 403 and not ExportRecord.objects.exists()
    response = as_user(comms).post(url, {"received_on": received.isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = _archive(response)
    names = archive.namelist()
    assert "record.json" in names
    record = json.loads(archive.read("record.json"))
    assert record["handle"] == "@persistent"
    assert record["request_received"] == received.isoformat()
    assert len(record["entries"]) == 2
    assert {e["account"] for e in record["entries"]} == {
        "First page (Facebook)",
        "Second page (Facebook)",
    }
    [evidence] = [n for n in names if n.startswith("evidence/")]
    assert archive.read(evidence).startswith(b"\x89PNG")
    # Pictures are compressed already; only the records are deflated.
    assert archive.getinfo(evidence).compress_type == zipfile.ZIP_STORED
    assert archive.getinfo("record.json").compress_type == zipfile.ZIP_DEFLATED
    assert record["evidence_files"] == [evidence.removeprefix("evidence/")]
    export = ExportRecord.objects.get()
    assert export.user == comms and export.commenter == person and export.kind == "subject_access"
    assert export.detail == "2 entries, 1 evidence file"
    assert export.received_on == received and export.answered_in_time


def _reported_entry(comms, member, team, *, link, what_worries, **entry):
    """An entry made from a staff report, about someone who was not told why."""
    from moderation import services
    from moderation.models import AuthorTold
    from portal.services import concerns as concern_services
    from tests.moderation.helpers import entry_data

    account = factories.managed_account(team=team, name="Ward 7 page")
    concern = concern_services.concern_report(
        actor=member, kind="comment", link=link, what_worries=what_worries
    )
    made = services.entry_create(
        actor=comms,
        data=entry_data(account, author_told=AuthorTold.NOT_TOLD, **entry),
        concern=concern,
    )
    return made, concern


def test_the_subject_access_export_holds_why_they_were_not_told_and_the_staff_reports(
    comms, member, team, as_user
):
    entry, concern = _reported_entry(
        comms,
        member,
        team,
        handle="@asks_for_copy",
        link="https://www.facebook.com/team/posts/3?comment_id=8",
        what_worries="The same person keeps posting about the ward.",
        not_told_reason="Telling them would inflame it",
        hate_crime_strand="race",
        safeguarding=True,
    )
    response = as_user(comms).post(
        reverse("moderation:commenter_export", args=[entry.commenter_id]),
        {"received_on": timezone.localdate().isoformat()},
    )
    record = json.loads(_archive(response).read("record.json"))
    (held,) = record["entries"]
    assert held["why_not_told"] == "Telling them would inflame it"
    assert held["hate_crime_strand"] == entry.get_hate_crime_strand_display()
    assert held["safeguarding_concern"] is True
    assert record["staff_reports"] == [
        {
            "reported": concern.created_at.isoformat(),
            "what_it_is": concern.get_kind_display(),
            "link": "https://www.facebook.com/team/posts/3?comment_id=8",
            "what_worried_them": "The same person keeps posting about the ward.",
        }
    ]
    # Who made the report is not the commenter's data.
    assert str(member) not in json.dumps(record)


def _export_url(commenter):
    return reverse("moderation:commenter_export", args=[commenter.pk])


def test_the_export_asks_when_the_request_was_received_and_taking_it_is_recorded(
    comms, person, as_user
):
    client = as_user(comms)
    page = client.get(_export_url(person))
    assert page.status_code == 200
    assert "When the request was received" in page.content.decode()
    assert not ExportRecord.objects.exists()  # reading the page takes nothing out

    missing = client.post(_export_url(person), {})
    future = client.post(
        _export_url(person),
        {"received_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
    )
    assert (missing.status_code, future.status_code) == (400, 400)
    assert "Give the day the request was received." in missing.content.decode()
    assert "The day received cannot be in the future." in future.content.decode()
    assert not ExportRecord.objects.exists()

    received = timezone.localdate() - datetime.timedelta(days=40)
    taken = client.post(_export_url(person), {"received_on": received.isoformat()})
    assert taken["Content-Type"] == "application/zip"
    assert taken["Content-Disposition"].startswith('attachment; filename="subject-access-')
    assert int(taken["Content-Length"]) == len(b"".join(taken.streaming_content))
    (export,) = ExportRecord.objects.all()
    assert export.received_on == received and not export.answered_in_time
    # Whoever takes it again sees that it was taken, by whom and for which request.
    again = client.get(_export_url(person)).content.decode()
    assert "Exports already taken for this handle" in again
    assert f"by {comms}, for a request received {received.day} {received:%b %Y}" in again


@pytest.mark.parametrize("role", ["safeguarding_lead", "manager", "member"])
def test_only_those_who_read_all_the_log_take_an_export(role, person, as_user, request):
    client = as_user(request.getfixturevalue(role))
    assert client.get(_export_url(person)).status_code == 403
    response = client.post(_export_url(person), {"received_on": "2026-01-05"})
    assert response.status_code == 403
    assert not ExportRecord.objects.exists()


def test_the_service_refuses_who_cannot_export(member, person):
    from moderation import services

    with pytest.raises(services.ActionRefused):
        services.subject_access_export(
            actor=member, commenter=person, received_on=timezone.localdate()
        )
    assert not ExportRecord.objects.exists()


def test_the_export_holds_a_copy_to_read_beside_the_one_for_a_machine(
    comms, member, team, as_user
):
    entry, _ = _reported_entry(
        comms,
        member,
        team,
        handle="@reads_it",
        link="https://www.facebook.com/ward7/posts/1?comment_id=2",
        what_worries="Rude about the night staff.",
        excerpt="<script>alert(1)</script> you are all useless",
        not_told_reason="They had blocked the page",
    )
    received = datetime.date(2026, 11, 2)
    response = as_user(comms).post(_export_url(entry.commenter), {"received_on": received})
    archive = _archive(response)
    readable = archive.read("record.html").decode()
    record = json.loads(archive.read("record.json"))
    assert record["entries"][0]["told_why"] == "No, and we will not"
    trust = OrganisationProfile.load().trust_name
    assert f"<h1>What {trust} holds about @reads_it</h1>" in readable
    assert "Ward 7 page" in readable
    assert "Request received</dt><dd>2 November 2026</dd>" in readable
    # What they wrote is shown as text, never run.
    assert "<script>" not in readable
    assert "&lt;script&gt;alert(1)&lt;/script&gt; you are all useless" in readable
    assert "No, and we will not: They had blocked the page" in readable
    assert "Rude about the night staff." in readable
    # Who reported it is not theirs to know; nor are staff names.
    assert member.get_full_name() not in readable and member.username not in readable
    assert comms.get_full_name() not in readable


def test_a_step_ticked_meanwhile_stays_ticked_when_an_older_page_is_saved(
    comms, head, person, as_user
):
    import html

    as_user(comms).post(reverse("moderation:plan_create", args=[person.pk]), plan_form(comms))
    plan = ManagementPlan.objects.get()
    first, second, _ = plan.steps.all()
    url = plan.get_absolute_url()
    page = as_user(head).get(url).content.decode()
    opened = opened_stamp(page)
    older = {"owner": comms.pk, "review_on": plan.review_on.isoformat()}
    older["opened"] = html.unescape(opened)

    # Comms tick the first step; the head, from the page opened before, ticks the second.
    as_user(comms).post(url, older | {"done_steps": [first.pk], "opened": ""})
    assert as_user(head).post(url, older | {"done_steps": [second.pk]}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.done_at and second.done_at

    # Both changed the outcome: refused, and what was typed is kept.
    as_user(comms).post(
        url, older | {"done_steps": [first.pk, second.pk], "outcome": "A", "opened": ""}
    )
    clash = as_user(head).post(url, older | {"done_steps": [second.pk], "outcome": "B"})
    assert clash.status_code == 409
    assert "to the outcome as well" in clash.content.decode()
    plan.refresh_from_db()
    assert plan.outcome == "A"
