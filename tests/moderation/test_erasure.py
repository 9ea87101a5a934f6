"""Removing what is held about a commenter before retention would: decided by the head of
communications with a reason, refused while evidence is on legal hold or a plan is open,
recorded on every entry, and leaving what was breached and done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation import evidence, services
from moderation.evidence import clean_upload
from moderation.models import Entry, EvidenceFile
from portal.services.errors import ActionConflict, ActionError, ActionRefused
from tests import factories
from tests.moderation.helpers import (
    close_plan,
    entry_data,
    log_entry,
    open_plan,
    pdf_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

WORDS = "Nurse Jo on ward 7 is useless"
LINK = "https://www.facebook.com/trust/posts/1?comment_id=99"
NOTE = "Posts under two names"


@pytest.fixture
def account(team):
    return factories.managed_account(team=team)


@pytest.fixture
def logged(comms, account):
    """Two entries about @troll_one, one with two files and an edit in its history."""
    first = log_entry(
        comms,
        account,
        files=[
            clean_upload(upload("a.png", png_bytes())),
            clean_upload(upload("b.pdf", pdf_bytes())),
        ],
        handle="@troll_one",
        excerpt=WORDS,
        comment_url=LINK,
        notes=NOTE,
    )
    services.entry_update(
        actor=comms,
        entry_id=first.pk,
        data=entry_data(
            account, handle="@troll_one", excerpt=WORDS + "!", comment_url=LINK, notes=NOTE
        ),
    )
    second = log_entry(comms, account, handle="@troll_one", excerpt="Second comment")
    return first, second


def _erase(head, commenter, reason="Erasure request IG-42 upheld", received_on=None):
    return services.commenter_erase(
        actor=head,
        commenter_id=commenter.pk,
        reason=reason,
        received_on=received_on or timezone.localdate(),
    )


def test_the_head_removes_the_handle_words_links_notes_and_files_now(
    head, logged, django_capture_on_commit_callbacks
):
    first, second = logged
    commenter = first.commenter
    files = list(first.evidence.all())
    folders = [evidence.folder_for(item.key) for item in files]
    categories = set(first.categories.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        assert _erase(head, commenter) == (2, 2)

    commenter.refresh_from_db()
    assert commenter.is_forgotten
    for folder in folders:
        assert not folder.exists()
    assert not EvidenceFile.history.filter(id__in=[f.pk for f in files]).exists()
    assert all(f.removed_at for f in EvidenceFile.objects.filter(entry=first))
    for entry in (first, second):
        entry.refresh_from_db()
        assert (entry.excerpt, entry.comment_url, entry.notes) == ("", "", "")
        assert entry.personal_data_removed_at is not None
        for row in Entry.history.filter(id=entry.pk):
            assert (row.excerpt, row.comment_url, row.notes) == ("", "", "")
        (event,) = entry.events.filter(action="details_erased")
        assert event.actor == head
        assert "Erasure request IG-42 upheld" in event.comment
    assert first.events.filter(action="evidence_erased", actor=head).count() == 2
    # What was breached and done stays.
    assert set(first.categories.values_list("pk", flat=True)) == categories
    assert first.action_rows.exists()
    # Nothing is left to remove.
    with pytest.raises(ActionConflict):
        _erase(head, commenter)


def test_the_handle_written_in_the_reason_is_not_kept(head, logged):
    first, _ = logged
    _erase(head, first.commenter, reason="@Troll_One asked us to delete; troll_one confirmed")
    (event,) = first.events.filter(action="details_erased")
    assert "troll_one" not in event.comment.lower()
    assert "[the commenter] asked us to delete; [the commenter] confirmed" in event.comment


def test_contact_details_written_in_the_reason_are_not_kept(head, logged):
    first, _ = logged
    _erase(head, first.commenter, reason="Asked by jo.bloggs@example.com on 07700 900123")
    (event,) = first.events.filter(action="details_erased")
    assert "Asked by [e-mail removed] on [phone number removed]" in event.comment
    assert first.commenter.erasures.get().reason == (
        "Asked by [e-mail removed] on [phone number removed]"
    )


@pytest.mark.parametrize(
    ("handle", "reason", "kept"),
    [
        (
            "@jo",
            "Jo asked on a major site; @JO confirmed",
            "[the commenter] asked on a major site; [the commenter] confirmed",
        ),
        ("@troll.one", "troll.one and trollXone", "[the commenter] and trollXone"),
        ("", "Request IG-42", "Request IG-42"),
    ],
)
def test_only_the_whole_handle_is_taken_out_of_a_reason(handle, reason, kept):
    assert services._without_handle(reason, handle) == kept


def test_an_entry_already_past_retention_is_not_counted_again(as_user, head, logged):
    def client_page(commenter):
        url = reverse("moderation:commenter_erase", args=[commenter.pk])
        return as_user(head).get(url).content.decode()

    first, second = logged
    Entry.objects.filter(pk=second.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.retention_expire_all()
    page = client_page(first.commenter)
    assert "from 1 entry and its history (retention has already cleared the other 1)" in page
    assert _erase(head, first.commenter) == (2, 1)
    assert not second.events.filter(action="details_erased").exists()


def test_legal_hold_an_open_plan_or_no_reason_stops_it_and_nothing_goes(head, comms, logged):
    first, second = logged
    commenter = first.commenter
    services.entry_set_legal_hold(actor=comms, entry_id=second.pk, hold=True, reason="Claim 7")
    with pytest.raises(ActionConflict, match=f"#{second.pk}"):
        _erase(head, commenter)
    services.entry_set_legal_hold(actor=comms, entry_id=second.pk, hold=False)
    plan = open_plan(comms, commenter)
    with pytest.raises(ActionConflict, match="management plan"):
        _erase(head, commenter)
    close_plan(comms, plan)
    with pytest.raises(ActionError) as refused:
        _erase(head, commenter, reason="   ")
    assert "reason" in refused.value.errors
    first.refresh_from_db()
    commenter.refresh_from_db()
    assert first.excerpt == WORDS + "!" and commenter.handle == "@troll_one"
    assert EvidenceFile.objects.filter(entry=first, removed_at__isnull=True).count() == 2


def test_only_the_head_of_communications_may(comms, auditor, logged):
    first, _ = logged
    for person in (comms, auditor):
        with pytest.raises(ActionRefused):
            _erase(person, first.commenter)
    first.refresh_from_db()
    assert first.excerpt


# The pages


def test_the_page_says_what_goes_what_stays_and_asks_for_a_reason(as_user, head, logged):
    first, _ = logged
    commenter = first.commenter
    client = as_user(head)
    detail = client.get(commenter.get_absolute_url()).content.decode()
    url = reverse("moderation:commenter_erase", args=[commenter.pk])
    assert f'href="{url}"' in detail
    page = client.get(url).content.decode()
    assert "from 2 entries and their history;" in page
    assert "retention has already cleared" not in page
    assert "2 evidence files still kept" in page
    assert "no staff reports" in page
    assert 'name="reason"' in page and 'name="confirm"' in page

    # Not confirmed: nothing goes, and the reason typed is kept.
    response = client.post(url, {"reason": "Request IG-42", "received_on": "2026-11-30"})
    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    assert "Request IG-42" in response.content.decode()
    commenter.refresh_from_db()
    assert not commenter.is_forgotten

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url, {"reason": "Request IG-42", "received_on": tomorrow.isoformat(), "confirm": "on"}
    )
    assert response.status_code == 400
    assert "The day received cannot be in the future." in response.content.decode()
    received = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = client.post(
        url, {"reason": "Request IG-42", "received_on": received, "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == commenter.get_absolute_url()
    page = response.content.decode()
    assert "the details of 2 entries and 2 evidence files were removed" in page
    assert "(handle removed)" in page
    assert f'href="{url}"' not in page
    # Asked again, there is nothing left: back to their page.
    again = client.get(url, follow=True)
    assert "Nothing that names this commenter is held any more." in again.content.decode()


def test_the_page_says_what_stops_it_and_offers_no_form(as_user, head, comms, logged):
    first, second = logged
    services.entry_set_legal_hold(actor=comms, entry_id=second.pk, hold=True, reason="Claim 7")
    url = reverse("moderation:commenter_erase", args=[first.commenter.pk])
    page = as_user(head).get(url).content.decode()
    assert "This cannot be done yet" in page
    assert f">#{second.pk}</a>" in page
    assert 'name="reason"' not in page
    response = as_user(head).post(
        url, {"reason": "Request", "received_on": "2026-11-30", "confirm": "on"}
    )
    assert response.status_code == 409
    first.refresh_from_db()
    assert first.excerpt


def test_comms_see_no_way_to_remove_and_are_refused(as_user, comms, logged):
    first, _ = logged
    url = reverse("moderation:commenter_erase", args=[first.commenter.pk])
    client = as_user(comms)
    assert f'href="{url}"' not in client.get(first.commenter.get_absolute_url()).content.decode()
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    first.refresh_from_db()
    assert first.excerpt


def test_the_page_names_who_to_check_with_first(as_user, head, comms, account):
    from moderation.models import Action

    worrying = log_entry(comms, account, handle="@worrying", safeguarding=True)
    url = reverse("moderation:commenter_erase", args=[worrying.commenter_id])
    page = as_user(head).get(url).content.decode()
    assert "1 entry is a safeguarding concern." in page
    assert "Check with the safeguarding lead that nothing here is still needed" in page
    log_entry(comms, account, handle="@worrying", actions=[Action.HIDE, Action.POLICE])
    page = as_user(head).get(url).content.decode()
    assert "1 entry was forwarded to the police." in page
    assert "Check with the safeguarding lead and the police that" in page


def test_the_page_asks_the_same_few_queries_however_many_entries(
    as_user, head, comms, account, django_assert_max_num_queries
):
    entry = log_entry(comms, account, handle="@many")
    client = as_user(head)
    url = reverse("moderation:commenter_erase", args=[entry.commenter_id])
    client.get(url)
    with django_assert_max_num_queries(17) as few:
        client.get(url)
    for _ in range(5):
        log_entry(comms, account, handle="@many")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_removing_asks_the_same_queries_however_many_entries_and_files(
    head, comms, account, django_assert_max_num_queries
):
    def commenter_with(count, handle):
        for _ in range(count):
            entry = log_entry(
                comms,
                account,
                files=[clean_upload(upload("a.png", png_bytes()))],
                handle=handle,
                notes="A note",
            )
        return entry.commenter

    few, many = commenter_with(1, "@few"), commenter_with(6, "@many")
    with django_assert_max_num_queries(44) as one:
        assert _erase(head, few) == (1, 1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert _erase(head, many) == (6, 6)


# Nothing left anywhere that names them


def _rows_naming(needle):
    """Every row of every table, history and timelines included, whose text holds
    ``needle`` in any case: (table, column) pairs."""
    from django.apps import apps
    from django.db import models
    from django.db.models.functions import Cast

    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                continue
            rows = model._base_manager.annotate(_text=Cast(field.name, models.TextField()))
            if rows.filter(_text__icontains=needle).exists():
                found.append((model._meta.db_table, field.column))
    return found


def _written_about(comms, account, handle):
    """An entry made from a staff report, with the handle written into every note staff
    can type about a commenter: the report, the reason they were not told, a legal hold,
    a reconsideration, a closed plan and its steps, and a log export filtered by it."""
    from moderation.models import AuthorTold, ExportRecord
    from portal.services import concerns as concern_services

    bare = handle.lstrip("@")
    reporter = factories.member_of(account.team, username="reporter")
    concern = concern_services.concern_report(
        actor=reporter,
        kind="comment",
        link=f"https://x.com/{bare}/status/1",
        what_worries=f"{handle} keeps posting about a patient.",
    )
    entry = services.entry_create(
        actor=comms,
        data=entry_data(
            account,
            handle=handle,
            author_told=AuthorTold.NOT_TOLD,
            not_told_reason=f"{bare} has blocked the account",
        ),
        concern=concern,
    )
    services.entry_set_legal_hold(
        actor=comms, entry_id=entry.pk, hold=True, reason=f"Claim by {handle}"
    )
    services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=False)
    services.entry_reconsider(
        actor=comms, entry_id=entry.pk, outcome="kept_hidden", comment=f"{bare} edited it"
    )
    plan = open_plan(
        comms,
        entry.commenter,
        summary=f"{handle} posts daily.",
        steps=[f"Message {handle} privately"],
    )
    close_plan(comms, plan, outcome=f"{bare.upper()} stopped.", done=True)
    services.export_record(
        user=comms, kind=ExportRecord.Kind.LOG_CSV, detail=f"handle=%40{bare}&account=1"
    )
    return entry, concern


def test_once_removed_no_table_holds_the_handle_anywhere(as_user, head, comms, account):
    entry, concern = _written_about(comms, account, "@quiet_heron")
    assert len(_rows_naming("quiet_heron")) > 8  # the scan finds what is there
    url = reverse("moderation:commenter_erase", args=[entry.commenter_id])
    page = as_user(head).get(url).content.decode()
    assert "timelines and the steps of their closed management plans" in page
    assert "what their closed management plans say about them, the summary and the" in page
    assert "the link and description of 1 staff report their entries" in page

    _erase(head, entry.commenter)

    assert _rows_naming("quiet_heron") == [], _rows_naming("quiet_heron")
    # What was done stays, with the handle taken out of what staff wrote.
    entry.refresh_from_db()
    # Why they were not told, and why their evidence was kept, went with the details.
    assert entry.not_told_reason == services.REASON_REMOVED
    held = entry.events.filter(action__startswith="legal_hold").order_by("at", "pk")
    assert [(event.action, event.comment) for event in held] == [
        ("legal_hold_placed", services.REASON_REMOVED),
        ("legal_hold_lifted", ""),  # lifted with no reason given
    ]
    plan = entry.commenter.plans.get()
    # What the plan said of them goes whole, in its history too; its steps stay.
    gone = services.PLAN_TEXT_REMOVED
    assert (plan.summary, plan.outcome) == (gone, gone)
    assert {(row.summary, row.outcome) for row in plan.history.all()} <= {(gone, gone), (gone, "")}
    assert plan.steps.get().description == "Message [the commenter] privately"
    # The note on its reconsideration went with the entry's other notes; the outcome stays.
    assert entry.events.get(action="reconsidered").comment == (
        f"Edited but kept hidden. {services.NOTE_REMOVED}"
    )
    # The staff report it came from no longer says where the comment was or what it said.
    concern.refresh_from_db()
    assert concern.redacted_at is not None
    (removed,) = concern.events.filter(action="erased")
    assert removed.actor == head
    # The member of staff who reported it reads that it went, not the decision's reason.
    reporter = concern.reported_by
    page = as_user(reporter).get(concern.get_absolute_url()).content.decode()
    assert "the timeline says why" in page
    assert "removed the link and description with the commenter&#x27;s details" in page
    assert "the head of communications decided to remove them early" in page
    assert "IG-42" not in page


def test_when_retention_forgets_the_handle_no_table_holds_it(comms, account):
    entry, concern = _written_about(comms, account, "@quiet_heron")
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )

    services.retention_expire_all()

    entry.commenter.refresh_from_db()
    assert entry.commenter.is_forgotten
    assert _rows_naming("quiet_heron") == [], _rows_naming("quiet_heron")
    concern.refresh_from_db()
    (removed,) = concern.events.filter(action="erased")
    assert removed.actor is None


def test_a_post_on_the_commenters_own_page_goes_a_post_on_the_trusts_stays(head, comms, account):
    """A staff report of a post on someone's own page becomes an entry whose post link
    names them: it goes with their details, here and in history. A link to a post on the
    trust's own page says nothing about them and stays, so the entry still says where."""
    account.url = "https://www.facebook.com/trust"
    account.save(update_fields=["url"])
    own_page = "https://www.facebook.com/troll.one/posts/123"
    theirs = log_entry(comms, account, handle="@troll.one", post_url=own_page)
    services.entry_update(
        actor=comms,
        entry_id=theirs.pk,
        data=entry_data(account, handle="@troll.one", post_url=own_page, notes="Edited."),
    )
    ours = log_entry(comms, account, handle="@troll.one")  # on facebook.com/trust/posts/1

    _erase(head, theirs.commenter)

    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.post_url == ""
    assert set(Entry.history.filter(id=theirs.pk).values_list("post_url", flat=True)) == {""}
    assert ours.post_url == "https://www.facebook.com/trust/posts/1"
    assert set(Entry.history.filter(id=ours.pk).values_list("post_url", flat=True)) == {
        ours.post_url
    }
    assert "to the post, if it was not on the trust's account" in (
        theirs.events.get(action="details_erased").comment
    )


