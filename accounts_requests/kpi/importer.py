"""Reading a CSV file of monthly figures: decode it, check every row, say what is wrong.

Nothing here touches the database; the services decide what to do with the result. Every
bad row is reported with its line number in the file and every reason it is bad, so a
team can fix the whole file in one go.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from accounts_requests.kpi.months import month_end, month_label, month_start
from portal.csvsafe import FORMULA_STARTS
from portal.numbers import is_plain_number, is_row_id

# (column, what it holds, required)
COLUMNS = [
    ("month", "The month the figures are for: 2025-03, 03/2025 or Mar 2025.", True),
    ("followers", "Followers at the end of the month.", True),
    ("posts", "Posts published during the month.", True),
    ("engagements", "Likes, comments, shares, saves and clicks in the month.", True),
    ("impressions", "How many times posts were seen in the month.", True),
    ("messages_received", "Messages and comments that needed a reply. May be blank.", False),
    (
        "median_reply_hours",
        "Hours within which half of them had a reply, e.g. 3.5. May be blank.",
        False,
    ),
    (
        "last_post_date",
        "The date of the latest post up to the end of the month, e.g. 2025-03-28. "
        "May be blank; it makes the dormancy check exact.",
        False,
    ),
]
ACCOUNT_COLUMNS = [
    ("account_id", "The account's number in the portal (shown on the template).", True),
    ("account_name", "The account's name, to help you read the file. Not imported.", False),
]

ALIASES = {
    "messages": "messages_received",
    "median_reply_time": "median_reply_hours",
    "median_reply_time_hours": "median_reply_hours",
    "reply_hours": "median_reply_hours",
    "last_post": "last_post_date",
    "last_post_on": "last_post_date",
    "account": "account_id",
}

INTEGER_COLUMNS = ("followers", "posts", "engagements", "impressions", "messages_received")
MAX_INTEGER = 2_000_000_000
MAX_REPLY_HOURS = Decimal("9999.9")
EARLIEST_MONTH = datetime.date(2000, 1, 1)

MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%m/%Y", "%m-%Y", "%b %Y", "%B %Y", "%b-%y", "%b-%Y", "%b %y")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing in it was looked at row by row."""


@dataclass
class Row:
    line: int
    month: datetime.date
    values: dict
    account_id: int | None = None


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # [{"line": n, "messages": [...]}]
    notes: list = field(default_factory=list)
    total: int = 0

    def add_problem(self, line, messages):
        self.problems.append({"line": line, "messages": list(messages)})


def decode(raw):
    """Bytes to text: UTF-8 (with or without a byte-order mark), UTF-16 with one, or
    Windows-1252 as Excel saves it. Returns (text, note or None)."""
    if not raw.strip():
        raise ImportFileError("The file is empty.")
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "This is a spreadsheet workbook, not a CSV file. In your spreadsheet program "
            "choose Save As, then 'CSV UTF-8 (comma delimited)', and upload that."
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "The file was read as UTF-16 text."
        except UnicodeDecodeError:
            raise ImportFileError(
                "The file says it is UTF-16 text but is not. Save it as 'CSV UTF-8' and "
                "upload it again."
            ) from None
    try:
        text = raw.decode("utf-8-sig")
        note = None
    except UnicodeDecodeError as error:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"The file is not readable text (the problem is at byte {error.start + 1}). "
                "Save it as 'CSV UTF-8' and upload it again."
            ) from None
        note = (
            "The file is not UTF-8, so it was read as Windows-1252 (how older versions of "
            "Excel save CSV files)."
        )
    if "\x00" in text:
        raise ImportFileError(
            "The file contains binary data, so it is not a CSV file. Save it as 'CSV UTF-8' "
            "and upload it again."
        )
    return text, note


def _dialect(text):
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _header_name(cell):
    name = re.sub(r"[\s\-]+", "_", cell.strip().strip('"').lower())
    name = re.sub(r"[()%]", "", name).strip("_")
    return ALIASES.get(name, name)


