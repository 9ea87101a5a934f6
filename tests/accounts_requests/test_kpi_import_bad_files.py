"""Files that are not the CSV they claim to be, through the real import pages: a clear
message, nothing imported, never a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts_requests.models import FiguresImport, MonthlyFigures
from tests import kpi_factories
from tests.moderation.helpers import pdf_bytes, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen")]

HEADER = "month,followers,posts,engagements,impressions\n"
ROW = "2025-01,120,10,55,3000\n"


@pytest.fixture
def _frozen():
    with freeze_time("2025-04-15 10:00"):
        yield


@pytest.fixture
def account(team):
    return kpi_factories.account(team, name="Perinatal Peers")


def post(user, account, content, name="figures.csv"):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    url = reverse("accounts_requests:figures_import", args=[account.pk])
    return client.post(url, {"file": upload})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        # Neither UTF-8 nor Windows-1252 (0x81 and 0x8d mean nothing in either).
        ((HEADER + ROW).encode() + b"\x81\x8d\x90", "is not readable text"),
        # Says UTF-16 but breaks off half-way through a character pair.
        (b"\xff\xfe" + (HEADER + ROW).encode("utf-16-le") + b"\x00\xd8", "is not"),
        ((HEADER + ROW).encode() + b"\x00\x00\x00\x00", "contains binary data"),
        (bytes(range(256)) * 8, "not"),
        (png_bytes(), "not"),
        (pdf_bytes(), "column"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200), "not"),
        (b"<html><body><script>alert(1)</script></body></html>", "column"),
        (b"PK\x03\x04" + bytes(100), "spreadsheet workbook"),
        (b"\n\n   \n", "empty"),
    ],
    ids=[
        "invalid-utf8",
        "broken-utf16",
        "nul-bytes",
        "binary",
        "png-named-csv",
        "pdf-named-csv",
        "exe-named-csv",
        "html-named-csv",
        "workbook",
        "blank",
    ],
)
def test_a_file_that_is_not_a_readable_csv_is_refused_clearly(member, account, content, message):
    response = post(member, account, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert not MonthlyFigures.objects.exists()
    assert not FiguresImport.objects.filter(status=FiguresImport.Status.DONE).exists()


@pytest.mark.parametrize(
    ("content", "note"),
    [
        ((HEADER + ROW).encode("utf-16"), "UTF-16"),
        (("\ufeff" + HEADER + ROW).encode(), None),
        ((HEADER + ROW).replace("2025-01", "Jan 2025").encode("latin-1") + b"", None),
    ],
    ids=["utf16-with-bom", "utf8-with-bom", "latin1"],
)
def test_the_encodings_spreadsheets_really_save_are_read(member, account, content, note):
    response = post(member, account, content)
    assert response.status_code == 302
    assert MonthlyFigures.objects.filter(account=account).count() == 1
    job = FiguresImport.objects.get()
    if note:
        assert any(note in n for n in job.notes)


def test_a_csv_named_as_an_image_is_judged_by_what_it_holds(member, account):
    response = post(member, account, (HEADER + ROW).encode(), name="figures.png")
    assert response.status_code == 302
    assert MonthlyFigures.objects.filter(account=account).count() == 1


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_formula_in_any_figure_refuses_the_whole_file(member, account, cell):
    quoted = '"' + cell.replace('"', '""') + '"'
    content = (HEADER + ROW + f"2025-02,{quoted},12,60,3100\n").encode()
    response = post(member, account, content)
    assert response.status_code == 400
    assert "looks like a spreadsheet formula" in response.content.decode()
    assert not MonthlyFigures.objects.exists()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.binary(max_size=600),
        st.text(max_size=300).map(lambda t: (HEADER + t).encode("utf-8", "surrogatepass")),
        st.lists(
            st.lists(st.text(max_size=12), min_size=5, max_size=6), min_size=1, max_size=4
        ).map(lambda rows: (HEADER + "\n".join(",".join(r) for r in rows)).encode()),
    )
)
# Found by this test: "²" is a digit to str.isdigit() and not a number to int().
@example(content=(HEADER + ",\u00b2").encode())
def test_any_bytes_at_all_never_break_the_import(member, account, content):
    before = MonthlyFigures.objects.count()
    response = post(member, account, content)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert MonthlyFigures.objects.count() == before