def test_a_post_link_on_the_trusts_page_loses_what_points_at_the_comment(head, comms, account):
    """A link to the trust's post can carry the commenter's comment in its query or its
    fragment: that part goes with their details, and the post's own address stays."""
    account.url = "https://www.facebook.com/trust"
    account.save(update_fields=["url"])
    pointing = "https://www.facebook.com/trust/posts/7?comment_id=987&reply_comment_id=55#c987"
    entry = log_entry(comms, account, handle="@troll.two", post_url=pointing)
    services.entry_update(
        actor=comms,
        entry_id=entry.pk,
        data=entry_data(account, handle="@troll.two", post_url=pointing, notes="Edited."),
    )
    on_its_own = log_entry(comms, account, handle="@troll.two")

    _erase(head, entry.commenter)

    entry.refresh_from_db()
    on_its_own.refresh_from_db()
    assert entry.post_url == "https://www.facebook.com/trust/posts/7"
    assert set(Entry.history.filter(id=entry.pk).values_list("post_url", flat=True)) == {
        "https://www.facebook.com/trust/posts/7"
    }
    assert on_its_own.post_url == "https://www.facebook.com/trust/posts/1"


@pytest.mark.parametrize(
    ("link", "kept"),
    [
        ("https://x.example/trust/posts/1?comment_id=9", "https://x.example/trust/posts/1"),
        ("https://x.example/trust/watch?v=abc&lc=Ugx9", "https://x.example/trust/watch?v=abc"),
        (
            "https://x.example/trust/p/1?commentUrn=urn%3A1&utm=x",
            "https://x.example/trust/p/1?utm=x",
        ),
        ("https://x.example/trust/posts/1#comment-4", "https://x.example/trust/posts/1"),
        ("https://x.example/trust/posts/1", "https://x.example/trust/posts/1"),
    ],
)
def test_what_of_a_post_link_points_at_a_comment(link, kept):
    assert services._post_itself(link) == kept


