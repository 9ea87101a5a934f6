"""The safeguarding lead opens a flagged concern, a moderation entry or a staff report, and
takes it on, in a real browser."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from moderation import services
from moderation.models import Entry
from portal.models import Concern, Notification
from portal.services import concerns
from tests import factories
from tests.browser.conftest import assert_accessible, assert_accessible_on_a_phone
from tests.moderation.helpers import entry_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_follows_the_alert_and_takes_the_concern_on(
    open_as, comms, safeguarding_lead, team
):
    account = factories.managed_account(team=team, name="Children's services page")
    entry = services.entry_create(
        actor=comms, data=entry_data(account, handle="@at_risk", safeguarding=True)
    )
    alert = Notification.objects.get(recipient=safeguarding_lead, kind="moderation.safeguarding")
    assert alert.url == entry.get_absolute_url()
    page = open_as(safeguarding_lead)
    page.goto(entry.get_absolute_url())
    assert page.get_by_text("not yet taken on").is_visible()

    # Nothing chosen: the page says what is missing.
    page.get_by_role("button", name="Record that I have taken it on").click()
    page.get_by_text("Choose one.", exact=True).wait_for()
    assert_accessible(page)
    page.get_by_label("Passed to the police").check()
    page.get_by_role("button", name="Record that I have taken it on").click()
    page.get_by_text("You have taken on the concern").wait_for()
    assert page.get_by_text("took on the safeguarding concern").is_visible()
    assert page.get_by_role("button", name="Record that I have taken it on").count() == 0
    assert Entry.objects.get(pk=entry.pk).safeguarding_taken_by == safeguarding_lead
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    assert page.js_errors == []


def test_the_lead_finds_a_staff_report_of_someone_at_risk_and_takes_it_on(
    open_as, staff, safeguarding_lead
):
    report = concerns.concern_report(
        actor=staff,
        kind=Concern.Kind.COMMENT,
        link="https://x.com/someone/status/7",
        what_worries="A reply says they will hurt themselves tonight.",
        someone_at_risk=True,
    )
    alert = Notification.objects.get(recipient=safeguarding_lead, kind="concern.at_risk")
    assert alert.url == report.get_absolute_url()
    page = open_as(safeguarding_lead)
    page.goto(reverse("portal:home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports for you").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Safeguarding: not yet taken on")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Take on this safeguarding concern")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Record that I have taken it on").click()
    page.get_by_text("Choose one.", exact=True).wait_for()
    page.get_by_label("Followed up by the trust's safeguarding team").check()
    page.get_by_role("button", name="Record that I have taken it on").click()
    page.get_by_text("You have taken on the concern").wait_for()
    assert page.get_by_text("took on the safeguarding concern").is_visible()
    assert page.get_by_role("button", name="Record that I have taken it on").count() == 0
    assert Concern.objects.get(pk=report.pk).safeguarding_taken_by == safeguarding_lead
    assert_accessible_on_a_phone(page)
    assert page.js_errors == []
