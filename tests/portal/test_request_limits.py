"""Bodies too big for any form are refused before they are read, and Django's own limits
on form data answer 400, never 500, with nothing saved: for the moderation evidence upload
and the KPI CSV import alike."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts_requests.models import FiguresImport, MonthlyFigures
from moderation.models import Action, Entry, EvidenceFile
from tests import factories, kpi_factories
from tests.moderation.helpers import category, png_bytes

pytestmark = pytest.mark.django_db

CSV = (
    "month,followers,posts,engagements,impressions\n"
    "2025-01,120,10,55,3000\n"
    "2025-02,130,12,60,3100\n"
)


@pytest.fixture
def account(team):
    return kpi_factories.account(team, name="Perinatal Peers")


def entry_form(account, files=()):
    when = timezone.localtime(timezone.now() - datetime.timedelta(minutes=20))
    return {
        "account": account.pk,
        "handle": "@form_troll",
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "post_url": "https://www.facebook.com/page/posts/9",
        "comment_url": "",
        "excerpt": "You are all useless",
        "categories": [category("abuse").pk],
        "actions": [Action.HIDE],
        "author_told": "private_message",
        "not_told_reason": "",
        "hate_crime_strand": "",
        "notes": "",
        "intent": "Save entry",
        "evidence_files": list(files),
    }


def evidence_root(settings):
    root = settings.PRIVATE_STORAGE_ROOT / "moderation-evidence"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def import_url(account):
    return reverse("accounts_requests:figures_import", args=[account.pk])


def test_the_default_limit_leaves_room_for_the_largest_honest_upload():
    from django.conf import settings

    evidence = settings.MODERATION_EVIDENCE_MAX_BYTES * settings.MODERATION_EVIDENCE_MAX_FILES
    assert evidence < settings.REQUEST_MAX_BYTES
    assert settings.REQUEST_MAX_BYTES > settings.KPI_IMPORT_MAX_BYTES


def test_an_evidence_upload_larger_than_any_request_may_be_is_refused_unread(
    comms, account, as_user, settings
):
    settings.REQUEST_MAX_BYTES = 20_000
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * 30_000, content_type="image/png")
    response = as_user(comms).post(reverse("moderation:create"), entry_form(account, [big]))
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>This upload is too large</h1>" in page and "19.5\xa0KB" in page
    assert response["Content-Type"].startswith("text/html")
    assert not Entry.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert evidence_root(settings) == []


@freeze_time("2025-04-15 10:00")
def test_a_csv_import_larger_than_any_request_may_be_is_refused_unread(
    member, account, as_user, settings
):
    settings.REQUEST_MAX_BYTES = 20_000
    big = SimpleUploadedFile("figures.csv", (CSV * 2000).encode(), content_type="text/csv")
    response = as_user(member).post(import_url(account), {"file": big})
    assert response.status_code == 413
    assert not FiguresImport.objects.exists()
    assert not MonthlyFigures.objects.exists()


def test_a_request_that_lies_about_its_length_is_refused(comms, as_user, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = as_user(comms).generic(
        "POST",
        reverse("moderation:create"),
        b"x=1",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="99999999",
    )
    assert response.status_code == 413
    assert not Entry.objects.exists()


def test_form_data_over_djangos_limit_is_a_400_and_saves_nothing(
    comms, account, as_user, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    data = entry_form(account)
    data["notes"] = "n" * 20_000
    response = as_user(comms).post(reverse("moderation:create"), data)
    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_too_many_fields_is_a_400_and_saves_nothing(comms, account, as_user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    data = entry_form(account)
    data.update({f"extra{n}": "x" for n in range(100)})
    response = as_user(comms).post(reverse("moderation:create"), data)
    assert response.status_code == 400
    assert "<h1>The portal could not accept that</h1>" in response.content.decode()
    assert not Entry.objects.exists()


def test_too_many_files_in_one_request_is_a_400_and_saves_nothing(
    comms, account, as_user, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [
        SimpleUploadedFile(f"f{n}.png", png_bytes(), content_type="image/png") for n in range(5)
    ]
    response = as_user(comms).post(reverse("moderation:create"), entry_form(account, files))
    assert response.status_code == 400
    assert not Entry.objects.exists()
    assert evidence_root(settings) == []


def test_an_upload_spooled_to_disk_is_still_checked_and_kept(comms, account, as_user, settings):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE Django writes the upload to a temporary file; the
    # checks must read that as well as they read one held in memory.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    good = SimpleUploadedFile("shot.png", png_bytes(size=(60, 60)), content_type="image/png")
    response = as_user(comms).post(reverse("moderation:create"), entry_form(account, [good]))
    assert response.status_code == 302
    assert EvidenceFile.objects.get().content_type == "image/png"
    lying = SimpleUploadedFile("shot.png", b"MZ\x90\x00" + b"\0" * 500, content_type="image/png")
    response = as_user(comms).post(reverse("moderation:create"), entry_form(account, [lying]))
    assert response.status_code == 400
    assert Entry.objects.count() == 1 and EvidenceFile.objects.count() == 1


@freeze_time("2025-04-15 10:00")
def test_a_csv_spooled_to_disk_is_imported(member, account, as_user, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 20
    upload = SimpleUploadedFile("figures.csv", CSV.encode(), content_type="text/csv")
    response = as_user(member).post(import_url(account), {"file": upload})
    assert response.status_code == 302
    assert MonthlyFigures.objects.filter(account=account).count() == 2


def test_a_lying_upload_name_does_not_decide_the_type(comms, team, as_user, settings):
    """A real PNG named .pdf is stored as the PNG it is, under a name that says so."""
    account = factories.managed_account(team=team)
    renamed = SimpleUploadedFile("letter.pdf", png_bytes(), content_type="application/pdf")
    response = as_user(comms).post(reverse("moderation:create"), entry_form(account, [renamed]))
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.content_type == "image/png"
    download = as_user(comms).get(stored.get_absolute_url())
    assert download["Content-Type"] == "image/png"
    assert not download["Content-Disposition"].endswith('.pdf"')


def test_a_nul_character_in_a_search_is_refused_not_a_server_error(comms, as_user):
    response = as_user(comms).get(reverse("portal:people"), {"q": "smith\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>The portal could not accept that</h1>" in page
    assert "a character the portal does not accept" in page


def test_a_nul_character_in_a_form_is_refused_and_saves_nothing(comms, account, as_user):
    data = entry_form(account)
    data["handle"] = "@troll\x00"
    response = as_user(comms).post(reverse("moderation:create"), data)
    assert response.status_code == 400
    assert not Entry.objects.exists()
