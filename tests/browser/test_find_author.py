"""Finding an author's entries in the log from their handle, without the handle ever
appearing in the page's address."""

import pytest
from django.urls import reverse

from tests import factories
from tests.browser.conftest import assert_accessible
from tests.moderation.helpers import log_entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_comms_find_an_author_and_the_address_names_them_by_number(open_as, comms, team):
    account = factories.managed_account(team=team, name="Perinatal page")
    log_entry(comms, account, handle="@worried_mum_of_three")
    log_entry(comms, account, handle="@someone_else")
    page = open_as(comms)
    page.goto(reverse("moderation:log"))
    page.get_by_text("Filter the log").click()
    page.get_by_label("Author's handle").fill("Worried_Mum_Of_Three")
    page.get_by_role("button", name="Find their entries").click()
    page.get_by_text("Show every author").wait_for()
    assert "worried" not in page.url.lower() and "commenter=" in page.url
    rows = page.locator("table.moderation-log tbody tr")
    assert rows.count() == 1
    assert "@worried_mum_of_three" in rows.first.inner_text()
    assert_accessible(page)

    # Someone not in the log: told so beside the field, with what was typed kept.
    page.get_by_label("Author's handle").fill("@nobody_here")
    page.get_by_role("button", name="Find their entries").click()
    page.get_by_text(
        "No one with that handle is in the entries you can read", exact=False
    ).first.wait_for()
    assert page.get_by_label("Author's handle").input_value() == "@nobody_here"
    assert "nobody" not in page.url

    page.get_by_role("link", name="Show every author").click()
    assert page.locator("table.moderation-log tbody tr").count() == 2
