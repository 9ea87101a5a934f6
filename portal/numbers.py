"""Whole numbers as people type them and links carry them."""

# The largest id a row can have (a 64-bit primary key). SQLite refuses a larger number in
# a query outright, where PostgreSQL finds nothing.
LARGEST_ID = 2**63 - 1


def is_plain_number(text):
    """Whether ``text`` is a whole number written with the digits 0-9 alone.

    ``str.isdigit()`` is true of "²" and of other scripts' digits too, which ``int()``
    then refuses or reads as a different number: an id in a link and a figure in a file
    are plain 0-9.
    """
    return isinstance(text, str) and text.isascii() and text.isdigit()


def is_row_id(value):
    """Whether ``value`` (an int, or text from a link or a file) could be a row's id: a
    plain whole number no larger than any id. Anything else names no row."""
    if isinstance(value, int):
        return 0 <= value <= LARGEST_ID
    return is_plain_number(value) and int(value) <= LARGEST_ID


def counted(number, one, many):
    """``number`` with the word for one or for many: "1 entry", "3 entries"."""
    return f"{number} {one if number == 1 else many}"
