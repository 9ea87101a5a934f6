"""A request about a person's data is logged the day it comes, waits on the information
rights record with its days left, is corrected if its day received was wrong, and is
answered or closed there, in a real browser."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from moderation import services, services_rights
from moderation.models import RightsRequest
from tests import factories
from tests.browser.conftest import assert_accessible, assert_accessible_on_a_phone
from tests.moderation.helpers import entry_data

pytestmark = pytest.mark.django_db(transaction=True)


def _commenter(comms, team, handle):
    account = factories.managed_account(team=team, name="Maternity page")
    entry = services.entry_create(actor=comms, data=entry_data(account, handle=handle))
    return entry.commenter


def _waiting(comms, commenter, kind, days_ago):
    return services_rights.request_log(
        actor=comms,
        commenter=commenter,
        kind=kind,
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_a_request_is_logged_then_answered_by_the_export(open_as, comms, team):
    commenter = _commenter(comms, team, "@wants_a_copy")
    page = open_as(comms)
    page.goto(commenter.get_absolute_url())
    page.get_by_role("link", name="Log a request about their data").click()
    assert_accessible(page)

    # Nothing chosen: each answer says what it needs, and the reference typed is kept.
    page.get_by_label("Information governance reference (optional)").fill("IG-2026-31")
    page.get_by_role("button", name="Log the request").click()
    page.get_by_text("Choose what they asked for.", exact=True).wait_for()
    page.get_by_text("Give the day the request was received.", exact=True).wait_for()
    assert page.get_by_label("Information governance reference (optional)").input_value() == (
        "IG-2026-31"
    )

    received = timezone.localdate() - datetime.timedelta(days=3)
    page.get_by_label("Subject access: a copy of what is held").check()
    page.get_by_label("When the request was received").fill(received.isoformat())
    page.get_by_role("button", name="Log the request").click()
    request = RightsRequest.objects.get()
    page.get_by_text(f"{request} is logged.").wait_for()
    page.get_by_role("heading", name=str(request)).wait_for()
    assert page.get_by_text(f"({request.days_left} days left)").is_visible()
    assert_accessible(page)
    assert_accessible_on_a_phone(page)

    # It waits on the record, its number leading to its page.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="The information rights record").click()
    waiting = page.get_by_role("table", name="1 open request, soonest due first")
    row = waiting.get_by_role("row").filter(has_text="IG-2026-31")
    assert row.get_by_text(f"({request.days_left} days left)").is_visible()
    assert row.get_by_role("link", name=f"Request {request.pk}", exact=True).get_attribute(
        "href"
    ) == (request.get_absolute_url())

    # The export from the record answers it: its day received is filled in.
    row.get_by_role("link", name="Take the export").click()
    page.get_by_text(f"This answers {request}").wait_for()
    assert page.get_by_label("When the request was received").input_value() == (
        received.isoformat()
    )
    with page.expect_download():
        page.get_by_role("button", name="Download the export").click()
    page.goto(request.get_absolute_url())
    page.get_by_text("within the month allowed").wait_for()
    assert page.get_by_text("A subject access export taken by").is_visible()
    page.get_by_role("link", name="The information rights record").click()
    page.get_by_text("No request is waiting for an answer.").wait_for()
    exports = page.get_by_role("table", name="1 export, newest first")
    assert exports.get_by_role("cell", name="Yes, in 3 days").is_visible()
    assert exports.get_by_role("cell", name=f"{request.pk} (IG-2026-31)").is_visible()
    exports.get_by_role("link", name=f"Request {request.pk}", exact=True).click()
    page.get_by_role("heading", name=str(request)).wait_for()
    request.refresh_from_db()
    assert request.status == RightsRequest.Status.ANSWERED
    assert page.js_errors == []


def test_a_late_request_is_shown_late_and_closed_with_the_reason(open_as, comms, team):
    commenter = _commenter(comms, team, "@changed_their_mind")
    request = _waiting(comms, commenter, RightsRequest.Kind.ERASURE, days_ago=40)
    page = open_as(comms)
    page.goto(commenter.get_absolute_url())
    page.get_by_text(f"{request} is open:").wait_for()
    page.get_by_role("link", name="Open the request").click()
    page.get_by_role("heading", name=str(request)).wait_for()
    assert page.get_by_text(f"overdue by {request.days_overdue} days").is_visible()

    # The day received was typed wrongly: put right, with the old day kept on the page.
    page.get_by_role("link", name="correct it").click()
    page.get_by_role("heading", name=f"Correct {request}").wait_for()
    assert_accessible(page)
    received = page.get_by_label("When the request was received")
    assert received.input_value() == request.received_on.isoformat()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    received.fill(tomorrow.isoformat())
    page.get_by_role("button", name="Save the correction").click()
    page.get_by_text("Choose why it is corrected.", exact=True).wait_for()
    page.get_by_text("The day received cannot be in the future.", exact=True).wait_for()
    assert received.input_value() == tomorrow.isoformat()
    right = request.received_on - datetime.timedelta(days=2)
    received.fill(right.isoformat())
    page.get_by_label("It was entered wrongly when it was logged").check()
    page.get_by_role("button", name="Save the correction").click()
    page.get_by_text(f"{request} is corrected.").wait_for()
    request.refresh_from_db()
    assert request.received_on == right
    corrections = page.get_by_role("region", name="Corrections")
    assert corrections.get_by_text("It was entered wrongly when it was logged").is_visible()
    assert page.get_by_text(f"overdue by {request.days_overdue} days").is_visible()
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Only the head of communications can remove their details, or refuse to.
    assert page.get_by_role("link", name="Remove their details").count() == 0
    page.get_by_role("link", name="Close without either").click()
    page.get_by_role("heading", name=f"Close {request}").wait_for()
    assert page.get_by_label("Refused, and they were told why").count() == 0
    assert_accessible(page)
    page.get_by_label("They withdrew it").check()
    page.get_by_role("button", name="Close the request").click()
    page.get_by_text(f"{request} is closed.").wait_for()
    assert page.get_by_text("They withdrew it").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="The information rights record").click()
    closed = page.get_by_role("table", name="1 request closed, newest first")
    assert closed.get_by_role("cell", name="They withdrew it").is_visible()
    assert_accessible(page)
    assert page.js_errors == []


def test_one_logged_in_error_is_closed_and_left_out_of_the_figures(open_as, comms, head, team):
    commenter = _commenter(comms, team, "@not_them")
    request = _waiting(comms, commenter, RightsRequest.Kind.ACCESS, days_ago=3)
    page = open_as(comms)
    page.goto(request.get_absolute_url())
    page.get_by_role("link", name="Close without either").click()
    expect(page.get_by_text("tells the heads of communications at once")).to_be_visible()
    page.get_by_label("Logged in error: about someone else, or for something else").check()
    page.get_by_role("button", name="Close the request").click()
    page.get_by_text(f"{request} is closed.").wait_for()
    assert page.get_by_text("as logged in error, so it is not counted").is_visible()
    page.get_by_role("link", name="The information rights record").click()
    expect(page.get_by_text("Left out of these figures: 1 request")).to_be_visible()
    closed = page.get_by_role("table", name="1 request closed, newest first")
    assert closed.get_by_role("cell", name="Not counted").is_visible()
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    # Information governance's download has it, without whom it was about.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download every request (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert f"{request.pk},Subject access" in text and "Not counted: logged in error" in text
    assert "not_them" not in text
    assert page.js_errors == []


def test_their_details_go_only_once_they_have_had_their_copy(open_as, comms, head, team):
    commenter = _commenter(comms, team, "@copy_then_go")
    access = _waiting(comms, commenter, RightsRequest.Kind.ACCESS, 5)
    erasure = _waiting(comms, commenter, RightsRequest.Kind.ERASURE, 2)
    page = open_as(head)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(commenter.get_absolute_url())
    page.get_by_text("Until it is answered or closed, nothing about them is removed.").wait_for()
    page.get_by_role("link", name="Remove what is held about them now").click()

    # The removal waits for the copy: the page says why and leads to the export.
    page.get_by_role("heading", name="This cannot be done yet").wait_for()
    assert page.get_by_role("link", name=str(access)).get_attribute("href") == (
        access.get_absolute_url()
    )
    assert page.get_by_role("button", name="Remove their details now").count() == 0
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="their export").click()
    page.get_by_text(f"This answers {access}").wait_for()
    with page.expect_download():
        page.get_by_role("button", name="Download the export").click()

    # Then their details can go, which answers the erasure request.
    page.goto(commenter.get_absolute_url())
    page.get_by_role("link", name="Remove what is held about them now").click()
    page.get_by_label("Why their details are being removed now").fill("Objection upheld")
    page.get_by_label("I understand that what is removed cannot be brought back").check()
    page.get_by_role("button", name="Remove their details now").click()
    page.get_by_text("Their handle, the details of 1 entry").wait_for()
    access.refresh_from_db()
    erasure.refresh_from_db()
    assert access.status == erasure.status == RightsRequest.Status.ANSWERED
    assert erasure.erasure is not None
    assert page.js_errors == []
