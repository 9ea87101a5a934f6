"""A member of staff reads the deck by keyboard, prints the handout and confirms the
playbook; comms publish a new version and the member is asked to confirm again."""

import re

import pytest
from playwright.sync_api import expect

from portal import markup
from portal.models import Document, ReadConfirmation
from tests.browser.conftest import assert_accessible
from tests.portal.content import ensure_published


@pytest.fixture
def deck(transactional_db):
    ensure_published()
    version = Document.objects.get(kind=Document.Kind.SLIDES).current_version()
    return markup.split_slides(version.body)


def test_a_member_reads_prints_confirms_and_is_asked_again(open_as, member, comms, deck):
    total = len(deck)
    page = open_as(member)
    page.goto("/training/slides/")
    progress = page.locator("#deck-progress")
    slides = page.locator("section.slide")
    expect(progress).to_have_text(f"Slide 1 of {total}: {deck[0][0]}")
    expect(slides.nth(0)).to_be_visible()
    expect(slides.nth(1)).to_be_hidden()
    expect(progress).to_have_attribute("aria-live", "polite")
    assert_accessible(page)

    # Read to the end with the keyboard alone.
    for number in range(2, total + 1):
        page.keyboard.press("ArrowRight")
        expect(progress).to_have_text(re.compile(rf"^Slide {number} of {total}: "))
        expect(slides.nth(number - 1)).to_be_visible()
        expect(slides.nth(number - 2)).to_be_hidden()
    assert page.url.endswith(f"#slide-{total}")
    expect(page.get_by_role("button", name="Next slide")).to_be_disabled()
    page.keyboard.press("ArrowRight")
    expect(progress).to_have_text(re.compile(rf"^Slide {total} of {total}"))
    # From the page at large Page Up, Page Down, Home and End scroll it, as anywhere;
    # from the deck they turn the slides.
    page.keyboard.press("Home")
    expect(progress).to_have_text(re.compile(rf"^Slide {total} of {total}"))
    slides.nth(total - 1).focus()
    page.keyboard.press("Home")
    expect(progress).to_have_text(re.compile(rf"^Slide 1 of {total}"))
    page.keyboard.press("End")
    expect(progress).to_have_text(re.compile(rf"^Slide {total} of {total}"))

    # The buttons work by keyboard too, and the one that goes out of use at either end
    # hands the focus to the other rather than dropping it.
    previous = page.get_by_role("button", name="Previous slide")
    previous.focus()
    page.keyboard.press("Enter")
    expect(progress).to_have_text(re.compile(rf"^Slide {total - 1} of {total}"))
    next_button = page.get_by_role("button", name="Next slide")
    next_button.focus()
    page.keyboard.press("Enter")
    expect(progress).to_have_text(re.compile(rf"^Slide {total} of {total}"))
    expect(previous).to_be_focused()

    # The handout: printing shows every slide, without the controls, and no notes for staff.
    page.emulate_media(media="print")
    for index in range(total):
        expect(slides.nth(index)).to_be_visible()
    expect(page.locator("[data-deck-controls]")).to_be_hidden()
    expect(page.get_by_text(f"Slide {total} of {total}", exact=True)).to_be_visible()
    assert page.locator(".slide-notes").count() == 0
    page.emulate_media(media="screen")

    # The playbook, confirmed by keyboard.
    page.goto("/playbook/")
    assert_accessible(page)
    confirm = page.get_by_role("button", name="I have read version 1 and will follow it")
    confirm.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.get_by_text("you have confirmed you have read the playbook")).to_be_visible()
    expect(page.get_by_text("Please read the social media playbook")).to_have_count(0)
    assert ReadConfirmation.objects.filter(user=member).count() == 1

    # Comms publish a new version in the browser.
    editor = open_as(comms)
    editor.goto("/content/playbook/draft/")
    assert_accessible(editor)
    body = editor.get_by_label("Text (Markdown)")
    body.fill(body.input_value() + "\n\n# A new part\n\nEvery account lists two moderators.\n")
    editor.get_by_role("button", name="Save and preview").click()
    editor.wait_for_url("**/draft/preview/")
    rendered = editor.locator(".prose-preview").get_by_text("Every account lists two moderators.")
    expect(rendered).to_be_visible()
    assert_accessible(editor)
    editor.get_by_label("What changed").fill("A new part on moderators.")
    editor.get_by_role("button", name="Publish version 2").click()
    editor.wait_for_url("**/playbook/")
    expect(editor.get_by_text("Version 2 is published.")).to_be_visible()

    # The member is asked again, told what changed, and can see every change.
    page.goto("/")
    expect(page.get_by_text("The playbook has changed: please read it again")).to_be_visible()
    expect(page.get_by_text("A new part on moderators.")).to_be_visible()
    page.get_by_role("link", name="See what changed").click()
    expect(page.get_by_text("Every account lists two moderators.")).to_be_visible()
    assert_accessible(page)
    page.goto("/playbook/")
    page.get_by_role("button", name="I have read version 2 and will follow it").click()
    page.wait_for_url("**/")
    assert ReadConfirmation.objects.filter(user=member).count() == 2
    assert page.js_errors == []
    assert editor.js_errors == []


