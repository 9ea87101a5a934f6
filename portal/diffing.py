"""What changed between two texts, line by line, for a page that reads well to anyone.

Each changed place is a hunk with a few lines of context. A line is kept, removed or
added; a line that was edited rather than replaced also marks the words that changed, so
a one-word fix does not look like a rewritten paragraph. Pages say "removed" and "added"
in words as well as colour.
"""

import difflib
import re
from dataclasses import dataclass, field

CONTEXT_LINES = 2
WORDS = re.compile(r"\s+|[^\s]+")
# Lines this similar are shown as one edited line, with the changed words marked.
EDITED_RATIO = 0.5


@dataclass
class Piece:
    text: str
    changed: bool = False


@dataclass
class Line:
    kind: str  # "same", "removed" or "added"
    text: str
    old_number: int | None = None
    new_number: int | None = None
    pieces: list = field(default_factory=list)

    @property
    def marked(self):
        return any(piece.changed for piece in self.pieces)


@dataclass
class Hunk:
    old_start: int
    new_start: int
    lines: list


@dataclass
class Diff:
    hunks: list
    added: int
    removed: int

    @property
    def is_empty(self):
        return not self.hunks


def _words(old, new):
    """Pieces of the old and new line, with the words that differ marked."""
    old_words, new_words = WORDS.findall(old), WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    old_pieces, new_pieces = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        if i2 > i1:
            old_pieces.append(Piece("".join(old_words[i1:i2]), changed))
        if j2 > j1:
            new_pieces.append(Piece("".join(new_words[j1:j2]), changed))
    return old_pieces, new_pieces


def _replaced(old_lines, new_lines, i1, i2, j1, j2):
    removed = [
        Line("removed", old_lines[i], old_number=i + 1, pieces=[Piece(old_lines[i], True)])
        for i in range(i1, i2)
    ]
    added = [
        Line("added", new_lines[j], new_number=j + 1, pieces=[Piece(new_lines[j], True)])
        for j in range(j1, j2)
    ]
    # Pair edited lines so the changed words stand out.
    for old, new in zip(removed, added, strict=False):
        ratio = difflib.SequenceMatcher(None, old.text, new.text, autojunk=False).ratio()
        if ratio >= EDITED_RATIO:
            old.pieces, new.pieces = _words(old.text, new.text)
    return removed + added


def diff_texts(old, new, context=CONTEXT_LINES):
    old_lines = (old or "").replace("\r\n", "\n").split("\n")
    new_lines = (new or "").replace("\r\n", "\n").split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    hunks, added, removed = [], 0, 0
    for group in matcher.get_grouped_opcodes(context):
        lines = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(
                    Line(
                        "same",
                        old_lines[i],
                        old_number=i + 1,
                        new_number=j1 + (i - i1) + 1,
                        pieces=[Piece(old_lines[i])],
                    )
                    for i in range(i1, i2)
                )
                continue
            removed += i2 - i1
            added += j2 - j1
            lines.extend(_replaced(old_lines, new_lines, i1, i2, j1, j2))
        first = group[0]
        hunks.append(Hunk(old_start=first[1] + 1, new_start=first[3] + 1, lines=lines))
    return Diff(hunks=hunks, added=added, removed=removed)
