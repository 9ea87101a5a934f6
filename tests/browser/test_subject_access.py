"""Someone who reads all of the log answers a subject access request, in a real browser."""

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from moderation import services
from tests import factories
from tests.browser.conftest import assert_accessible, assert_accessible_on_a_phone
from tests.moderation.helpers import entry_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_export_asks_the_day_received_then_downloads_and_shows_on_the_record(
    open_as, comms, team
):
    account = factories.managed_account(team=team, name="Maternity page")
    entry = services.entry_create(
        actor=comms, data=entry_data(account, handle="@wants_a_copy", excerpt="Said this")
    )
    page = open_as(comms)
    page.goto(entry.commenter.get_absolute_url())
    page.get_by_role("link", name="Export everything held about this handle").click()
    page.get_by_role("heading", name="What the zip holds").wait_for()
    assert_accessible(page)

    # Without the day: refused, and nothing is downloaded.
    page.get_by_role("button", name="Download the export").click()
    page.get_by_text("Give the day the request was received.", exact=True).wait_for()

    received = timezone.localdate() - datetime.timedelta(days=5)
    page.get_by_label("When the request was received").fill(received.isoformat())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    record = json.loads(archive.read("record.json"))
    assert record["handle"] == "@wants_a_copy"
    assert [held["excerpt"] for held in record["entries"]] == ["Said this"]
    assert "Said this" in archive.read("record.html").decode()

    page.get_by_role("link", name="information rights record").click()
    exports = page.get_by_role("table", name="1 export, newest first")
    assert exports.get_by_role("cell", name="Yes, in 5 days").is_visible()
    assert exports.get_by_role("link", name="@wants_a_copy").is_visible()
    assert_accessible(page)
    assert_accessible_on_a_phone(page)
    assert page.js_errors == []
