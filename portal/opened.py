"""Saving an edit form without undoing what someone else saved while it was open.

An edit page carries, in a hidden ``opened`` input, a short digest of each value it showed
(``stamp``). On saving, ``merge`` compares three things for each field: what the page
showed, what the person sent, and what is saved now. A field they left as it was keeps
what is saved now, whoever changed it meanwhile; a field they changed is written; a field
both they and someone else changed is a clash, which nobody's save settles silently: the
page comes back with what they typed and says which answers clash, and saving again (the
page now stamped with what is saved for those answers) writes theirs for those, still
keeping whatever else was saved meanwhile.

A request without a stamp (an older page, a script) writes every field sent, as before.
"""

import datetime
import decimal
import hashlib
import json

from django.db import models

from portal.services.errors import ActionConflict

FIELD_NAME = "opened"


def _plain(value):
    """A value as text that is the same however it was read: a row by its id, a list or
    set in order, a moment in UTC, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return json.dumps(sorted(_plain(item) for item in value))
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    return str(value)


def digest(value):
    return hashlib.sha256(_plain(value).encode()).hexdigest()[:16]


def stamp(values):
    """What an edit page showed, for its hidden ``opened`` input: ``values`` is a dict of
    the form's answers as they are saved."""
    return json.dumps({name: digest(value) for name, value in values.items()}, sort_keys=True)


# A page's stamp is a few hundred characters; anything much longer was not made here.
LONGEST = 20_000


def page_stamp(request, answers):
    """The stamp an edit page carries: the one posted with it, or, drawing it afresh,
    ``stamp`` of ``answers()`` (what it shows, as saved)."""
    return request.POST.get(FIELD_NAME) if request.method == "POST" else stamp(answers())


def _read(text):
    if not text or len(text) > LONGEST:
        return None
    try:
        opened = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(opened, dict) or not all(isinstance(v, str) for v in opened.values()):
        return None
    return opened


def showed(opened, name, value):
    """Whether the page stamped ``opened`` showed ``value`` for ``name``."""
    shown = _read(opened)
    return shown is not None and shown.get(name) == digest(value)


class EditClash(ActionConflict):
    """Someone else saved a change to answers this person changed too. ``fields`` are
    their names; ``opened`` stamps what is saved now, for the page shown again."""

    def __init__(self, fields, opened):
        super().__init__(
            "Someone else saved a change to this while you had it open, to "
            f"{_names(fields)} as well, so nothing you changed has been saved yet. What you "
            "typed is below; check the saved version on its page, then save again to put "
            f"what is below in place of {_names(fields)}. Anything else changed meanwhile "
            "is kept."
        )
        self.fields = fields
        self.opened = opened


def _names(fields):
    return fields[0] if len(fields) == 1 else ", ".join(fields[:-1]) + " and " + fields[-1]


def merge(opened, saved, sent, labels=None):
    """The values to save: ``saved`` (what is saved now, every field the form edits) with
    the answers this person changed in ``sent``. Raises EditClash when someone else
    changed one of those too since ``opened`` (the page's stamp). ``labels`` name the
    fields in the message."""
    shown = _read(opened)
    if shown is None:
        return {**saved, **sent}
    result = dict(saved)
    clashes = []
    for name, value in sent.items():
        before = shown.get(name)
        if before is None:  # not on the page when it was drawn: take what was sent
            result[name] = value
            continue
        if digest(value) == before:
            continue  # left as it was: what is saved now stays
        if name in saved and digest(saved[name]) not in (before, digest(value)):
            clashes.append(name)
        result[name] = value
    if clashes:
        labels = labels or {}
        # The page comes back with what they typed. Stamped as saved for the answers that
        # clashed, so saving again writes those; as first shown for the rest, so an answer
        # they did not change still keeps what someone else saved.
        restamped = {**shown, **{name: digest(saved[name]) for name in clashes}}
        raise EditClash(
            [labels.get(name, name) for name in clashes], json.dumps(restamped, sort_keys=True)
        )
    return result
