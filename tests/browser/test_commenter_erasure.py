"""The head of communications removes what is held about a commenter, in a real browser."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from moderation import services
from tests import factories
from tests.browser.conftest import assert_accessible, assert_accessible_on_a_phone
from tests.moderation.helpers import entry_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_head_removes_a_commenters_details_after_reading_what_goes(open_as, comms, head, team):
    account = factories.managed_account(team=team, name="Perinatal page")
    entry = services.entry_create(
        actor=comms,
        data=entry_data(account, handle="@asked_to_go", excerpt="Words to forget"),
    )
    page = open_as(head)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(entry.commenter.get_absolute_url())
    page.get_by_role("link", name="Remove what is held about them now").click()
    page.get_by_role("heading", name="What goes").wait_for()
    assert_accessible(page)

    # Sent without the tick: refused, with the reason kept.
    received = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    page.get_by_label("When the request was received").fill(received)
    page.get_by_label("Why their details are being removed now").fill("Request IG-42 upheld")
    page.get_by_role("button", name="Remove their details now").click()
    expect(page.get_by_text("Tick the box to confirm.", exact=True)).to_be_visible()
    assert page.get_by_label("Why their details are being removed now").input_value() == (
        "Request IG-42 upheld"
    )
    assert page.get_by_label("When the request was received").input_value() == received

    page.get_by_label("I understand that what is removed cannot be brought back").check()
    page.get_by_role("button", name="Remove their details now").click()
    page.get_by_text("Each entry's timeline says when, by whom and why.").wait_for()
    assert page.get_by_role("heading", name="(handle removed)").is_visible()
    page.goto(entry.get_absolute_url())
    assert "Words to forget" not in page.content()
    assert page.get_by_text("Request IG-42 upheld").first.is_visible()

    # The decision is on the information rights record, on a desktop and on a phone.
    page.get_by_role("link", name="Information rights").click()
    removals = page.get_by_role("table", name="1 removal, newest first")
    assert removals.get_by_role("cell", name="Request IG-42 upheld").is_visible()
    assert removals.get_by_role("cell", name="Yes, in 3 days").is_visible()
    assert removals.get_by_role("link", name="(handle removed)").is_visible()
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    assert page.js_errors == []
