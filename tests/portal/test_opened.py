"""Merging an edit with what was saved while its page was open (``portal.opened``)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portal import opened

SAVED = {"notes": "A", "flag": True, "tags": [3, 1], "when": None}


def test_an_answer_left_as_shown_keeps_what_was_saved_meanwhile():
    shown = opened.stamp(SAVED)
    now = SAVED | {"flag": False}  # someone else cleared the flag
    sent = SAVED | {"notes": "B"}  # this person, from the older page, changed the notes
    assert opened.merge(shown, now, sent) == now | {"notes": "B"}


def test_an_answer_both_changed_clashes_unless_both_chose_the_same():
    shown = opened.stamp(SAVED)
    now = SAVED | {"notes": "Theirs"}
    with pytest.raises(opened.EditClash) as clash:
        opened.merge(shown, now, SAVED | {"notes": "Mine"}, labels={"notes": "the notes"})
    assert clash.value.fields == ["the notes"] and clash.value.status == 409
    assert clash.value.opened == opened.stamp(now)
    assert opened.merge(shown, now, SAVED | {"notes": "Theirs"})["notes"] == "Theirs"


@pytest.mark.parametrize("stamp", [None, "", "not json", "[1, 2]", '{"notes": 5}'])
def test_without_a_readable_stamp_every_answer_sent_is_written(stamp):
    assert opened.merge(stamp, SAVED, {"notes": "B"}) == SAVED | {"notes": "B"}


def test_the_same_value_read_another_way_is_the_same():
    moment = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)
    london = moment.astimezone(ZoneInfo("Europe/London"))
    assert opened.digest(moment) == opened.digest(london)
    assert opened.digest([3, 1]) == opened.digest((1, 3)) == opened.digest({1, 3})
    assert opened.digest(None) == opened.digest("")
    assert opened.digest(Decimal("2.50")) == opened.digest(Decimal("2.5"))


def test_saving_again_after_a_clash_writes_the_clashing_answer_and_keeps_the_rest():
    shown = opened.stamp(SAVED)
    now = SAVED | {"notes": "Theirs", "flag": False}
    sent = SAVED | {"notes": "Mine"}  # the page, as typed: the flag as it was first shown
    with pytest.raises(opened.EditClash) as clash:
        opened.merge(shown, now, sent)
    assert opened.merge(clash.value.opened, now, sent) == now | {"notes": "Mine"}


def test_a_stamp_not_made_here_is_no_stamp():
    assert opened.merge("[" * 100_000, SAVED, {"notes": "B"})["notes"] == "B"
    deep = "[" * 5_000 + "]" * 5_000
    assert opened.merge(deep, SAVED, {"notes": "B"})["notes"] == "B"