def _shown(cell):
    """A cell as it may be quoted back in an error message: short and one line."""
    text = " ".join(cell.split())
    return text if len(text) <= 30 else text[:29] + "…"


def _formula(label, cell):
    return (
        f"{label} looks like a spreadsheet formula ('{_shown(cell)}'): only plain numbers "
        "are imported"
    )


def _looks_like_formula(cell):
    return cell.startswith(FORMULA_STARTS) and not re.fullmatch(r"-\s*\d[\d,.]*", cell)


def parse_integer(cell, label):
    """(value, error); blank gives (None, None)."""
    cell = cell.strip().replace("\u00a0", "").replace(" ", "")
    if not cell:
        return None, None
    if _looks_like_formula(cell):
        return None, _formula(label, cell)
    if cell.startswith("-"):
        return None, f"{label} cannot be negative ('{_shown(cell)}')"
    if THOUSANDS.match(cell):
        cell = cell.replace(",", "")
    if not is_plain_number(cell):
        return None, f"{label} must be a whole number, not '{_shown(cell)}'"
    value = int(cell)
    if value > MAX_INTEGER:
        return None, f"{label} is too large ({value:,})"
    return value, None


def parse_hours(cell, label="median_reply_hours"):
    cell = cell.strip()
    if not cell:
        return None, None
    if _looks_like_formula(cell):
        return None, _formula(label, cell)
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return None, f"{label} must be a number of hours such as 3.5, not '{_shown(cell)}'"
    if not value.is_finite():
        return None, f"{label} must be a number of hours such as 3.5, not '{_shown(cell)}'"
    if value < 0:
        return None, f"{label} cannot be negative ('{_shown(cell)}')"
    if value > MAX_REPLY_HOURS:
        return None, f"{label} is more than {MAX_REPLY_HOURS} hours"
    return value.quantize(Decimal("0.1")), None


def parse_month(cell, *, latest_allowed):
    cell = cell.strip()
    if not cell:
        return None, "month is missing"
    if _looks_like_formula(cell):
        return None, f"month looks like a spreadsheet formula ('{_shown(cell)}')"
    found = None
    for fmt in (*MONTH_FORMATS, *DATE_FORMATS):
        try:
            found = datetime.datetime.strptime(cell, fmt).date()
            break
        except ValueError:
            continue
    if found is None:
        return None, f"month '{_shown(cell)}' is not a month; write it as 2025-03"
    found = month_start(found)
    if found < EARLIEST_MONTH:
        return None, f"month {month_label(found)} is too long ago"
    if found > latest_allowed:
        return None, (
            f"month {month_label(found)} has not finished yet; figures can be given up to "
            f"{month_label(latest_allowed)}"
        )
    return found, None


def parse_date(cell, label):
    cell = cell.strip()
    if not cell:
        return None, None
    if _looks_like_formula(cell):
        return None, f"{label} looks like a spreadsheet formula ('{_shown(cell)}')"
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cell, fmt).date(), None
        except ValueError:
            continue
    return None, f"{label} '{_shown(cell)}' is not a date; write it as 2025-03-28"


def check_engagements(values, *, engagements="engagements", impressions="impressions"):
    """A month's engagements cannot outnumber the times its posts were seen: more is two
    columns swapped or a figure mistyped, and would show an engagement rate above 100%.
    Returns the message, or None."""
    given, seen = values.get("engagements"), values.get("impressions")
    if given and seen and given > seen:
        return (
            f"{engagements} ({given:,}) are more than {impressions} ({seen:,}): check the "
            "two are not swapped"
        )
    return None


def check_figures(values, month, *, last_post="last_post_date"):
    """Rules between the figures of one month. Returns a list of messages, which name
    the date of the last post as ``last_post`` does (a file's column, or a form's label)."""
    messages = []
    last_post_on = values.get("last_post_on")
    if last_post_on:
        if last_post_on > month_end(month):
            messages.append(f"{last_post} is after the end of the month")
        elif values.get("posts") and last_post_on < month:
            messages.append(
                f"{last_post} is before the month, but the month has posts: give the "
                "date of the month's last post"
            )
    return messages


