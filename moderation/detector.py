"""Finds personal data and swearing in a comment excerpt.

Used twice: as the moderator types (to point things out and suggest categories), and
when an entry is saved, where the personal data it finds is always redacted so the log
never stores more about a commenter than it must.
"""

import re
from dataclasses import dataclass

# Personal data. Each pattern is tried in this order and a span once claimed is not
# claimed again, so a valid NHS number is not also reported as a phone number.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Ten digits, written together or as 3-3-4 with spaces or dashes.
NHS_CANDIDATE = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
# UK numbers: 0 or +44 (or 0044), then 9-10 more digits, with spaces, dashes, dots or
# brackets between groups, e.g. 07700 900123, +44 (0)20 7946 0000, 0161-496-0000.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[\s.-]*(?:\(0\)[\s.-]*)?|\(?0)"
    r"(?:\d[\s.()-]*){8,9}\d(?!\d)"
)
# Postcodes: outward code and inward code, the space optional.
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)"
    r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

# A small list of swear words and their common forms, matched as whole words so that
# place names and ordinary words that contain them are left alone.
SWEAR_WORDS = (
    "arse",
    "arsehole",
    "asshole",
    "bastard",
    "bellend",
    "bitch",
    "bollocks",
    "bullshit",
    "crap",
    "cunt",
    "dickhead",
    "fuck",
    "fucked",
    "fucker",
    "fucking",
    "motherfucker",
    "piss",
    "pissed",
    "prick",
    "shit",
    "shite",
    "shitty",
    "slag",
    "twat",
    "wank",
    "wanker",
)
SWEARING = re.compile(
    r"\b(?:" + "|".join(sorted(SWEAR_WORDS, key=len, reverse=True)) + r")(?:s|es)?\b",
    re.IGNORECASE,
)


class Kind:
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    NHS_NUMBER = "nhs_number"
    SWEARING = "swearing"


LABELS = {
    Kind.EMAIL: "E-mail address",
    Kind.PHONE: "UK phone number",
    Kind.POSTCODE: "Postcode",
    Kind.NHS_NUMBER: "NHS number",
    Kind.SWEARING: "Swearing",
}
PLACEHOLDERS = {
    Kind.EMAIL: "[e-mail removed]",
    Kind.PHONE: "[phone number removed]",
    Kind.POSTCODE: "[postcode removed]",
    Kind.NHS_NUMBER: "[NHS number removed]",
}
PERSONAL = (Kind.EMAIL, Kind.NHS_NUMBER, Kind.PHONE, Kind.POSTCODE)

# The guideline categories each kind of finding suggests, by category slug.
SUGGESTS = {
    Kind.EMAIL: "personal-information",
    Kind.PHONE: "personal-information",
    Kind.POSTCODE: "personal-information",
    Kind.NHS_NUMBER: "personal-information",
    Kind.SWEARING: "swearing-obscenity",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self):
        return LABELS[self.kind]

    @property
    def is_personal(self):
        return self.kind in PERSONAL


def is_valid_nhs_number(digits):
    """The modulus 11 check: weights 10 down to 2, and 11 minus the remainder."""
    digits = re.sub(r"[\s-]", "", digits or "")
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def _phone_digit_count_ok(text):
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44"):
        digits = "0" + digits[2:]
    if digits.startswith("00"):  # +44 (0)20 ... written with the trunk zero
        digits = digits[1:]
    # Mobiles and most landlines have 11 digits with the leading 0; a few have 10.
    return len(digits) in (10, 11) and digits[1] in "123789"


def find(text):
    """Every finding in ``text``, in the order they appear."""
    text = text or ""
    taken = []
    findings = []

    def claim(kind, start, end):
        if any(start < t_end and end > t_start for t_start, t_end in taken):
            return
        taken.append((start, end))
        findings.append(Finding(kind, start, end, text[start:end]))

    for match in EMAIL.finditer(text):
        claim(Kind.EMAIL, match.start(), match.end())
    for match in NHS_CANDIDATE.finditer(text):
        if is_valid_nhs_number(match.group(0)):
            claim(Kind.NHS_NUMBER, match.start(), match.end())
    for match in PHONE.finditer(text):
        found = match.group(0).rstrip(" .-(")
        if _phone_digit_count_ok(found):
            claim(Kind.PHONE, match.start(), match.start() + len(found))
    for match in POSTCODE.finditer(text):
        claim(Kind.POSTCODE, match.start(), match.end())
    for match in SWEARING.finditer(text):
        claim(Kind.SWEARING, match.start(), match.end())
    return sorted(findings, key=lambda f: f.start)


def redact(text, findings=None):
    """``text`` with every piece of personal data replaced by a placeholder."""
    text = text or ""
    findings = find(text) if findings is None else findings
    out, last = [], 0
    for finding in findings:
        if not finding.is_personal:
            continue
        out.append(text[last : finding.start])
        out.append(PLACEHOLDERS[finding.kind])
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def suggested_slugs(findings):
    return sorted({SUGGESTS[f.kind] for f in findings})
