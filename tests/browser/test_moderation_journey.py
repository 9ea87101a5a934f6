"""The communications team's moderation journey in a real browser."""

import csv
import io

import pytest
from django.urls import reverse

from moderation.models import Commenter, Entry
from portal.models import Notification
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def log_one(page, *, account, post, excerpt, safeguarding=False, incident="", another=True):
    page.goto(reverse("moderation:create"))
    if account is not None:
        page.get_by_label("Account").select_option(label=account)
    page.get_by_label("Author's handle").fill("@persistent_poster")
    page.get_by_label("Link to the post").fill(post)
    # Wait for the excerpt check to answer before moving on, as a person would.
    with page.expect_response("**/moderation/detect/"):
        page.get_by_label("Excerpt").fill(excerpt)
    page.get_by_role("checkbox", name="Abuse of staff or the public").check()
    page.get_by_role("checkbox", name="Hid the comment").check()
    if safeguarding:
        page.get_by_role("checkbox", name="Flag as a safeguarding concern").check()
    if incident:
        page.get_by_label("Incident reference").fill(incident)
    button = "Save and log another" if another else "Save entry"
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_comms_log_breaches_flag_a_repeat_offender_and_alert_safeguarding(
    open_as, comms, head, safeguarding_lead, team, settings
):
    settings.MODERATION_REPEAT_THRESHOLD = 3
    factories.managed_account(team=team, name="Perinatal page")
    page = open_as(comms)

    # The first breach: the excerpt check points out personal data and offers to remove it.
    page.goto(reverse("moderation:create"))
    assert_accessible(page)
    page.get_by_label("Account").select_option(label="Perinatal page (Facebook)")
    with page.expect_response("**/moderation/detect/"):
        page.get_by_label("Excerpt").fill("You are liars, call me on 07700 900123")
    findings = page.locator("#excerpt-findings")
    findings.get_by_text("UK phone number").wait_for()
    with page.expect_response("**/moderation/detect/"):
        findings.get_by_role("button", name="Remove it now").click()
    # Removing the personal data ticks the category it breached.
    assert (
        page.get_by_label("Excerpt").input_value()
        == "You are liars, call me on [phone number removed]"
    )
    assert page.get_by_role("checkbox", name="Personal or confidential information").is_checked()
    page.get_by_label("Author's handle").fill("@persistent_poster")
    page.get_by_label("Link to the post").fill("https://www.facebook.com/page/posts/1")
    page.get_by_role("checkbox", name="Abuse of staff or the public").check()
    page.get_by_role("checkbox", name="Hid the comment").check()
    page.get_by_role("button", name="Save and log another").click()
    page.get_by_text("Entry logged.").wait_for()

    # The second on the same post; the account is remembered.
    assert "Perinatal page" in page.get_by_label("Account").locator("option:checked").inner_text()
    log_one(
        page, account=None, post="https://www.facebook.com/page/posts/1", excerpt="Liars again"
    )
    assert not Commenter.objects.get().is_repeat_offender

    # The third, on another post, flags a repeat offender.
    log_one(
        page,
        account=None,
        post="https://www.facebook.com/page/posts/2",
        excerpt="I'll keep posting this",
        another=False,
    )
    page.get_by_text("is a repeat offender").first.wait_for()
    assert "Suggested next step" in page.content()
    assert_accessible(page)
    assert Commenter.objects.get().is_repeat_offender
    third = Entry.objects.order_by("-id").first()
    assert third.made_repeat_offender and third.post_url.endswith("/2")

    # A safeguarding entry tells the safeguarding lead (and the head) at once.
    log_one(
        page,
        account=None,
        post="https://www.facebook.com/page/posts/3",
        excerpt="Worrying words about a child",
        safeguarding=True,
        incident="W-2026-0099",
        another=False,
    )
    page.get_by_text(
        "The safeguarding lead and the head of communications have been told"
    ).wait_for()
    # Its incident reference is kept, and the report to the incident system is an action.
    assert page.get_by_text("W-2026-0099").is_visible()
    assert page.get_by_text("Reported in the trust's incident system").is_visible()
    alerts = Notification.objects.filter(kind="moderation.safeguarding")
    assert {n.recipient_id for n in alerts} == {safeguarding_lead.pk, head.pk}
    assert all(n.urgent for n in alerts)
    lead = open_as(safeguarding_lead)
    lead.goto(reverse("portal:notifications"))
    assert "Safeguarding concern logged on Perinatal page" in lead.content()
    assert "persistent_poster" not in lead.content()

    # The log shows all four, and its CSV export holds them.
    page.goto(reverse("moderation:log"))
    assert page.locator("table.moderation-log tbody tr").count() == 4
    assert_accessible(page)
    csv_response = page.request.get(reverse("moderation:export"))
    assert csv_response.ok
    rows = list(csv.reader(io.StringIO(csv_response.text().lstrip("\ufeff"))))
    assert len(rows) == 5
    assert {row[4] for row in rows[1:]} == {"'@persistent_poster"}
    assert "07700" not in csv_response.text()

    # The report draws its charts beside the tables.
    page.goto(reverse("moderation:report"))
    page.locator("canvas[data-chart='categoryByMonth']").wait_for()
    assert page.evaluate(
        "Chart.getChart(document.querySelector('canvas[data-chart]')) !== undefined"
    )
    assert_accessible(page)

    # The public guidelines page, signed out.
    public = open_as(None)
    public.goto(reverse("moderation:guidelines"))
    assert public.get_by_role("heading", level=1).inner_text().startswith("Community guidelines")
    assert_accessible(public)

    assert page.js_errors == []
    assert lead.js_errors == []
    assert public.js_errors == []


def test_the_entry_form_works_on_a_narrow_phone_screen(open_as, comms, team):
    factories.managed_account(team=team, name="Perinatal page")
    page = open_as(comms, viewport={"width": 320, "height": 640})
    page.goto(reverse("moderation:create"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert_accessible(page)
    assert page.js_errors == []