def test_a_link_opens_its_slide_and_a_swipe_moves_on(open_as, member, deck):
    total = len(deck)
    page = open_as(member, viewport={"width": 320, "height": 700})
    page.goto("/training/slides/#slide-3")
    progress = page.locator("#deck-progress")
    expect(progress).to_have_text(re.compile(rf"^Slide 3 of {total}"))
    assert page.evaluate("document.activeElement.id") == "slide-3"

    # The list of slides links to each one.
    page.get_by_role("link", name=deck[4][0], exact=True).click()
    expect(progress).to_have_text(re.compile(rf"^Slide 5 of {total}"))

    # A swipe to the left is the next slide; an upward drag is not.
    def swipe(dx, dy):
        page.evaluate(
            """([dx, dy]) => {
                const deck = document.querySelector('[data-deck]');
                const at = (type, x, y) => deck.dispatchEvent(new PointerEvent(type, {
                    pointerType: 'touch', clientX: x, clientY: y, bubbles: true}));
                at('pointerdown', 200, 300);
                at('pointerup', 200 + dx, 300 + dy);
            }""",
            [dx, dy],
        )

    swipe(-120, 10)
    expect(progress).to_have_text(re.compile(rf"^Slide 6 of {total}"))
    swipe(120, 0)
    expect(progress).to_have_text(re.compile(rf"^Slide 5 of {total}"))
    swipe(10, -200)
    expect(progress).to_have_text(re.compile(rf"^Slide 5 of {total}"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    assert page.js_errors == []


def test_comms_see_and_print_the_notes(open_as, comms, deck):
    page = open_as(comms)
    page.goto("/training/slides/")
    notes = page.locator(".slide-notes")
    expect(notes.first).to_be_visible()
    toggle = page.get_by_role("button", name="Show speaker notes")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(notes.first).to_be_hidden()
    page.emulate_media(media="print")
    with_notes = sum(1 for _, _, text in deck if text)
    assert notes.count() == with_notes
    for index in range(with_notes):
        expect(notes.nth(index)).to_be_visible()
    assert page.js_errors == []


def test_without_javascript_every_slide_is_readable_in_order(browser, live_server, member, deck):
    from django.test import Client

    client = Client()
    client.force_login(member)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/training/slides/")
    slides = page.locator("section.slide")
    assert slides.count() == len(deck)
    for index in range(len(deck)):
        expect(slides.nth(index)).to_be_visible()
    expect(page.locator("[data-deck-controls]")).to_be_hidden()
    titles = page.locator(".slide-title").all_inner_texts()
    assert titles == [title for title, _, _ in deck]
    context.close()
