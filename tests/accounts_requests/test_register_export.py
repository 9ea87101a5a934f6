"""The register as a CSV file: what the filters show, every matching account, scoped to
what the person may see, and never a login."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts_requests.models import AccountSetup, ManagedAccount, SecurityIncident
from tests import factories
from tests.accounts_requests.fixtures_accounts import accounts, vault_key

__all__ = ["accounts", "vault_key"]

State = ManagedAccount.State
URL = reverse("accounts_requests:account_export")


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_comms_download_every_account_in_the_registers_order(accounts, comms, as_user):
    went_live = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    ManagedAccount.objects.filter(pk=accounts["ours"].pk).update(
        activated_at=went_live, review_due_on=datetime.date(2027, 3, 2)
    )
    response = as_user(comms).get(URL)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="account-register-')
    rows = rows_of(response)
    page = as_user(comms).get(reverse("accounts_requests:account_list"))
    assert [row["Account"] for row in rows] == [r["account"].name for r in page.context["rows"]]
    assert rows[0]["Account"] == "Corporate" and len(rows) == 4
    [ours] = [row for row in rows if row["Account"] == "Ours"]
    assert ours["Platform"] == "Instagram" and ours["State"] == "Active"
    assert ours["Active since"] == "2026-03-02" and ours["Next review due"] == "2027-03-02"
    assert ours["Communications team back-up admin confirmed"] == "No"
    assert ours["Open security incident"] == "No"


def test_the_file_says_which_are_compromised_and_whose_backup_admin_is_confirmed(
    accounts, comms, as_user
):
    account = accounts["theirs"]
    SecurityIncident.objects.create(account=account, opened_by=comms, opened_at=timezone.now())
    AccountSetup.objects.create(
        account=account,
        comms_admin_confirmed_by=comms,
        comms_admin_confirmed_at=timezone.make_aware(datetime.datetime(2026, 5, 4, 10)),
    )
    [row] = [r for r in rows_of(as_user(comms).get(URL)) if r["Account"] == "Theirs"]
    assert row["Open security incident"] == "Yes"
    assert row["Communications team back-up admin confirmed"] == "2026-05-04"


def test_a_team_downloads_only_its_own_even_asking_for_another(
    accounts, member, other_team, as_user
):
    names = [row["Account"] for row in rows_of(as_user(member).get(URL))]
    assert names == ["Ours", "Ours in set-up"]
    asked = rows_of(as_user(member).get(URL, {"team": other_team.pk}))
    assert "Theirs" not in [row["Account"] for row in asked]


def test_the_filters_shape_the_file_as_they_shape_the_page(accounts, comms, team, as_user):
    client = as_user(comms)
    assert [r["Account"] for r in rows_of(client.get(URL, {"team": team.pk}))] == [
        "Ours",
        "Ours in set-up",
    ]
    assert [r["Account"] for r in rows_of(client.get(URL, {"platform": "x"}))] == ["Corporate"]
    assert [r["Account"] for r in rows_of(client.get(URL, {"state": "setting_up"}))] == [
        "Ours in set-up"
    ]


def test_a_bad_filter_is_ignored_rather_than_failing(accounts, comms, as_user):
    rows = rows_of(as_user(comms).get(URL, {"team": "nonsense", "state": "<script>"}))
    assert len(rows) == 4


def test_the_register_page_links_to_the_file_with_its_filters(accounts, comms, team, as_user):
    page = as_user(comms).get(
        reverse("accounts_requests:account_list"), {"team": team.pk, "page": 1}
    )
    text = page.content.decode()
    assert f'href="{URL}?team={team.pk}"' in text
    assert "Download these 2 accounts as a CSV file" in text


def test_no_login_detail_is_in_the_file(accounts, comms, as_user):
    body = b"".join(as_user(comms).get(URL).streaming_content).decode("utf-8-sig")
    header = body.splitlines()[0].lower()
    assert "password" not in header and "secret" not in header and "login" not in header


@pytest.mark.parametrize("role", ["staff", "outsider"])
def test_people_without_a_register_of_their_own_get_no_file(accounts, people, role, as_user):
    response = as_user(people[role]).get(URL)
    if role == "staff":
        assert response.status_code == 403
    else:  # a team member elsewhere: only their own team's accounts
        assert [row["Account"] for row in rows_of(response)] == ["Theirs"]


def test_signed_out_visitors_are_sent_to_sign_in(accounts):
    response = Client().get(URL)
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


def test_the_query_count_does_not_grow_with_the_register(comms, team, as_user, vault_key):
    client = as_user(comms)
    factories.managed_account(team=team, name="First")
    client.get(URL)  # the session and permissions read once

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(URL).streaming_content)
        return len(captured)

    few = count()
    for n in range(30):
        factories.managed_account(team=team, name=f"More {n}")
    assert count() == few
