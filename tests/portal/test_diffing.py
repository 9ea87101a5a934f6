from portal.diffing import diff_texts


def test_no_change_gives_an_empty_diff():
    diff = diff_texts("same\ntext", "same\ntext")
    assert diff.is_empty
    assert (diff.added, diff.removed) == (0, 0)


def test_it_counts_added_and_removed_lines_with_their_numbers():
    diff = diff_texts("a\nb\nc", "a\nc\nd")
    kinds = [(line.kind, line.text) for hunk in diff.hunks for line in hunk.lines]
    assert ("removed", "b") in kinds
    assert ("added", "d") in kinds
    assert (diff.added, diff.removed) == (1, 1)
    removed = next(line for h in diff.hunks for line in h.lines if line.kind == "removed")
    assert removed.old_number == 2
    assert removed.new_number is None


def test_an_edited_line_marks_only_the_words_that_changed():
    diff = diff_texts("Reply within two working days.", "Reply within one working day.")
    removed, added = diff.hunks[0].lines
    assert [p.text for p in removed.pieces if p.changed] == ["two", "days."]
    assert [p.text for p in added.pieces if p.changed] == ["one", "day."]
    assert removed.pieces[0].text == "Reply within "
    assert not removed.pieces[0].changed


def test_a_rewritten_line_is_marked_whole():
    diff = diff_texts("Completely different words here", "Nothing in common at all")
    removed, added = diff.hunks[0].lines
    assert len(removed.pieces) == 1
    assert removed.pieces[0].changed
    assert len(added.pieces) == 1


def test_far_apart_changes_are_separate_places_with_context():
    old = "\n".join(f"line {n}" for n in range(1, 21))
    new = old.replace("line 2\n", "line two\n").replace("line 19", "line nineteen")
    diff = diff_texts(old, new)
    assert len(diff.hunks) == 2
    assert any(line.kind == "same" for line in diff.hunks[0].lines)
