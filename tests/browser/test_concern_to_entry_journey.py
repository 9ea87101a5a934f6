"""A member of staff reports a comment; comms turn the report into a moderation entry."""

import pytest
from django.urls import reverse

from moderation.models import Entry
from portal.models import Concern
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://www.facebook.com/perinatalpeers/posts/42?comment_id=7"


def test_a_reported_comment_becomes_a_moderation_entry(open_as, member, comms, team):
    factories.managed_account(
        team=team, name="Perinatal Peers", url="https://www.facebook.com/perinatalpeers"
    )

    # A member of staff reports the comment.
    staff_page = open_as(member)
    staff_page.goto(reverse("portal:concern_create"))
    staff_page.get_by_label("A comment or reply").check()
    staff_page.get_by_label("Link").fill(LINK)
    staff_page.get_by_label("What worries you").fill(
        "Someone is being abused in the replies under our post."
    )
    staff_page.get_by_role("button", name="Send the report").click()
    staff_page.get_by_text("Your report has gone to the communications team").wait_for()
    concern = Concern.objects.get()
    assert staff_page.js_errors == []

    # Comms open it and make an entry from it.
    page = open_as(comms)
    page.goto(concern.get_absolute_url())
    page.get_by_role("link", name="Make a moderation entry").click()
    page.get_by_role("heading", name=f"From staff report {concern.pk}").wait_for()
    assert_accessible(page)
    # The link and the account came from the report; the excerpt is left to type.
    assert page.get_by_label("Link to the comment").input_value() == LINK
    assert "Perinatal Peers" in page.get_by_label("Account").locator("option:checked").inner_text()
    assert page.get_by_label("Excerpt").input_value() == ""
    assert page.get_by_label("Author's handle").evaluate("el => el === document.activeElement")
    page.get_by_label("Author's handle").fill("@angry_replier")
    with page.expect_response("**/moderation/detect/"):
        page.get_by_label("Excerpt").fill("You should all be sacked")
    page.get_by_role("checkbox", name="Abuse of staff or the public").check()
    page.get_by_role("checkbox", name="Hid the comment").check()
    page.get_by_role("button", name="Save entry").click()
    page.get_by_text("the staff report now links to it").wait_for()

    entry = Entry.objects.get()
    assert entry.concern_id == concern.pk
    assert page.get_by_text("Came from").is_visible()
    page.get_by_role("link", name=f"Staff report {concern.pk}").click()
    page.get_by_text("Followed up").wait_for()
    assert page.get_by_role("link", name=f"Moderation entry {entry.pk}").is_visible()
    assert page.get_by_role("link", name="Make a moderation entry").count() == 0
    assert_accessible(page)
    assert page.js_errors == []
