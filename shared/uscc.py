"""Unified social credit code (统一社会信用代码), GB 32100-2015 (rule N9).

Why: every company in intake is keyed by its USCC, and a mistyped code would silently create a second company.
The standard's check character catches almost every typo, so intake validates it and tells the clerk in
Chinese exactly what is wrong (N9 also allows an explicit, audited override elsewhere — some real codes fail).
The region digits are never checked against any particular region.
"""
from __future__ import annotations

import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 3^(i-1) mod 31 for positions i = 1..17
LENGTH = 18


def check_character(first17: str) -> str:
    """The 18th character for a 17-character body: (31 - Σ value·weight mod 31) mod 31, as a character."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"the body must be {LENGTH - 1} characters, got {len(first17)}")
    try:
        total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS))
    except ValueError:
        bad = next(ch for ch in first17 if ch not in ALPHABET)
        raise ValueError(f"character {bad!r} is not in the GB 32100-2015 alphabet") from None
    return ALPHABET[(31 - total % 31) % 31]


def validation_error(code: str) -> str | None:
    """A Chinese message saying what is wrong with `code`, or None when it is valid (N9)."""
    if not isinstance(code, str) or len(code) != LENGTH:
        return f"统一社会信用代码长度应为18位（实际为{len(code) if isinstance(code, str) else 0}位）"
    for position, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            if ch.upper() in ALPHABET:
                return f"统一社会信用代码应使用大写字母：第{position}位为小写「{ch}」"
            return f"统一社会信用代码含有非法字符「{ch}」（第{position}位）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位应为「{expected}」实际为「{code[17]}」"
    return None


def is_valid(code: str) -> bool:
    """True when `code` is an 18-character upper-case GB 32100-2015 code with a correct check character."""
    return validation_error(code) is None


def random_uscc(rng: random.Random | None = None, region: str = "370211") -> str:
    """A valid code for demo and test data: "9" (工商), "1" (企业), 6 region digits, 9 body chars, check."""
    if len(region) != 6 or not region.isdigit() or not region.isascii():
        raise ValueError(f"region must be 6 digits, got {region!r}")
    rng = rng or random.Random()
    body = "91" + region + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)
