"""The communications team's home page, kept between visits, shows a report made by a
member of staff in another browser the next time it is opened."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal import freshness
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_report_made_elsewhere_shows_on_the_kept_home_page(open_as, member, comms, settings):
    settings.HOME_PANELS_KEPT_SECONDS = 300
    home = open_as(comms)
    home.goto(reverse("portal:home"))
    concerns = home.get_by_role("region", name="Concerns reported by staff")
    expect(concerns).to_contain_text(re.compile(r"0\s+new and not yet acknowledged"))
    before = freshness.current()
    home.reload()  # a return visit: the kept panels, the same words
    expect(concerns).to_contain_text(re.compile(r"0\s+new and not yet acknowledged"))
    assert freshness.current() == before  # reading the page changed nothing

    staff_page = open_as(member)
    staff_page.goto(reverse("portal:concern_create"))
    staff_page.get_by_label("A post").check()
    staff_page.get_by_label("Link").fill("https://www.instagram.com/p/fake-trust-page/")
    staff_page.get_by_label("What worries you").fill("This page pretends to be the trust.")
    staff_page.get_by_role("button", name="Send the report").click()
    staff_page.get_by_text("Your report has gone to the communications team").wait_for()

    home.goto(reverse("portal:home"))
    expect(concerns).to_contain_text(re.compile(r"1\s+new and not yet acknowledged"))
    expect(concerns).to_contain_text(re.compile(r"1\s+open in all"))
    assert_accessible(home)
    assert home.js_errors == []
