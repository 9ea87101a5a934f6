"""A legal hold is placed with its reason, comes due to be looked at again, and is kept
with the reason it is still needed, in a real browser."""

import datetime

import pytest
from django.utils import timezone

from moderation import services
from moderation.models import Entry
from tests import factories
from tests.browser.conftest import assert_accessible, assert_accessible_on_a_phone
from tests.moderation.helpers import entry_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hold_is_placed_then_looked_at_and_kept(open_as, comms, team):
    account = factories.managed_account(team=team, name="Outpatients page")
    entry = services.entry_create(actor=comms, data=entry_data(account, handle="@claimant"))
    page = open_as(comms)
    page.goto(entry.get_absolute_url())

    page.get_by_text("Put on legal hold").click()
    page.get_by_label("Why the evidence must be kept").fill("Claim CL-42")
    page.get_by_role("button", name="Put on hold").click()
    page.get_by_text("The evidence is on legal hold").first.wait_for()
    entry.refresh_from_db()
    shown = entry.legal_hold_review_on
    assert page.get_by_text(f"to be looked at again by {shown:%-d %B %Y}").is_visible()

    # Its day comes: the page marks it due, and the hold is kept with the reason.
    Entry.objects.filter(pk=entry.pk).update(
        legal_hold_review_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    page.reload()
    assert page.get_by_text("due", exact=True).is_visible()
    page.get_by_text("Keep the legal hold").click()
    page.get_by_role("button", name="Keep the hold").click()
    page.get_by_text("Enter an answer.", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_label("Why the evidence must still be kept").fill("The claim is still open")
    page.get_by_role("button", name="Keep the hold").click()
    page.get_by_text("The legal hold is kept. It is to be looked at again by").wait_for()
    assert page.get_by_text("looked at the legal hold and kept it").is_visible()
    assert page.get_by_text("due", exact=True).count() == 0
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    assert page.js_errors == []
