import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation import services
from moderation.models import Action, Entry, EvidenceDownload, EvidenceFile
from tests import factories
from tests.moderation.helpers import category, jpeg_bytes, log_entry, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return factories.managed_account(team=team, name="Perinatal page")


def form_data(account, **overrides):
    when = timezone.localtime(timezone.now() - datetime.timedelta(minutes=20))
    data = {
        "account": account.pk,
        "handle": "@form_troll",
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "post_url": "https://www.facebook.com/page/posts/9",
        "comment_url": "",
        "excerpt": "Stop lying to us, ring me 07700 900123",
        "categories": [category("abuse").pk, category("personal-information").pk],
        "actions": [Action.HIDE, Action.REPLY_PRIVATELY],
        "author_told": "private_message",
        "not_told_reason": "",
        "hate_crime_strand": "",
        "notes": "",
        "intent": "Save entry",
    }
    if "account_id" in overrides:
        data["account"] = overrides.pop("account_id")
    data.update(overrides)
    return data


def test_comms_log_an_entry_with_evidence_in_one_request(comms, account, as_user):
    client = as_user(comms)
    data = form_data(account)
    data["evidence_files"] = [
        upload("screenshot.png", png_bytes(exif=True)),
        upload("photo.jpg", jpeg_bytes()),
        upload("letter.pdf", pdf_bytes()),
    ]
    response = client.post(reverse("moderation:create"), data)
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    assert entry.excerpt == "Stop lying to us, ring me [phone number removed]"
    assert sorted(entry.evidence.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
        "image/png",
    ]
    assert entry.events.filter(action="evidence_added").exists()


def test_the_form_remembers_the_last_account_and_offers_save_and_log_another(
    comms, team, account, as_user
):
    other = factories.managed_account(team=team, name="Another page")
    client = as_user(comms)
    response = client.post(
        reverse("moderation:create"), form_data(other, intent="Save and log another")
    )
    assert response["Location"] == reverse("moderation:create")
    page = client.get(reverse("moderation:create"))
    assert page.context["form"]["account"].value() == other.pk
    assert "The account you used last is chosen already" in page.content.decode()


