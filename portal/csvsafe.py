"""Cells of a CSV file the portal writes, made safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before looking) is run as a formula when the file is opened: a
commenter's handle or an account name could then fetch a URL or start a program on the
reader's computer. Such a cell is written with a leading apostrophe, which spreadsheets
show as text. Every CSV export goes through ``neutralise``.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