def parse(text, *, several_accounts, latest_allowed, max_rows, progress=None, every=200):
    """Check every row of ``text``. ``progress(rows_checked)`` is called as it goes."""
    result = Parsed()
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    expected = [name for name, _, _ in COLUMNS]
    required = [name for name, _, needed in COLUMNS if needed]
    if several_accounts:
        expected = ["account_id", "account_name", *expected]
        required = ["account_id", *required]
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    except csv.Error as error:
        raise ImportFileError(f"Line 1 cannot be read as CSV: {error}.") from None
    names = [_header_name(cell) for cell in header]
    missing = [name for name in required if name not in names]
    if missing:
        raise ImportFileError(
            "Line 1 must name the columns. Missing: "
            + ", ".join(missing)
            + ". Download the template to see the columns it expects."
        )
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if duplicated:
        raise ImportFileError("Line 1 names these columns twice: " + ", ".join(duplicated) + ".")
    ignored = [
        cell.strip()
        for cell, name in zip(header, names, strict=True)
        if name and name not in expected
    ]
    if ignored:
        result.notes.append("These columns were not imported: " + ", ".join(ignored) + ".")
    index = {name: position for position, name in enumerate(names) if name in expected}

    seen = {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ImportFileError(f"Line {start} cannot be read as CSV: {error}.") from None
        line = start
        if not any(cell.strip() for cell in cells):
            continue
        result.total += 1
        if result.total > max_rows:
            raise ImportFileError(
                f"The file has more than {max_rows:,} rows of figures. Split it into smaller "
                "files and import each."
            )
        row, messages = _parse_row(
            cells, index, several_accounts=several_accounts, latest_allowed=latest_allowed
        )
        if row is not None:
            key = (row.account_id, row.month)
            if key in seen:
                messages.append(f"{month_label(row.month)} is already given on line {seen[key]}")
            else:
                seen[key] = line
        if messages:
            result.add_problem(line, messages)
        elif row is not None:
            row.line = line
            result.rows.append(row)
        if progress and result.total % every == 0:
            progress(result.total)
    if not result.total:
        raise ImportFileError("The file has no rows of figures under its column names.")
    if progress:
        progress(result.total)
    return result


def _cell(cells, index, name):
    position = index.get(name)
    if position is None or position >= len(cells):
        return ""
    return cells[position]


def _parse_row(cells, index, *, several_accounts, latest_allowed):
    messages = []
    account_id = None
    if several_accounts:
        raw = _cell(cells, index, "account_id").strip()
        if not raw:
            messages.append("account_id is missing")
        elif not is_plain_number(raw):
            messages.append(f"account_id must be the account's number, not '{_shown(raw)}'")
        elif not is_row_id(raw):  # larger than any id: SQLite would refuse the query
            messages.append(f"there is no account number {_shown(raw)}")
        else:
            account_id = int(raw)
    month, error = parse_month(_cell(cells, index, "month"), latest_allowed=latest_allowed)
    if error:
        messages.append(error)
    values = {}
    for name in INTEGER_COLUMNS:
        value, error = parse_integer(_cell(cells, index, name), name)
        if error:
            messages.append(error)
        elif value is None and name != "messages_received":
            messages.append(f"{name} is missing")
        values[name] = value
    values["median_reply_hours"], error = parse_hours(_cell(cells, index, "median_reply_hours"))
    if error:
        messages.append(error)
    values["last_post_on"], error = parse_date(
        _cell(cells, index, "last_post_date"), "last_post_date"
    )
    if error:
        messages.append(error)
    if month is None:
        return None, messages
    messages.extend(check_figures(values, month))
    if problem := check_engagements(values):
        messages.append(problem)
    return Row(line=0, month=month, values=values, account_id=account_id), messages
