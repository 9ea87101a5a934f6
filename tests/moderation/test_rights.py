"""The information rights record: each early removal of a commenter's details and each
subject access export, for those who read all of the log, a page at a time."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from moderation import selectors, services, services_rights
from moderation.models import Erasure, ExportRecord, RightsRequest
from tests import factories
from tests.moderation.helpers import log_entry

pytestmark = pytest.mark.django_db

URL = reverse("moderation:rights")


@pytest.fixture
def account(team):
    return factories.managed_account(team=team)


def erase(**arguments):
    arguments.setdefault("received_on", timezone.localdate())
    return services.commenter_erase(**arguments)


def _export(user, commenter, detail="2 entries, 1 evidence file", received_on=None):
    return services.export_record(
        user=user,
        kind=ExportRecord.Kind.SUBJECT_ACCESS,
        detail=detail,
        commenter=commenter,
        received_on=received_on,
    )


def _ask(actor, commenter):
    return services_rights.request_log(
        actor=actor,
        commenter=commenter,
        kind=RightsRequest.Kind.ACCESS,
        received_on=timezone.localdate(),
    )


def test_removing_a_commenters_details_is_recorded_with_the_handle_out_of_the_reason(
    head, comms, account
):
    entry = log_entry(comms, account, handle="@gone_soon")
    log_entry(comms, account, handle="@gone_soon")
    erase(actor=head, commenter_id=entry.commenter_id, reason="gone_soon asked, request IG-9")
    (removal,) = Erasure.objects.all()
    assert (removal.commenter_id, removal.user, removal.entries, removal.files) == (
        entry.commenter_id,
        head,
        2,
        0,
    )
    assert removal.reason == "[the commenter] asked, request IG-9"


def test_a_refused_removal_records_nothing(head, comms, account):
    entry = log_entry(comms, account, handle="@kept")
    services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=True, reason="Claim")
    with pytest.raises(services.ActionConflict):
        erase(actor=head, commenter_id=entry.commenter_id, reason="Asked")
    assert not Erasure.objects.exists()


def test_the_page_lists_removals_and_exports_newest_first(as_user, head, comms, auditor, account):
    gone = log_entry(comms, account, handle="@gone_soon")
    kept = log_entry(comms, account, handle="@still_here")
    _export(comms, gone.commenter, detail="1 entry, 0 evidence files")
    _export(head, kept.commenter, detail="3 entries, 2 evidence files")
    erase(actor=head, commenter_id=gone.commenter_id, reason="Request IG-9")

    for reader in (head, comms, auditor):
        page = as_user(reader).get(URL).content.decode()
        assert "1 removal, newest first" in page
        assert "Request IG-9" in page
        assert "2 exports, newest first" in page
        assert page.index("3 entries, 2 evidence files") < page.index("1 entry, 0 evidence files")
        # The removed commenter is shown as removed, the other by their handle.
        assert "(handle removed)" in page and "@still_here" in page
        assert "gone_soon" not in page
        assert f'href="{gone.commenter.get_absolute_url()}"' in page


def test_the_record_says_whether_each_removal_came_within_a_month_of_the_request(
    as_user, head, comms, account
):
    today = timezone.localdate()
    late = log_entry(comms, account, handle="@asked_long_ago")
    prompt = log_entry(comms, account, handle="@asked_lately")
    erase(
        actor=head,
        commenter_id=late.commenter_id,
        reason="Found in a backlog",
        received_on=today - datetime.timedelta(days=45),
    )
    erase(actor=head, commenter_id=prompt.commenter_id, reason="Asked", received_on=today)
    (removal_late,) = Erasure.objects.filter(commenter=late.commenter)
    assert not removal_late.answered_in_time and removal_late.days_taken == 45
    assert Erasure.objects.get(commenter=prompt.commenter).answered_in_time
    page = as_user(comms).get(URL).content.decode()
    assert "Yes, in 0 days" in page
    due = removal_late.answer_due
    assert f"No</span> 45 days, due by {due.day} {due:%b %Y}" in page


def test_the_record_says_whether_each_export_came_within_a_month_of_the_request(
    as_user, comms, account
):
    today = timezone.localdate()
    entry = log_entry(comms, account, handle="@wants_a_copy")
    _export(comms, entry.commenter, detail="taken before the date was asked")
    _export(comms, entry.commenter, received_on=today - datetime.timedelta(days=2))
    late = _export(comms, entry.commenter, received_on=datetime.date(2026, 1, 31))
    assert late.answer_due == datetime.date(2026, 2, 28)
    assert not late.answered_in_time
    exports = as_user(comms).get(URL).content.decode().split('id="exports-heading"')[1]
    assert "Yes, in 2 days" in exports
    assert f"No</span> {late.days_taken} days, due by 28 Feb 2026" in exports
    assert exports.count("not recorded") == 2  # neither a day received nor in time


def test_the_last_twelve_months_count_what_came_within_a_month_and_what_did_not(
    as_user, head, comms, account
):
    today = timezone.localdate()
    person = log_entry(comms, account, handle="@asks_a_lot").commenter
    with freeze_time(timezone.now() - datetime.timedelta(days=400)):
        _export(comms, person, received_on=today - datetime.timedelta(days=400))
    _export(comms, person, received_on=today - datetime.timedelta(days=3))
    _export(comms, person, received_on=today - datetime.timedelta(days=60))
    _export(comms, person)
    gone = log_entry(comms, account, handle="@gone_late")
    erase(
        actor=head,
        commenter_id=gone.commenter_id,
        reason="Found late",
        received_on=today - datetime.timedelta(days=50),
    )
    since = timezone.now() - datetime.timedelta(days=365)
    assert selectors.rights_answered(since) == {
        "exports": {"total": 3, "in_time": 1, "late": 1, "not_recorded": 1},
        "removals": {"total": 1, "in_time": 0, "late": 1, "not_recorded": 0},
        "closed": {"total": 0, "in_time": 0, "late": 0, "not_recorded": 0},
        "in_error": 0,
    }
    page = as_user(comms).get(URL).content.decode()
    figures = page[page.index('id="year-heading"') : page.index('id="removals-heading"')]
    rows = [row.split("</th>")[1] for row in figures.split('<tr><th scope="row">')[1:]]
    assert [row.count('class="text-end"') for row in rows] == [4, 4, 4]
    assert 'text-bg-danger">1</span>' in rows[0] and 'text-bg-danger">1</span>' in rows[1]
    assert "Subject access exports" in figures and "Details removed early" in figures


def test_a_request_received_in_the_future_is_refused(head, comms, account):
    entry = log_entry(comms, account, handle="@not_yet")
    with pytest.raises(services.ActionError) as refused:
        erase(
            actor=head,
            commenter_id=entry.commenter_id,
            reason="Asked",
            received_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "received_on" in refused.value.errors
    assert not Erasure.objects.exists()


def test_the_page_says_when_nothing_has_been_done(as_user, comms):
    page = as_user(comms).get(URL).content.decode()
    assert "No commenter's details have been removed early." in page
    assert "No subject access export has been taken." in page


def test_each_list_pages_on_its_own(as_user, comms, account):
    entry = log_entry(comms, account, handle="@asked_often")
    for number in range(30):
        _export(comms, entry.commenter, detail=f"export number {number}")
    client = as_user(comms)
    # What was done is listed ten a page, newest first.
    first = client.get(URL).content.decode()
    assert "export number 20<" in first and "export number 19<" not in first
    assert 'href="?exports=2"' in first
    third = client.get(URL, {"exports": 3}).content.decode()
    assert "export number 0<" in third and "export number 10<" not in third
    assert "30 exports, newest first" in third


def test_only_those_who_read_all_the_log_see_it_and_its_link(
    as_user, comms, auditor, safeguarding_lead, member
):
    assert f'href="{URL}"' in as_user(comms).get(reverse("moderation:log")).content.decode()
    for reader in (comms, auditor):
        assert as_user(reader).get(URL).status_code == 200
    lead_log = as_user(safeguarding_lead).get(reverse("moderation:log")).content.decode()
    assert f'href="{URL}"' not in lead_log
    for person in (safeguarding_lead, member):
        assert as_user(person).get(URL).status_code == 403


def test_auditors_read_the_record_and_are_offered_nothing_to_change_in_it(
    as_user, comms, auditor, account
):
    waiting = _ask(comms, log_entry(comms, account, handle="@wants_a_copy").commenter)
    close = reverse("moderation:rights_request_close", args=[waiting.pk])
    export = reverse("moderation:commenter_export", args=[waiting.commenter_id])
    handled = as_user(comms).get(URL).content.decode()
    assert "Answer it</th>" in handled and f'href="{close}"' in handled
    assert f'href="{export}"' in handled

    page = as_user(auditor).get(URL).content.decode()
    assert f'id="request-{waiting.pk}"' in page and "@wants_a_copy" in page
    assert "Answer it</th>" not in page
    assert f'href="{close}"' not in page and f'href="{export}"' not in page
    assert "information governance reads this record and changes nothing in it" in page
    # The row has as many cells as the head has columns.
    row = page[page.index(f'id="request-{waiting.pk}"') :]
    row = row[: row.index("</tr>")]
    head = page[page.index('id="waiting-heading"') :]
    head = head[head.index("<thead>") : head.index("</thead>")]
    assert row.count("<td") + row.count("<th ") == head.count("<th ") == 7

    own = as_user(auditor).get(waiting.get_absolute_url()).content.decode()
    assert "The communications team answers it" in own
    assert f'href="{close}"' not in own and f'href="{export}"' not in own
    for url in (close, export, reverse("moderation:rights_request_correct", args=[waiting.pk])):
        assert as_user(auditor).get(url).status_code == 403


def test_the_page_asks_the_same_queries_however_many_rows(
    as_user, head, comms, account, django_assert_max_num_queries
):
    client = as_user(comms)

    def one_of_each(handle, exporter):
        commenter = log_entry(comms, account, handle=handle).commenter
        asked = _ask(comms, commenter)
        services_rights.request_close(
            actor=comms, request_id=asked.pk, closure=RightsRequest.Closure.WITHDRAWN
        )
        _export(exporter, commenter)
        erase(actor=head, commenter_id=commenter.pk, reason="Asked")
        # Still open: about someone else, as nothing is removed about one who waits.
        _ask(comms, log_entry(comms, account, handle=f"{handle}_waits").commenter)

    one_of_each("@one", comms)
    client.get(URL)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for number in range(6):
        one_of_each(f"@person_{number}", head)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
