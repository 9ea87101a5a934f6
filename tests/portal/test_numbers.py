import pytest

from portal.numbers import is_plain_number


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("0", True),
        ("12345", True),
        ("", False),
        (" 12", False),
        ("-3", False),
        ("1.5", False),
        ("²", False),  # a digit to str.isdigit(), refused by int()
        ("٣", False),  # Arabic-Indic three: int() would read it as 3
        ("\uff11\uff12", False),  # full-width one and two
        (12, False),
        (None, False),
    ],
)
def test_only_the_digits_0_to_9_make_a_plain_number(text, plain):
    assert is_plain_number(text) is plain
