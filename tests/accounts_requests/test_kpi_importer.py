"""Reading CSV files of figures: every bad row named by its line, whatever the file's shape."""

import datetime
from decimal import Decimal

import pytest

from accounts_requests.kpi import importer

LATEST = datetime.date(2025, 4, 1)
HEADER = "month,followers,posts,engagements,impressions,messages_received,median_reply_hours"


def parse(text, several=False, max_rows=1000, progress=None):
    return importer.parse(
        text,
        several_accounts=several,
        latest_allowed=LATEST,
        max_rows=max_rows,
        progress=progress,
        every=2,
    )


def test_it_reads_a_clean_file():
    result = parse(f"{HEADER}\n2025-01,120,10,55,3000,4,2.5\n2025-02,130,12,60,3100,,\n")
    assert result.problems == []
    assert result.total == 2
    first, second = result.rows
    assert first.line == 2
    assert first.month == datetime.date(2025, 1, 1)
    assert first.values == {
        "followers": 120,
        "posts": 10,
        "engagements": 55,
        "impressions": 3000,
        "messages_received": 4,
        "median_reply_hours": Decimal("2.5"),
        "last_post_on": None,
    }
    assert second.values["messages_received"] is None
    assert second.values["median_reply_hours"] is None


def test_it_reports_every_bad_row_with_its_line_and_every_reason():
    text = (
        f"{HEADER}\n"
        "2025-01,120,10,55,3000,4,2.5\n"  # line 2: fine
        "2025-02,lots,-3,55,,4,2.5\n"  # line 3: three problems
        "\n"  # line 4: blank, skipped
        "2025-13,120,10,55,3000,4,2.5\n"  # line 5: not a month
        "2025-03,120,10,55,3000,4,fast\n"  # line 6: bad hours
    )
    result = parse(text)
    assert [p["line"] for p in result.problems] == [3, 5, 6]
    assert result.problems[0]["messages"] == [
        "followers must be a whole number, not 'lots'",
        "posts cannot be negative ('-3')",
        "impressions is missing",
    ]
    assert "is not a month" in result.problems[1]["messages"][0]
    assert "median_reply_hours must be a number of hours" in result.problems[2]["messages"][0]
    assert [row.line for row in result.rows] == [2]


def test_line_numbers_count_physical_lines_when_a_quoted_cell_spans_two():
    text = (
        "month,followers,posts,engagements,impressions,note\n"
        '2025-01,1,1,1,1,"two\nlines"\n'
        "2025-02,x,1,1,1,\n"
    )
    result = parse(text)
    assert result.problems == [
        {"line": 4, "messages": ["followers must be a whole number, not 'x'"]}
    ]


def test_a_month_given_twice_is_a_problem_on_the_second_line():
    result = parse(f"{HEADER}\n2025-01,1,1,1,1,,\nJan 2025,2,2,2,2,,\n")
    assert result.problems == [{"line": 3, "messages": ["Jan 2025 is already given on line 2"]}]


def test_a_month_that_has_not_finished_is_refused():
    result = parse(f"{HEADER}\n2025-05,1,1,1,1,,\n")
    assert "has not finished yet" in result.problems[0]["messages"][0]


@pytest.mark.parametrize(
    "cell", ["2025-03", "2025-03-01", "03/2025", "Mar 2025", "March 2025", "Mar-25", "01/03/2025"]
)
def test_months_are_read_in_the_ways_spreadsheets_write_them(cell):
    month, error = importer.parse_month(cell, latest_allowed=LATEST)
    assert error is None
    assert month == datetime.date(2025, 3, 1)


@pytest.mark.parametrize(
    "cell",
    ["=1+2", "+5", "@SUM(A1)", '=HYPERLINK("http://x")', "-2+3", "\t=1"],
)
def test_formula_cells_are_refused_not_evaluated(cell):
    value, error = importer.parse_integer(cell, "followers")
    assert value is None
    assert "looks like a spreadsheet formula" in error


@pytest.mark.parametrize("cell", ["\u00b2", "1\u00b9", "\u0663", "\uff11"])
def test_digits_other_than_0_to_9_are_refused_plainly(cell):
    value, error = importer.parse_integer(cell, "followers")
    assert value is None
    assert error.startswith("followers must be a whole number")


def test_thousands_separators_and_spaces_are_read():
    assert importer.parse_integer("1,234,567", "followers") == (1234567, None)
    assert importer.parse_integer(" 12 345 ", "followers") == (12345, None)
    assert (
        importer.parse_integer("1.5", "followers")[1]
        == "followers must be a whole number, not '1.5'"
    )


def test_columns_are_matched_in_any_order_and_case_and_extra_columns_are_noted():
    text = "Impressions,Posts,MONTH,Followers,Engagements,Page likes\n3000,10,2025-01,120,55,9\n"
    result = parse(text)
    assert result.problems == []
    assert result.rows[0].values["impressions"] == 3000
    assert result.notes == ["These columns were not imported: Page likes."]


