"""The information rights record's download: every request, what was asked and when, how
and by whom it was answered or closed, for information governance's own figures, and
never whom it is about."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from moderation import services, services_rights
from moderation.models import RightsRequest
from tests import factories
from tests.moderation.helpers import log_entry
from tests.test_csv_exports import rows_of

pytestmark = pytest.mark.django_db

URL = reverse("moderation:rights_export")
Kind = RightsRequest.Kind
Closure = RightsRequest.Closure


@pytest.fixture
def account(team):
    return factories.managed_account(team=team)


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _ask(actor, handle, account, kind=Kind.ACCESS, days_ago=0, reference=""):
    commenter = log_entry(actor, account, handle=handle).commenter
    return services_rights.request_log(
        actor=actor,
        commenter=commenter,
        kind=kind,
        received_on=_days_ago(days_ago),
        reference=reference,
    )


def _requests(head, comms, account):
    """One of each: waiting, answered by an export in time, answered by a removal late,
    closed for a reason, and closed as logged in error."""
    with freeze_time(timezone.now() - datetime.timedelta(days=50)):
        late = _ask(comms, "@late_removal", account, Kind.ERASURE, reference="IG-2026-7")
        wrong = _ask(comms, "@not_them", account)
    waiting = _ask(comms, "@still_waiting", account, days_ago=3)
    exported = _ask(comms, "@wants_a_copy", account, days_ago=5)
    services.subject_access_export(
        actor=comms, commenter=exported.commenter, received_on=exported.received_on
    ).close()
    services.commenter_erase(
        actor=head,
        commenter_id=late.commenter_id,
        reason="Upheld by information governance",
        received_on=late.received_on,
    )
    withdrawn = _ask(comms, "@changed_mind", account, Kind.ERASURE, days_ago=1)
    for request, closure in ((withdrawn, Closure.WITHDRAWN), (wrong, Closure.ERROR)):
        services_rights.request_close(actor=comms, request_id=request.pk, closure=closure)
    return waiting, exported, late, withdrawn, wrong


def test_each_request_is_a_row_with_how_it_ended_and_never_whom_it_is_about(
    as_user, head, comms, account
):
    waiting, exported, late, withdrawn, wrong = _requests(head, comms, account)
    response = as_user(comms).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        f"information-rights-{timezone.localdate().isoformat()}.csv"
        in (response["Content-Disposition"])
    )
    assert "no-store" in response["Cache-Control"]
    header, *rows = rows_of(response)
    assert header[0] == "Request" and len(header) == 13
    by_number = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    # Latest received first.
    assert list(by_number) == [withdrawn.pk, waiting.pk, exported.pk, wrong.pk, late.pk]
    row = by_number[waiting.pk]
    assert (row["Where it stands"], row["How"], row["Within a month"], row["Days taken"]) == (
        "Waiting",
        "",
        "",
        "",
    )
    assert row["Received"] == _days_ago(3).isoformat() and row["Logged by"] == str(comms)
    row = by_number[exported.pk]
    assert (row["Where it stands"], row["How"], row["Within a month"], row["Days taken"]) == (
        "Answered",
        "Subject access export",
        "Yes",
        "5",
    )
    row = by_number[late.pk]
    assert (row["How"], row["Within a month"], row["Answered or closed by"]) == (
        "Details removed",
        "No",
        str(head),
    )
    assert row["Information governance reference"] == "IG-2026-7"
    row = by_number[withdrawn.pk]
    assert (row["Where it stands"], row["How"], row["Within a month"]) == (
        "Closed without an export or removal",
        "They withdrew it",
        "Yes",
    )
    assert by_number[wrong.pk]["Within a month"] == "Not counted: logged in error"
    text = "\n".join(",".join(row) for row in rows)
    for handle in ("still_waiting", "wants_a_copy", "late_removal", "changed_mind", "not_them"):
        assert handle not in text


def test_the_record_links_to_it_and_its_queries_do_not_grow_with_the_requests(
    as_user, head, comms, auditor, account, django_assert_num_queries
):
    page = as_user(auditor).get(reverse("moderation:rights")).content.decode()
    assert f'href="{URL}"' in page and "It does not say whom each request is about." in page
    _ask(comms, "@first", account)
    client = as_user(auditor)
    client.get(URL)  # the session settles
    with django_assert_num_queries(8) as once:
        rows = rows_of(client.get(URL))
    assert len(rows) == 2
    _requests(head, comms, account)
    with django_assert_num_queries(len(once.captured_queries)):
        rows = rows_of(client.get(URL))
    assert len(rows) == 7


def test_those_who_do_not_read_the_whole_log_cannot_download_it(
    as_user, comms, member, manager, safeguarding_lead, account
):
    _ask(comms, "@someone", account)
    for user in (member, manager, safeguarding_lead):
        assert as_user(user).get(URL).status_code == 403
    assert as_user(None).get(URL).status_code == 302
