"""Markdown from comms becomes safe HTML; slides split as the editor's help says."""

from portal import markup
from portal.models import OrganisationProfile


def test_it_removes_scripts_handlers_styles_and_javascript_links():
    html, _ = markup.render(
        "# Title\n\n<script>alert(1)</script>\n\n"
        '<p onclick="steal()" style="color:red">Hi</p>\n\n'
        "[click](javascript:alert(1)) <img src=x onerror=alert(1)> "
        '<iframe src="https://evil.example"></iframe>'
    )
    assert "<script" not in html
    assert "alert(1)" not in html
    assert "onclick" not in html
    assert "style=" not in html
    assert "javascript:" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "<p>Hi</p>" in html


def test_it_keeps_ordinary_formatting_and_safe_links():
    html, _ = markup.render(
        "Some **bold**, *italic* and a [link](https://www.nhs.uk).\n\n- one\n- two\n\n"
        "| Platform | Good for |\n|:--|--:|\n| X | News |"
    )
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert '<a href="https://www.nhs.uk" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html
    assert '<th scope="col">Platform</th>' in html
    assert "text-align" not in html


def test_headings_start_at_h2_with_prefixed_ids_and_make_the_contents():
    html, contents = markup.render("# First part\n\n## A detail\n\n# Second part\n")
    assert '<h2 id="section-first-part">First part</h2>' in html
    assert '<h3 id="section-a-detail">A detail</h3>' in html
    assert [item["name"] for item in contents] == ["First part", "Second part"]
    assert contents[0]["children"] == [{"id": "section-a-detail", "name": "A detail"}]


def test_a_draft_cannot_take_over_an_id_the_page_uses():
    html, _ = markup.render('<h2 id="main-content">Hijack</h2>\n\n<a id="x" href="#">a</a>')
    assert "main-content" not in html
    assert 'id="x"' not in html


def test_placeholders_are_filled_from_the_organisation_profile(db):
    profile = OrganisationProfile.load()
    profile.trust_name = "Riverside_NHS *Trust*"
    profile.comms_email = "comms_team@riverside.example.nhs.uk"
    profile.crisis_line = "0800 000 0000"
    profile.pals_contact = ""
    text = "[[trust name]] / [[Comms  Email]] / [[crisis line]] / [[pals]] / [[unknown thing]]"
    html, _ = markup.render(markup.fill_placeholders(text, profile))
    assert "Riverside_NHS *Trust*" in html
    assert "<em>" not in html
    assert 'href="mailto:comms_team@riverside.example.nhs.uk"' in html
    assert "0800 000 0000" in html
    assert "Patient Advice and Liaison Service" in html
    assert "[[unknown thing]]" in html


def test_slides_split_on_a_line_of_hyphens_with_titles_and_notes():
    text = (
        "# Welcome\n\nHello *all*\n\nNotes:\nSay hello.\n\n---\n\n"
        "# Second\n\n- a\n- b\n\n---\n\nNo title here\n"
    )
    slides = markup.render_slides(text)
    assert [s.title for s in slides] == ["Welcome", "Second", "Slide 3"]
    assert slides[0].html == "<p>Hello <em>all</em></p>"
    assert slides[0].notes_html == "<p>Say hello.</p>"
    assert slides[1].notes_html == ""
    assert slides[2].anchor == "slide-3"


def test_a_setext_heading_is_not_mistaken_for_a_slide_break():
    slides = markup.split_slides("# One\n\nA heading\n---\n\ntext")
    assert len(slides) == 1


def test_slide_bodies_use_headings_below_the_slide_title():
    slides = markup.render_slides("# Title\n\n# Inner\n\ntext")
    assert "<h3>Inner</h3>" in slides[0].html


def test_slide_titles_and_notes_are_sanitised_too():
    slides = markup.render_slides("# <script>x()</script>Hi\n\nNotes:\n<b onclick=x()>n</b>")
    assert "script" not in slides[0].title
    assert "onclick" not in slides[0].notes_html


def test_published_renderings_are_cached_and_drafts_are_not(db):
    profile = OrganisationProfile.load()
    first = markup.render_document(text="# A", is_slides=False, org=profile, cache_as=99)
    again = markup.render_document(text="# Changed", is_slides=False, org=profile, cache_as=99)
    assert again == first
    draft = markup.render_document(text="# Changed", is_slides=False, org=profile)
    assert "Changed" in draft[0]
