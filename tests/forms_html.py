"""Reading the forms a page shows, as a browser would submit them."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, file, submit, number, ...
    value: str = ""
    options: list = field(default_factory=list)
    multiple: bool = False
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list = field(default_factory=list)

    def names(self):
        return sorted({f.name for f in self.fields})


class _Parser(HTMLParser):
    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms, self.form, self.select, self.textarea = [], None, None, None
        self.by_id = {}
        self.orphans = []  # inputs outside a form that name one with form="id"

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.form = Form(
                action=urlsplit(action).path
                + (f"?{urlsplit(action).query}" if "?" in action else ""),
                method=(a.get("method") or "get").lower(),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self.form)
            if a.get("id"):
                self.by_id[a["id"]] = self.form
            return
        target = self.form
        if a.get("form"):
            target = None
        if tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            item = Field(a["name"], kind, a.get("value", ""), checked="checked" in a)
            self._add(target, item, a.get("form"))
        elif tag == "select" and a.get("name"):
            self.select = Field(a["name"], "select", multiple="multiple" in a)
            self._add(target, self.select, a.get("form"))
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self.textarea = Field(a["name"], "textarea")
            self._add(target, self.textarea, a.get("form"))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def _add(self, form, item, form_id):
        if form_id:
            self.orphans.append((form_id, item))
        elif form is not None:
            form.fields.append(item)

    def close(self):
        super().close()
        for form_id, item in self.orphans:
            if form_id in self.by_id:
                self.by_id[form_id].fields.append(item)


def forms_on(html, page_url):
    parser = _Parser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def opened_stamp(page):
    """The one stamp (``portal.opened``) an edit page carries: when it was drawn and what
    it showed, sent back with the answers so that a clash with someone else's save shows."""
    (stamp,) = re.findall(r'name="opened" value="([^"]+)"', page)
    return stamp
