"""Editing, previewing, publishing and versioning the playbook and the slides."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal.models import Document, DocumentVersion, Notification, OrganisationProfile
from portal.services import ActionConflict, ActionError, ActionRefused
from portal.services import content as services

PLAYBOOK = Document.Kind.PLAYBOOK
SLIDES = Document.Kind.SLIDES


def _revision(kind):
    return Document.objects.get(kind=kind).draft_revision


def _draft(actor, kind=PLAYBOOK, title="Playbook", body="# Part\n\nNew text."):
    return services.content_save_draft(
        actor=actor, kind=kind, title=title, body=body, revision=_revision(kind)
    )


def _publish(actor, kind=PLAYBOOK, summary="Clearer rules.", **kwargs):
    return services.content_publish(
        actor=actor, kind=kind, revision=_revision(kind), summary=summary, **kwargs
    )


# The content a fresh install publishes


def test_a_fresh_install_has_a_published_playbook_and_deck(published):
    assert published["playbook"].number == 1
    assert published["slides"].number == 1
    assert published["playbook"].published_by is None


PLAYBOOK_TOPICS = [
    "What social media can do for a service",
    "The trust's channels and what each is good for",
    "Before you start an account",
    "Keeping an account going",
    "Know who you are talking to",
    "Tips for good content",
    "What else to think about",
    "Planning your content",
    "Keep confidentiality, always",
    "Keep professional boundaries",
    "Never discuss someone's care on social media",
    "Messaging apps such as WhatsApp",
    "Raising a concern about work",
    "You made a mistake",
    "Abuse and trolls",
    "What we promise the public",
]


def test_the_playbook_covers_every_topic_staff_need(published):
    body = published["playbook"].body
    headings = re.findall(r"^#+ (.+)$", body, flags=re.MULTILINE)
    for topic in PLAYBOOK_TOPICS:
        assert topic in headings, topic
    for fact in ("Freedom to Speak Up Guardian", "humour", "politics", "tone", "reputation"):
        assert fact.lower() in body.lower(), fact


def test_the_slides_have_notes_and_cover_the_session(published):
    from portal import markup

    slides = markup.render_slides(published["slides"].body)
    assert len(slides) >= 14
    titles = " ".join(s.title for s in slides)
    for topic in ("Before you begin", "Five tips", "Planning", "When things go wrong"):
        assert topic in titles
    assert sum(1 for s in slides if s.notes_html) >= len(slides) - 2


def test_the_content_names_no_other_trust_and_uses_the_profile(published):
    for version in published.values():
        for name in ("ELFT", "East London", "NELFT", "@NHS_", "nhs.net"):
            assert name not in version.body
    assert "[[trust name]]" in published["playbook"].body


def test_the_playbook_page_shows_the_trust_name_from_the_profile(as_user, member, published):
    profile = OrganisationProfile.load()
    profile.trust_name = "Northbrook Health NHS Trust"
    profile.save()
    page = as_user(member).get(reverse("portal:playbook")).content.decode()
    assert "Northbrook Health NHS Trust" in page
    assert "[[trust name]]" not in page
    assert 'href="#section-what-social-media-can-do-for-a-service"' in page


# Drafts


def test_comms_save_a_draft_that_staff_do_not_see(as_user, comms, member, published):
    _draft(comms, body="# Secret draft words")
    assert (
        "Secret draft words"
        not in as_user(member).get(reverse("portal:playbook")).content.decode()
    )
    document = Document.objects.get(kind=PLAYBOOK)
    assert document.has_draft
    assert document.draft_based_on == 1
    assert document.draft_updated_by == comms


@pytest.mark.parametrize("who", ["member", "manager", "auditor", "staff", "safeguarding_lead"])
def test_only_comms_may_save_a_draft(who, request, published):
    with pytest.raises(ActionRefused):
        _draft(request.getfixturevalue(who))


def test_head_of_comms_may_edit(head, published):
    assert _draft(head).has_draft


def test_a_draft_saved_by_someone_else_meanwhile_is_not_overwritten(comms, comms2, published):
    stale = _revision(PLAYBOOK)
    _draft(comms2, body="# Their work")
    with pytest.raises(ActionConflict) as caught:
        services.content_save_draft(
            actor=comms, kind=PLAYBOOK, title="T", body="# Mine", revision=stale
        )
    assert "comms2" in caught.value.message or str(comms2) in caught.value.message
    assert Document.objects.get(kind=PLAYBOOK).draft_body == "# Their work"


def test_the_edit_page_keeps_the_text_after_a_conflict(as_user, comms, comms2, published):
    stale = _revision(PLAYBOOK)
    _draft(comms2, body="# Their work")
    response = as_user(comms).post(
        reverse("portal:content_edit", args=["playbook"]),
        {"title": "Mine", "body": "# My careful words", "revision": stale, "intent": "save"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "My careful words" in page
    assert "while you were editing" in page


def test_an_empty_draft_is_refused_with_field_errors(as_user, comms, published):
    response = as_user(comms).post(
        reverse("portal:content_edit", args=["slides"]),
        {"title": "", "body": "", "revision": _revision(SLIDES), "intent": "save"},
    )
    assert response.status_code == 400
    assert not Document.objects.get(kind=SLIDES).has_draft


def test_save_and_preview_goes_to_the_preview(as_user, comms, published):
    client = as_user(comms)
    response = client.post(
        reverse("portal:content_edit", args=["playbook"]),
        {
            "title": "Playbook",
            "body": "# Part\n\nNew **words**.",
            "revision": 0,
            "intent": "preview",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:content_preview", args=["playbook"])
    page = client.get(response["Location"]).content.decode()
    assert "New <strong>words</strong>." in page
    assert "Publish version 2" in page
    assert "What changes from version 1" in page


def test_the_preview_without_a_draft_sends_comms_to_the_editor(as_user, comms, published):
    response = as_user(comms).get(reverse("portal:content_preview", args=["playbook"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:content_edit", args=["playbook"])


def test_the_draft_preview_sanitises_what_comms_write(as_user, comms, published):
    _draft(comms, body='# Part\n\n<script>alert("x")</script><a href="javascript:x()">y</a>')
    page = (
        as_user(comms).get(reverse("portal:content_preview", args=["playbook"])).content.decode()
    )
    assert 'alert("x")' not in page.split("How it will look")[1]
    assert "javascript:x()" not in page.split("How it will look")[1]


def test_discarding_a_draft_leaves_the_published_version(as_user, comms, published):
    _draft(comms)
    response = as_user(comms).post(
        reverse("portal:content_discard", args=["playbook"]), {"revision": _revision(PLAYBOOK)}
    )
    assert response.status_code == 302
    document = Document.objects.get(kind=PLAYBOOK)
    assert not document.has_draft
    assert document.current_version().number == 1


# Publishing and versions


def test_publishing_makes_the_next_version_and_clears_the_draft(comms, published):
    _draft(comms, title="Playbook 2", body="# Part\n\nNew text.")
    version = _publish(comms, summary="  Rewrote   the part. ")
    assert version.number == 2
    assert version.title == "Playbook 2"
    assert version.change_summary == "Rewrote the part."
    assert version.published_by == comms
    document = Document.objects.get(kind=PLAYBOOK)
    assert not document.has_draft
    assert document.current_version() == version
    assert DocumentVersion.objects.filter(document=document).count() == 2


def test_publishing_needs_a_summary_of_what_changed(comms, published):
    _draft(comms)
    with pytest.raises(ActionError) as caught:
        _publish(comms, summary="   ")
    assert "change_summary" in caught.value.errors
    assert Document.objects.get(kind=PLAYBOOK).has_draft


def test_publishing_an_unchanged_draft_is_refused(comms, published):
    _draft(comms, title=published["playbook"].title, body=published["playbook"].body)
    with pytest.raises(ActionError, match="same as the published"):
        _publish(comms)


def test_publishing_after_the_draft_changed_since_the_preview_is_refused(comms, comms2, published):
    _draft(comms)
    seen = _revision(PLAYBOOK)
    _draft(comms2, body="# Changed again")
    with pytest.raises(ActionConflict):
        services.content_publish(actor=comms, kind=PLAYBOOK, revision=seen, summary="x")
    assert DocumentVersion.objects.filter(document__kind=PLAYBOOK).count() == 1


def test_only_comms_publish(auditor, comms, published):
    _draft(comms)
    with pytest.raises(ActionRefused):
        _publish(auditor)


def test_publishing_with_ask_staff_tells_every_active_member_of_staff(
    comms, member, manager, staff, auditor, published
):
    staff.is_active = False
    staff.save()
    _draft(comms)
    version = _publish(comms, ask_staff=True)
    told = set(
        Notification.objects.filter(kind="playbook.published").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"member", "manager", "auditor"} <= told
    assert "staff" not in told
    assert "comms" not in told
    assert f"version {version.number}" in Notification.objects.filter(recipient=member).get().title


def test_publishing_the_slides_tells_nobody(comms, member, published):
    _draft(comms, kind=SLIDES, body="# One\n\ntext")
    _publish(comms, kind=SLIDES, ask_staff=True)
    assert not Notification.objects.filter(recipient=member).exists()


def test_published_versions_cannot_be_changed_or_deleted(published):
    version = published["playbook"]
    version.body = "rewritten"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        version.delete()
    with pytest.raises(PermissionError):
        DocumentVersion.objects.filter(pk=version.pk).update(body="x")
    with pytest.raises(PermissionError):
        DocumentVersion.objects.filter(pk=version.pk).delete()


def test_comms_publish_through_the_pages(as_user, comms, published):
    client = as_user(comms)
    client.post(
        reverse("portal:content_edit", args=["playbook"]),
        {"title": "Playbook", "body": "# Part\n\nBrand new.", "revision": 0, "intent": "save"},
    )
    response = client.post(
        reverse("portal:content_publish", args=["playbook"]),
        {"change_summary": "Shorter.", "revision": _revision(PLAYBOOK), "ask_staff": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:playbook")
    assert "Brand new." in client.get(reverse("portal:playbook")).content.decode()


def test_publishing_without_a_summary_shows_the_preview_again(as_user, comms, published):
    _draft(comms)
    response = as_user(comms).post(
        reverse("portal:content_publish", args=["playbook"]),
        {"change_summary": "", "revision": _revision(PLAYBOOK)},
    )
    assert response.status_code == 400
    assert "How it will look" in response.content.decode()


@pytest.mark.parametrize("name", ["content_publish", "content_discard"])
def test_publish_and_discard_need_the_csrf_token(name, comms, published):
    _draft(comms)
    client = Client(enforce_csrf_checks=True)
    client.force_login(comms)
    response = client.post(
        reverse(f"portal:{name}", args=["playbook"]),
        {"change_summary": "x", "revision": _revision(PLAYBOOK)},
    )
    assert response.status_code == 403
    assert Document.objects.get(kind=PLAYBOOK).has_draft


def test_an_unknown_document_is_not_a_page(as_user, comms):
    assert as_user(comms).get("/content/minutes/versions/").status_code == 404


# Reading versions and what changed


def test_everyone_reads_the_playbook_versions_but_only_readers_the_slides(
    as_user, member, auditor, comms, published
):
    assert (
        as_user(member).get(reverse("portal:content_versions", args=["playbook"])).status_code
        == 200
    )
    assert (
        as_user(member).get(reverse("portal:content_versions", args=["slides"])).status_code == 403
    )
    assert (
        as_user(auditor).get(reverse("portal:content_versions", args=["slides"])).status_code
        == 200
    )
    response = as_user(auditor).get(reverse("portal:content_version", args=["slides", 1]))
    assert "Speaker notes" in response.content.decode()


def test_a_missing_version_is_404(as_user, member, published):
    assert (
        as_user(member).get(reverse("portal:content_version", args=["playbook", 9])).status_code
        == 404
    )


def test_the_comparison_shows_what_changed_in_words(as_user, comms, member, published):
    old_body = published["playbook"].body
    _draft(
        comms,
        title="Social media playbook",
        body=old_body.replace("Little and often", "Short and regular"),
    )
    _publish(comms)
    response = as_user(member).get(reverse("portal:content_compare", args=["playbook"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 line added and 1 line removed" in page
    assert "<del>**Little</del> and <del>often.**</del>" in page
    assert "<ins>**Short</ins> and <ins>regular.**</ins>" in page
    assert "Removed: " in page and "Added: " in page
    assert "Clearer rules." in page


def test_comparing_a_version_with_itself_is_refused(as_user, comms, member, published):
    _draft(comms)
    _publish(comms)
    response = as_user(member).get(
        reverse("portal:content_compare", args=["playbook"]), {"old": 2, "new": 2}
    )
    assert response.status_code == 400
    assert "two different versions" in response.content.decode()


def test_comparing_with_one_version_only_goes_back_to_the_list(as_user, member, published):
    response = as_user(member).get(reverse("portal:content_compare", args=["playbook"]))
    assert response.status_code == 302


# The slides in the browser


def test_speaker_notes_reach_only_comms(as_user, member, auditor, comms, head, published):
    note = "Welcome everyone and introduce yourself"
    assert note in as_user(comms).get(reverse("portal:slides")).content.decode()
    assert note in as_user(head).get(reverse("portal:slides")).content.decode()
    for user in (member, auditor):
        page = as_user(user).get(reverse("portal:slides")).content.decode()
        assert note not in page
        assert "Speaker notes" not in page


def test_the_deck_is_every_slide_in_order_with_a_link_to_each(as_user, member, published):
    from portal import markup

    count = len(markup.split_slides(published["slides"].body))
    page = as_user(member).get(reverse("portal:slides")).content.decode()
    ids = re.findall(r'<section class="slide" id="(slide-\d+)"', page)
    assert ids == [f"slide-{n}" for n in range(1, count + 1)]
    for n in range(1, count + 1):
        assert f'href="#slide-{n}"' in page
    assert 'role="status" aria-live="polite"' in page
    assert "js/slides.js" in page
    assert "<script>" not in page


def test_without_anything_published_the_pages_say_so(as_user, member, comms, db):
    DocumentVersion.objects.all()._raw_delete(DocumentVersion.objects.db)
    assert (
        "has not been published yet"
        in as_user(member).get(reverse("portal:playbook")).content.decode()
    )
    page = as_user(comms).get(reverse("portal:slides")).content.decode()
    assert "Write the first version" in page
