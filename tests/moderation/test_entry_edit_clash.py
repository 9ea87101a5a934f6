"""Two people editing one entry: a save from a page opened earlier keeps what the other
saved meanwhile, and an answer both changed is refused with what was typed kept."""

import html
import re

import pytest
from django.urls import reverse

from moderation.forms import EntryForm
from portal.models import Notification
from tests import factories
from tests.forms_html import opened_stamp
from tests.moderation.helpers import log_entry

pytestmark = pytest.mark.django_db


def _page(client, entry):
    """The edit page as a browser would send it back: its answers and its stamp."""
    page = client.get(reverse("moderation:edit", args=[entry.pk])).content.decode()
    opened = opened_stamp(page)
    form = EntryForm(user=entry.moderator, entry=entry)
    data = {"opened": html.unescape(opened), "intent": "Save entry"}
    for name in form.fields:
        value = form[name].value()
        if name == "evidence_files" or value in (None, False):
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif value is True:
            data[name] = "on"
        elif hasattr(value, "strftime"):
            data[name] = value.strftime("%Y-%m-%dT%H:%M")
        else:
            data[name] = str(value)
    return data


def _save(client, entry, data):
    return client.post(reverse("moderation:edit", args=[entry.pk]), data)


@pytest.fixture
def entry(comms, team):
    return log_entry(comms, factories.managed_account(team=team), notes="First note")


def test_a_note_saved_from_an_older_page_keeps_the_safeguarding_flag_set_meanwhile(
    entry, comms, comms2, safeguarding_lead, as_user
):
    earlier = _page(as_user(comms2), entry)
    flagged = _page(as_user(comms), entry) | {"safeguarding": "on"}
    assert _save(as_user(comms), entry, flagged).status_code == 302

    earlier["notes"] = "Typo fixed"
    assert _save(as_user(comms2), entry, earlier).status_code == 302

    entry.refresh_from_db()
    assert entry.safeguarding and entry.safeguarding_waiting
    assert entry.notes == "Typo fixed"
    assert not Notification.objects.filter(title__icontains="cleared").exists()
    (edit,) = entry.events.filter(action="edited", actor=comms2)
    assert edit.changed_fields == ["notes"]


def test_an_answer_both_changed_is_refused_with_what_was_typed_kept(entry, comms, comms2, as_user):
    earlier = _page(as_user(comms2), entry)
    theirs = _page(as_user(comms), entry) | {"notes": "A", "safeguarding": "on"}
    assert _save(as_user(comms), entry, theirs).status_code == 302

    response = _save(as_user(comms2), entry, earlier | {"notes": "B"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved a change to this while you had it open, to notes" in page
    assert re.search(r">\s*B</textarea>", page)
    entry.refresh_from_db()
    assert entry.notes == "A"

    # The page now carries what is saved; saving it again writes theirs, knowingly.
    opened = opened_stamp(page)
    again = earlier | {"notes": "B", "opened": html.unescape(opened)}
    assert _save(as_user(comms2), entry, again).status_code == 302
    entry.refresh_from_db()
    assert entry.notes == "B"
    # The flag set meanwhile, which they never changed, is still set.
    assert entry.safeguarding