def test_the_form_has_sensible_defaults(comms, account, as_user):
    page = as_user(comms).get(reverse("moderation:create"))
    form = page.context["form"]
    assert form["author_told"].value() == "not_yet"
    assert form["safeguarding"].value() is False
    html = page.content.decode()
    assert 'type="datetime-local"' in html
    assert 'hx-post="/moderation/detect/"' in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline script


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"handle": ""}, "handle"),
        ({"categories": []}, "categories"),
        ({"actions": []}, "actions"),
        ({"post_url": "javascript:alert(1)"}, "post_url"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"author_told": "not_told"}, "not_told_reason"),
        ({"account_id": "999999"}, "account"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_typed_is_lost(
    comms, account, as_user, overrides, field
):
    response = as_user(comms).post(reverse("moderation:create"), form_data(account, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Entry.objects.exists()
    page = response.content.decode()
    assert "There is a problem to fix" in page or "There are problems to fix" in page
    assert "Stop lying to us" in page  # the excerpt is still in the box


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("renamed.png", b"MZ\x90\x00 this is really a program", "is not a PNG, JPEG or PDF"),
        ("renamed.png", b"<svg onload=alert(1)></svg>", "is not a PNG, JPEG or PDF"),
        (
            "script.pdf",
            pdf_bytes(extra_catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
            "contains script",
        ),
    ],
)
def test_uploads_of_the_wrong_kind_are_refused_and_nothing_is_saved(
    comms, account, as_user, settings, name, content, message
):
    data = form_data(account)
    data["evidence_files"] = [upload(name, content, "image/png")]
    response = as_user(comms).post(reverse("moderation:create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Entry.objects.exists()
    assert not EvidenceFile.objects.exists()
    root = settings.PRIVATE_STORAGE_ROOT / "moderation-evidence"
    assert not root.exists() or not any(root.rglob("file"))


def test_an_oversized_upload_is_refused(comms, account, as_user, settings):
    settings.MODERATION_EVIDENCE_MAX_BYTES = 2048
    data = form_data(account)
    data["evidence_files"] = [upload("big.png", png_bytes(size=(300, 300)) + b"\0" * 4096)]
    response = as_user(comms).post(reverse("moderation:create"), data)
    assert response.status_code == 400
    assert "evidence files can be at most 2.0" in response.content.decode()
    assert not Entry.objects.exists()


def test_too_many_files_are_refused(comms, account, as_user, settings):
    settings.MODERATION_EVIDENCE_MAX_FILES = 1
    data = form_data(account)
    data["evidence_files"] = [upload("a.png", png_bytes()), upload("b.png", png_bytes())]
    response = as_user(comms).post(reverse("moderation:create"), data)
    assert response.status_code == 400
    assert "at most 1 files" in response.content.decode()


def test_the_form_refuses_a_post_without_the_csrf_token(comms, account):
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    response = client.post(reverse("moderation:create"), form_data(account))
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_actions_refuse_a_post_without_the_csrf_token(comms, account):
    entry = log_entry(comms, account)
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    for name, data in (
        ("moderation:legal_hold", {"reason": "Police", "intent": "place"}),
        ("moderation:reconsider", {"outcome": "reinstated"}),
        ("moderation:edit", form_data(account)),
    ):
        assert client.post(reverse(name, args=[entry.pk]), data).status_code == 403
    assert client.post(reverse("moderation:detect"), {"excerpt": "x"}).status_code == 403
    entry.refresh_from_db()
    assert not entry.legal_hold and not entry.reconsideration


def test_comms_edit_an_entry_and_add_evidence(comms, account, as_user):
    entry = log_entry(comms, account, handle="@form_troll")
    data = form_data(account, excerpt="Edited excerpt")
    data["evidence_files"] = [upload("more.png", png_bytes())]
    response = as_user(comms).post(reverse("moderation:edit", args=[entry.pk]), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.excerpt == "Edited excerpt"
    assert entry.evidence.count() == 1
    assert entry.history.count() == 2


def test_nobody_but_comms_can_edit(auditor, safeguarding_lead, member, comms, account, as_user):
    entry = log_entry(comms, account, safeguarding=True)
    for user in (auditor, safeguarding_lead, member):
        response = as_user(user).post(
            reverse("moderation:edit", args=[entry.pk]), form_data(account)
        )
        assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.excerpt == "You are all useless"


def test_there_is_no_way_to_delete_an_entry(comms, account, as_user):
    entry = log_entry(comms, account)
    page = as_user(comms).get(entry.get_absolute_url()).content.decode()
    assert "Delete" not in page.replace("Deleted the comment", "")
    assert as_user(comms).post(f"/moderation/{entry.pk}/delete/").status_code == 404


def test_the_safeguarding_lead_reads_safeguarding_entries_and_nothing_else(
    comms, safeguarding_lead, account, as_user
):
    flagged = log_entry(comms, account, safeguarding=True, handle="@a")
    plain = log_entry(comms, account, handle="@b")
    client = as_user(safeguarding_lead)
    assert client.get(flagged.get_absolute_url()).status_code == 200
    assert client.get(plain.get_absolute_url()).status_code == 404
    log = client.get(reverse("moderation:log")).content.decode()
    assert flagged.get_absolute_url() in log and plain.get_absolute_url() not in log
    assert client.get(plain.commenter.get_absolute_url()).status_code == 404
    page = client.get(flagged.get_absolute_url()).content.decode()
    assert "Edit the entry" not in page


def test_entry_pages_are_never_cached(comms, account, as_user):
    entry = log_entry(comms, account)
    for url in (entry.get_absolute_url(), reverse("moderation:log"), reverse("moderation:create")):
        assert "no-store" in as_user(comms).get(url)["Cache-Control"]


def test_an_evidence_download_is_checked_recorded_and_not_cached(
    comms, auditor, member, safeguarding_lead, account, as_user
):
    from moderation.evidence import clean_upload

    entry = log_entry(comms, account, files=[clean_upload(upload("a.png", png_bytes()))])
    item = entry.evidence.get()
    response = as_user(auditor).get(item.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert list(EvidenceDownload.objects.values_list("user", "evidence")) == [
        (auditor.pk, item.pk)
    ]
    assert as_user(member).get(item.get_absolute_url()).status_code == 403
    assert as_user(safeguarding_lead).get(item.get_absolute_url()).status_code == 404
    assert EvidenceDownload.objects.count() == 1
    page = as_user(comms).get(entry.get_absolute_url()).content.decode()
    assert "downloaded 1 time" in page


def test_evidence_is_not_reachable_under_static_or_media_paths(comms, account, as_user, settings):
    from moderation.evidence import clean_upload, stored_path

    entry = log_entry(comms, account, files=[clean_upload(upload("a.png", png_bytes()))])
    path = stored_path(entry.evidence.get().key)
    assert settings.PRIVATE_STORAGE_ROOT in path.parents
    relative = path.relative_to(settings.PRIVATE_STORAGE_ROOT)
    for prefix in ("/static/", "/media/", "/"):
        assert as_user(comms).get(f"{prefix}{relative}").status_code == 404


def test_reconsideration_and_legal_hold_through_the_page(comms, account, as_user):
    entry = log_entry(comms, account, actions=[Action.HIDE])
    client = as_user(comms)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "The author edited the comment" in page
    bad = client.post(reverse("moderation:reconsider", args=[entry.pk]), {"outcome": "maybe"})
    assert bad.status_code == 400
    client.post(reverse("moderation:reconsider", args=[entry.pk]), {"outcome": "kept_hidden"})
    hold = reverse("moderation:legal_hold", args=[entry.pk])
    no_reason = client.post(hold, {"reason": "", "intent": "place"})
    assert no_reason.status_code == 400
    assert "Give the reason" in no_reason.content.decode()
    assert 'name="intent" value="place"' in page
    client.post(hold, {"reason": "Claim 7", "intent": "place"})
    entry.refresh_from_db()
    assert entry.reconsideration == "kept_hidden"
    assert entry.legal_hold
    again = client.post(
        reverse("moderation:reconsider", args=[entry.pk]), {"outcome": "reinstated"}
    )
    assert again.status_code == 409


def test_the_detector_endpoint_returns_findings_and_suggestions(comms, as_user):
    response = as_user(comms).post(
        reverse("moderation:detect"),
        {"excerpt": "my email is jo@example.com you twat"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "E-mail address" in page and "Swearing" in page
    assert 'data-redacted="my email is [e-mail removed] you twat"' in page
    assert f'data-tick-category="{category("personal-information").pk}"' in page
    assert f'data-tick-category="{category("swearing-obscenity").pk}"' in page
    assert "<html" not in page
    empty = as_user(comms).post(reverse("moderation:detect"), {"excerpt": "All fine here"})
    assert empty.content.decode().strip() == ""


def test_the_detector_is_for_comms_only(auditor, member, as_user):
    for user in (auditor, member):
        response = as_user(user).post(reverse("moderation:detect"), {"excerpt": "a@b.com"})
        assert response.status_code == 403


def test_an_excerpt_is_kept_short(comms, account, as_user):
    response = as_user(comms).post(
        reverse("moderation:create"), form_data(account, excerpt="word " * 300)
    )
    assert response.status_code == 400
    assert "at most 1000 characters" in response.content.decode()
    assert not Entry.objects.exists()


def test_the_first_field_still_to_type_has_the_focus(comms, team, account, as_user):
    client = as_user(comms)
    assert (
        client.get(reverse("moderation:create"))
        .context["form"]
        .fields["account"]
        .widget.attrs["autofocus"]
    )
    client.post(reverse("moderation:create"), form_data(account))
    form = client.get(reverse("moderation:create")).context["form"]
    assert form.fields["handle"].widget.attrs.get("autofocus")
    assert not form.fields["account"].widget.attrs.get("autofocus")


def test_two_people_placing_a_hold_at_once_leave_it_placed(comms, comms2, account, as_user):
    """Each asked to place it; the second finds it placed and is told so, rather than
    lifting it."""
    entry = log_entry(comms, account)
    hold = reverse("moderation:legal_hold", args=[entry.pk])
    assert as_user(comms).post(hold, {"reason": "Police", "intent": "place"}).status_code == 302
    second = as_user(comms2).post(hold, {"reason": "Claim 7", "intent": "place"})
    assert second.status_code == 409
    assert "already on legal hold" in second.content.decode()
    entry.refresh_from_db()
    assert entry.legal_hold and entry.legal_hold_reason == "Police"
    # A request that does not say which is refused, and changes nothing.
    assert as_user(comms).post(hold, {"reason": "x"}).status_code == 400
    entry.refresh_from_db()
    assert entry.legal_hold


def test_lifting_a_hold_past_the_retention_date_says_it_all_goes_within_minutes(
    comms, account, as_user
):
    entry = log_entry(comms, account)
    services.entry_set_legal_hold(actor=comms, entry_id=entry.pk, hold=True, reason="Police")
    Entry.objects.filter(pk=entry.pk).update(
        evidence_retain_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = as_user(comms)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "deleted within minutes" in page and 'name="intent" value="lift"' in page
    response = client.post(
        reverse("moderation:legal_hold", args=[entry.pk]), {"intent": "lift"}, follow=True
    )
    assert "removed within minutes" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.legal_hold
