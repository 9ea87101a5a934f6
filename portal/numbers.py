"""Whole numbers as people type them and links carry them."""


def is_plain_number(text):
    """Whether ``text`` is a whole number written with the digits 0-9 alone.

    ``str.isdigit()`` is true of "²" and of other scripts' digits too, which ``int()``
    then refuses or reads as a different number: an id in a link and a figure in a file
    are plain 0-9.
    """
    return isinstance(text, str) and text.isascii() and text.isdigit()
