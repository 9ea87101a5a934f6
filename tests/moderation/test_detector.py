import pytest

from moderation import detector
from moderation.detector import Kind, find, is_valid_nhs_number, redact


def kinds(text):
    return [(f.kind, f.text) for f in find(text)]


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919", "4010232137"])
def test_a_valid_nhs_number_is_found_in_any_common_layout(number):
    assert is_valid_nhs_number(number)
    assert kinds(f"her number is {number}.") == [(Kind.NHS_NUMBER, number)]


@pytest.mark.parametrize(
    "number",
    [
        "943 476 5918",  # wrong check digit
        "9434765910",
        "1234567890",  # check digit would be 10: never valid
        "943 476 591",  # too short
    ],
)
def test_a_number_failing_the_modulus_11_check_is_not_an_nhs_number(number):
    assert not is_valid_nhs_number(number)
    assert Kind.NHS_NUMBER not in [f.kind for f in find(f"ref {number} thanks")]


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900123",
        "020 7946 0000",
        "(020) 7946 0000",
        "0161 496 0000",
        "0161-496-0000",
        "+44 (0)161 496 0000",
        "01632 960 123",
        "0300 123 4567",
        "0800 123 4567",
    ],
)
def test_uk_phone_numbers_are_found_with_spaces_dashes_and_plus_44(phone):
    assert kinds(f"ring me on {phone} today") == [(Kind.PHONE, phone)]


@pytest.mark.parametrize("text", ["in 2024 we had 12345 visits", "order 123-456", "07700 90"])
def test_ordinary_numbers_are_not_phone_numbers(text):
    assert [f for f in find(text) if f.kind == Kind.PHONE] == []


@pytest.mark.parametrize(
    "postcode", ["SW1A 1AA", "E1 6AN", "M1 1AE", "B33 8TH", "cr2 6xh", "DN551PT"]
)
def test_postcodes_are_found(postcode):
    assert kinds(f"I live at {postcode} near the park") == [(Kind.POSTCODE, postcode)]


def test_e_mail_addresses_are_found():
    assert kinds("write to jo.bloggs+nhs@example.co.uk please") == [
        (Kind.EMAIL, "jo.bloggs+nhs@example.co.uk")
    ]


def test_a_handle_is_not_an_e_mail_address():
    assert find("thanks @riverside_nhs for the help") == []


def test_swearing_is_found_as_whole_words_only():
    found = kinds("This is shit and the staff are wankers. Scunthorpe and Cockermouth are fine.")
    assert found == [(Kind.SWEARING, "shit"), (Kind.SWEARING, "wankers")]


def test_redaction_replaces_personal_data_and_keeps_the_rest():
    text = "Call 07700 900123 or mail a@b.com, NHS 943 476 5919, SW1A 1AA. Bloody shit service"
    assert redact(text) == (
        "Call [phone number removed] or mail [e-mail removed], NHS [NHS number removed], "
        "[postcode removed]. Bloody shit service"
    )


def test_a_valid_nhs_number_is_reported_once_not_also_as_a_phone_number():
    assert [f.kind for f in find("943 476 5919")] == [Kind.NHS_NUMBER]


def test_findings_suggest_the_matching_categories():
    findings = find("mail me at jo@example.com you twat")
    assert detector.suggested_slugs(findings) == ["personal-information", "swearing-obscenity"]
