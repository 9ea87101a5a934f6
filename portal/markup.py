"""Markdown written by the communications team, turned into HTML that is safe to show.

Markdown is rendered with the ``markdown`` package and the result is cleaned by ``nh3``
against a short list of tags and attributes, so raw HTML in a draft (a script, an
``onclick``, a ``style``, a ``javascript:`` link) never reaches a page.

Placeholders such as ``[[trust name]]`` are filled from the organisation profile when a
page is shown, so the text follows the profile when it changes.

The slides are one Markdown text: a line of three hyphens with an empty line above and
below starts a new slide; a slide's first ``#`` heading is its title; a line reading
``Notes:`` starts its speaker notes.
"""

import re
from dataclasses import dataclass, field

import markdown
import nh3
from django.core.cache import cache
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    **{tag: {"id"} for tag in HEADINGS},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Heading ids made here carry this prefix; any other id in a draft is dropped, so a
# draft cannot take over an id the page itself uses (such as the skip link's target).
ID_PREFIX = "section-"

PLACEHOLDER = re.compile(r"\[\[\s*([a-z ]+?)\s*\]\]", re.IGNORECASE)
SLIDE_BREAK = re.compile(r"\n[ \t]*\n-{3,}[ \t]*\n[ \t]*\n")
NOTES_LINE = re.compile(r"^[ \t]*(?:speaker )?notes:[ \t]*$", re.IGNORECASE | re.MULTILINE)
TITLE_LINE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>])")

# Bump when the rendering changes, so cached pages are rebuilt.
RENDER_REVISION = 1


def _escape(text):
    return MARKDOWN_SPECIALS.sub(r"\\\1", str(text))


def placeholders(org):
    """What each placeholder stands for, from the organisation profile."""
    return {
        "trust name": _escape(org.trust_name),
        "short name": _escape(org.short_name),
        "comms email": f"<{org.comms_email}>" if org.comms_email else "the communications team",
        "comms phone": _escape(org.comms_phone)
        if org.comms_phone
        else "the number on the intranet",
        "office hours": _escape(org.office_hours_text),
        "crisis line": _escape(org.crisis_line),
        "pals": _escape(org.pals_contact)
        if org.pals_contact
        else "the Patient Advice and Liaison Service (PALS)",
        "complaints": _escape(org.complaints_contact)
        if org.complaints_contact
        else "the complaints team",
        "website": f"<{org.website}>" if org.website else "the trust's website",
    }


PLACEHOLDER_HELP = [
    ("[[trust name]]", "the trust's full name"),
    ("[[short name]]", "the trust's short name"),
    ("[[comms email]]", "the communications team's e-mail, as a link"),
    ("[[comms phone]]", "the communications team's phone number"),
    ("[[office hours]]", "the office hours"),
    ("[[crisis line]]", "the crisis line"),
    ("[[pals]]", "how to reach PALS"),
    ("[[complaints]]", "how to make a complaint"),
    ("[[website]]", "the trust's website, as a link"),
]


def fill_placeholders(text, org):
    values = placeholders(org)

    def replace(match):
        key = " ".join(match.group(1).lower().split())
        return values.get(key, match.group(0))

    return PLACEHOLDER.sub(replace, text)


def _slugify(value, separator):
    return ID_PREFIX + (slugify(value) or "part")


def _keep_attribute(tag, name, value):
    if name == "id":
        return value if value.startswith(ID_PREFIX) else None
    return value


def clean(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"th": {"scope": "col"}},
    )


def _markdown(baselevel, with_ids):
    return markdown.Markdown(
        extensions=["toc", "tables", "sane_lists"],
        extension_configs={
            "toc": {
                "baselevel": baselevel,
                "toc_depth": "2-3",
                "slugify": _slugify if with_ids else (lambda value, separator: ""),
            }
        },
    )


def render(text, *, baselevel=2, with_ids=True):
    """(safe HTML, contents) for a Markdown text whose top headings become h{baselevel}."""
    md = _markdown(baselevel, with_ids)
    html = clean(md.convert(text or ""))
    contents = [
        {
            "id": token["id"],
            "name": token["name"],
            "children": [{"id": c["id"], "name": c["name"]} for c in token["children"]],
        }
        for token in md.toc_tokens
    ]
    return html, contents if with_ids else []


@dataclass
class Slide:
    number: int
    title: str
    html: str
    notes_html: str = ""
    source: str = field(default="", repr=False)

    @property
    def anchor(self):
        return f"slide-{self.number}"


def split_slides(text):
    """The slides' Markdown, one (title, body, notes) per slide, in order."""
    text = (text or "").replace("\r\n", "\n").strip("\n")
    parts = [part.strip("\n") for part in SLIDE_BREAK.split(f"\n{text}\n")]
    slides = []
    for part in parts:
        if not part.strip():
            continue
        body, notes = part, ""
        found = NOTES_LINE.search(part)
        if found:
            body, notes = part[: found.start()], part[found.end() :]
        title = ""
        heading = TITLE_LINE.search(body)
        if heading:
            title = heading.group(1).strip()
            body = body[: heading.start()] + body[heading.end() :]
        slides.append((title, body.strip("\n"), notes.strip("\n")))
    return slides


def render_slides(text):
    slides = []
    for number, (title, body, notes) in enumerate(split_slides(text), start=1):
        title_html = clean(markdown.markdown(title)) if title else ""
        # A title is one line: drop the paragraph Markdown wraps it in.
        title_html = re.sub(r"^<p>|</p>$", "", title_html.strip())
        slides.append(
            Slide(
                number=number,
                title=title_html or f"Slide {number}",
                html=render(body, baselevel=3, with_ids=False)[0],
                notes_html=render(notes, baselevel=4, with_ids=False)[0] if notes else "",
            )
        )
    return slides


def _cache_key(kind, key, org):
    stamp = org.updated_at.timestamp() if getattr(org, "updated_at", None) else 0
    return f"portal:markup:{RENDER_REVISION}:{kind}:{key}:{stamp}"


def render_document(*, text, is_slides, org, cache_as=None):
    """The document ready for a page: slides, or (html, contents) for the playbook.

    Published versions never change, so their rendering is cached by version id; drafts
    (``cache_as=None``) are rendered every time.
    """

    def build():
        filled = fill_placeholders(text, org)
        return render_slides(filled) if is_slides else render(filled)

    if cache_as is None:
        return build()
    key = _cache_key("slides" if is_slides else "page", cache_as, org)
    result = cache.get(key)
    if result is None:
        result = build()
        cache.set(key, result, 60 * 60)
    return result