def _reported_and_acted_on(comms, account, handle, note):
    """A staff report of a comment, acknowledged and closed with a note naming the
    commenter in other words than their handle, and an entry made from it."""
    from moderation.models import AuthorTold
    from portal.services import concerns as concern_services

    reporter = factories.member_of(account.team, username=f"reporter{handle[-1]}")
    concern = concern_services.concern_report(
        actor=reporter,
        kind="comment",
        link="https://www.facebook.com/trust/posts/1?comment_id=5",
        what_worries="Jane Doe gave her home address in a comment.",
    )
    concern_services.concern_act(actor=comms, concern_id=concern.pk, action="acknowledge")
    entry = services.entry_create(
        actor=comms,
        data=entry_data(account, handle=handle, author_told=AuthorTold.PUBLIC_REPLY),
        concern=concern,
    )
    concern_services.concern_act(
        actor=comms, concern_id=concern.pk, action="close", outcome="dealt_with", comment=note
    )
    return entry, concern


def test_retention_takes_the_report_and_the_team_s_notes_with_the_entry(comms, account):
    """An entry past retention takes with it the staff report it was made from (still
    open or not), the team's notes on that report's timeline and the note quoted in the
    notification its reporter was sent. What was done stays."""
    from portal.models import Notification
    from portal.services.concerns import NOTE_REMOVED

    note = "Hid Jane Doe's comment; she gave her address in it."
    entry, concern = _reported_and_acted_on(comms, account, "@jane_d", note)
    told = Notification.objects.get(recipient=concern.reported_by, kind="concern.close")
    assert note in told.body
    # Another entry made from the same report, still within its retention, keeps it.
    from moderation.models import AuthorTold

    later = services.entry_create(
        actor=comms,
        data=entry_data(account, handle="@jane_d", author_told=AuthorTold.PUBLIC_REPLY),
        concern=concern,
    )
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.retention_expire_all()
    concern.refresh_from_db()
    assert concern.redacted_at is None and "Jane Doe" in concern.what_worries

    Entry.objects.filter(pk=later.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.retention_expire_all()

    concern.refresh_from_db()
    assert concern.redacted_at is not None
    assert "Jane Doe" not in concern.what_worries and "comment_id" not in concern.link
    close = concern.events.get(action="close")
    assert close.comment == NOTE_REMOVED and close.to_state == "closed"
    assert not concern.events.filter(comment__icontains="Jane Doe").exists(), list(
        concern.events.values_list("action", "comment")
    )
    told.refresh_from_db()
    assert "Jane Doe" not in told.body and told.body.endswith(NOTE_REMOVED)
    assert told.title == "Your report is closed: dealt with"


def test_an_entry_with_no_report_leaves_other_reports_alone(comms, account):
    entry = log_entry(comms, account, handle="@no_report")
    _, concern = _reported_and_acted_on(comms, account, "@kept_r", "Hid it.")
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.retention_expire_all()
    concern.refresh_from_db()
    assert concern.redacted_at is None
    assert concern.events.get(action="close").comment == "Hid it."


def test_a_report_s_incident_references_stay_when_its_notes_go(comms, account):
    """The references given with the report's steps stay; a note that only looks like
    one goes like any other."""
    from portal.services import concerns as concern_services
    from portal.services.concerns import NOTE_REMOVED

    reporter = factories.member_of(account.team, username="reporter_refs")
    concern = concern_services.concern_report(
        actor=reporter,
        kind="comment",
        link="https://www.facebook.com/trust/posts/1?comment_id=6",
        what_worries="Jo Bloggs posted her address.",
    )
    concern_services.concern_act(
        actor=comms,
        concern_id=concern.pk,
        action="acknowledge",
        comment="Incident reference: none yet. Spoke to Jo Bloggs at 12 Elm St",
    )
    entry = services.entry_create(
        actor=comms, data=entry_data(account, handle="@jo_b"), concern=concern
    )
    concern_services.concern_act(
        actor=comms,
        concern_id=concern.pk,
        action="record_action",
        comment="Hid Jo's comment.",
        incident_reference="DATIX-111",
    )
    concern_services.concern_act(
        actor=comms,
        concern_id=concern.pk,
        action="close",
        outcome="dealt_with",
        incident_reference="DATIX-222",
    )
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.retention_expire_all()

    comments = dict(concern.events.values_list("action", "comment"))
    assert comments["acknowledge"] == NOTE_REMOVED
    assert comments["record_action"] == f"{NOTE_REMOVED}\n\nIncident reference: DATIX-111"
    assert comments["close"] == "Incident reference: DATIX-222"
    assert not concern.events.filter(comment__icontains="Jo").exists()


def test_a_report_goes_with_its_entry_while_the_commenter_s_other_entries_stay(comms, account):
    """The commenter is still in the log for another entry (so their handle is kept), but
    the entry made from the report has reached its retention date: the report goes."""
    entry, concern = _reported_and_acted_on(comms, account, "@still_here", "Hid it.")
    log_entry(comms, account, handle="@still_here")  # not past its retention date
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.retention_expire_all()

    entry.commenter.refresh_from_db()
    assert not entry.commenter.is_forgotten
    concern.refresh_from_db()
    assert concern.redacted_at is not None and "Jane Doe" not in concern.what_worries
    assert concern.events.filter(action="erased").exists()