def test_semicolon_files_are_read():
    result = parse("month;followers;posts;engagements;impressions\n2025-01;1 200;10;55;3000\n")
    assert result.problems == []
    assert result.rows[0].values["followers"] == 1200


def test_a_missing_required_column_stops_the_file_at_line_one():
    with pytest.raises(importer.ImportFileError, match="Missing: impressions"):
        parse("month,followers,posts,engagements\n2025-01,1,1,1\n")


def test_an_empty_file_and_a_header_only_file_are_refused():
    with pytest.raises(importer.ImportFileError, match="empty"):
        importer.decode(b"  \n")
    with pytest.raises(importer.ImportFileError, match="no rows"):
        parse(f"{HEADER}\n\n")


def test_too_many_rows_are_refused():
    rows = "".join(f"2024-{m:02d},1,1,1,1,,\n" for m in range(1, 6))
    with pytest.raises(importer.ImportFileError, match="more than 3 rows"):
        parse(f"{HEADER}\n{rows}", max_rows=3)


def test_progress_is_reported_as_rows_are_checked():
    seen = []
    rows = "".join(f"2024-{m:02d},1,1,1,1,,\n" for m in range(1, 6))
    parse(f"{HEADER}\n{rows}", progress=seen.append)
    assert seen == [2, 4, 5]


def test_several_accounts_need_an_account_number():
    text = (
        "account_id,account_name,month,followers,posts,engagements,impressions\n"
        "7,Page,2025-01,1,1,1,1\n"
        ",Page,2025-01,1,1,1,1\n"
        "seven,Page,2025-02,1,1,1,1\n"
        "7,Page,2025-01,2,2,2,2\n"
        "99999999999999999999,Page,2025-03,1,1,1,1\n"
    )
    result = parse(text, several=True)
    assert result.rows[0].account_id == 7
    assert result.problems == [
        {"line": 3, "messages": ["account_id is missing"]},
        {"line": 4, "messages": ["account_id must be the account's number, not 'seven'"]},
        {"line": 5, "messages": ["Jan 2025 is already given on line 2"]},
        # Larger than any row's id: no account has it (and no query is asked).
        {"line": 6, "messages": ["there is no account number 99999999999999999999"]},
    ]


def test_the_last_post_date_must_fit_the_month():
    text = (
        f"{HEADER},last_post_date\n"
        "2025-01,1,3,1,1,,,2025-02-03\n"
        "2025-02,1,3,1,1,,,2025-01-20\n"
        "2025-03,1,0,1,1,,,2025-01-20\n"
    )
    result = parse(text)
    assert result.problems == [
        {"line": 2, "messages": ["last_post_date is after the end of the month"]},
        {
            "line": 3,
            "messages": [
                "last_post_date is before the month, but the month has posts: give the date "
                "of the month's last post"
            ],
        },
    ]
    assert result.rows[0].values["last_post_on"] == datetime.date(2025, 1, 20)


class TestDecoding:
    def test_utf8_with_a_byte_order_mark(self):
        text, note = importer.decode("\ufeffmonth,followers\n".encode())
        assert text == "month,followers\n"
        assert note is None

    def test_windows_1252_as_older_excel_saves_it(self):
        text, note = importer.decode("account_name\nCaf\xe9 \u00a3\n".encode("cp1252"))
        assert text == "account_name\nCaf\xe9 \u00a3\n"
        assert "Windows-1252" in note

    def test_utf16_with_a_byte_order_mark(self):
        text, note = importer.decode("month\tfollowers\n".encode("utf-16"))
        assert text == "month\tfollowers\n"
        assert "UTF-16" in note

    def test_a_workbook_is_refused_with_what_to_do(self):
        with pytest.raises(importer.ImportFileError, match="CSV UTF-8"):
            importer.decode(b"PK\x03\x04rest-of-a-zip-file")

    def test_binary_data_is_refused(self):
        with pytest.raises(importer.ImportFileError, match="binary"):
            importer.decode(b"month,followers\n\x00\x01\x02")

    def test_bytes_no_encoding_can_read_are_refused_with_where(self):
        with pytest.raises(importer.ImportFileError, match="byte 7"):
            importer.decode(b"month,\x81\x8d\x8f\x90\x9d")


def test_engagements_cannot_outnumber_impressions():
    text = f"{HEADER}\n2025-01,326,3,900,100,,\n2025-02,330,3,50,0,,\n2025-03,331,3,100,100,,\n"
    result = parse(text)
    assert result.problems == [
        {
            "line": 2,
            "messages": [
                "engagements (900) are more than impressions (100): check the two are not swapped"
            ],
        }
    ]
    # No impressions given (a platform that does not count them), or as many: accepted.
    assert [row.values["engagements"] for row in result.rows] == [50, 100]
