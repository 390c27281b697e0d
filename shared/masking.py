"""Masking of personal numbers in anything shown to the public (issue 13, N8).

Why: free text written by inspectors, approvers or companies (findings, summaries, reasons, contacts) can carry a
person's ID-card number or mobile number; once on a public page or feed it is copied and indexed for good. Every
public serialiser passes its free text through `mask_text`, which keeps enough of a number to tell two apart
(`110105********1234`, `138****5678`) and nothing that identifies the person.

Only what really is such a number is masked: an 18-character ID-card number needs a province code, a real birth
date and a valid GB 11643-1999 check character; a 15-digit one (before 1999) a province code and a real birth date
(19YY). A USCC (its region digits are not followed by a date and its check is mod 31), a letter number
(青环西联函〔2026〕12号), dates and times are left alone. A number glued to other letters or digits is part of
something longer (an account, a serial) and is left alone too.
"""
from __future__ import annotations

import re
from datetime import date

# GB/T 2260 province-level codes: the first two digits of every ID-card number.
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
                       51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # the check character for (Σ digit·weight) mod 11

_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"
_SEP = r"[ \-]?"
ID_CARD_18 = re.compile(_EDGE_BEFORE + rf"(\d{{6}}){_SEP}(\d{{8}}){_SEP}(\d{{3}}[0-9Xx])" + _EDGE_AFTER)
ID_CARD_15 = re.compile(_EDGE_BEFORE + rf"(\d{{6}}){_SEP}(\d{{6}}){_SEP}(\d{{3}})" + _EDGE_AFTER)
# A mainland mobile number, also written +86 138 0013 8000, 0086-138-0013-8000 or (+86)13800138000.
MOBILE = re.compile(_EDGE_BEFORE + r"((?:(?:\+|00)86|\(\+?86\)|（\+?86）)[ \-]?)?"
                    r"(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})" + _EDGE_AFTER)


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return born.year >= 1900


def is_id_card_18(number: str) -> bool:
    """An 18-character resident ID-card number: province, birth date and check character (GB 11643-1999)."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789Xx":
        return False
    if int(number[:2]) not in PROVINCES:
        return False
    if not _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14])) or number[6:8] not in ("19", "20"):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == number[17].upper()


def is_id_card_15(number: str) -> bool:
    """A first-generation 15-digit ID-card number: province and a birth date 19YYMMDD, no check digit."""
    return (len(number) == 15 and number.isdigit() and int(number[:2]) in PROVINCES
            and _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])))


def _mask_id_18(match: re.Match) -> str:
    number = "".join(match.groups())
    return number[:6] + "*" * 8 + number[14:] if is_id_card_18(number) else match.group(0)


def _mask_id_15(match: re.Match) -> str:
    number = "".join(match.groups())
    return number[:6] + "*" * 6 + number[12:] if is_id_card_15(number) else match.group(0)


def _mask_mobile(match: re.Match) -> str:
    prefix, head, _middle, tail = match.groups()
    return f"{prefix or ''}{head}****{tail}"


def mask_text(text: str | None) -> str | None:
    """`text` with every ID-card and mobile number masked; None and "" pass through."""
    if not text:
        return text
    text = ID_CARD_18.sub(_mask_id_18, text)
    text = ID_CARD_15.sub(_mask_id_15, text)
    return MOBILE.sub(_mask_mobile, text)


def mask_value(value):
    """Masks every string in a JSON-like value (dicts, lists), for public bodies built from stored documents."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(item) for item in value]
    return value
