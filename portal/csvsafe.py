"""Cells of a CSV file the portal writes, made safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before looking) is run as a formula when the file is opened: a
commenter's handle or an account name could then fetch a URL or start a program on the
reader's computer. Such a cell is written with a leading apostrophe, which spreadsheets
show as text. Every CSV export goes through ``neutralise``, and is sent by
``csv_download``.
"""

import csv

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """What csv.writer writes to: each line is handed back rather than kept."""

    def write(self, line):
        return line


def csv_download(filename, header, rows):
    """A CSV file to download, written as it is sent (``rows`` may be a generator over
    many thousands), every cell ``neutralise``d, and never kept by a browser or proxy."""
    writer = csv.writer(_Line())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
