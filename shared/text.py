"""What text may contain, wherever it enters: API fields, page forms, file imports, partner messages.

Why: a company name carrying U+202E (right-to-left override) printed an official letter reversed; a `\\x0b` in an
officer's name made the Excel export fail; PostgreSQL refuses a NUL mid-transaction. None of these characters has a
use in Chinese administrative text, so they are refused where text enters, with a message naming the character
(never silently dropped: what a clerk typed is what is stored). Text is NFC-normalised so one name is stored one way.
Output keeps a second, defensive line (`strip_unsafe`) for text stored before these rules.
"""
from __future__ import annotations

import re
import unicodedata

# U+061C ALM, U+200E/F LRM/RLM, U+202A–U+202E embeddings/overrides, U+2066–U+2069 isolates: each can reorder what
# is printed; the marks (LRM/RLM/ALM) too, around neutral characters such as digits and brackets.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
LINE_BREAKS = "\t\n\r"  # allowed in multi-line text only (a tab comes with text pasted from a table)
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"  # C0, DEL, C1, Unicode line/paragraph separators
_SURROGATES = "\ud800-\udfff"  # only a lone one can reach a str: JSON "\ud800", or bytes decoded with surrogateescape
_MULTILINE = re.compile(f"[{_CONTROLS}{BIDI_CONTROLS}{_SURROGATES}]")
_SINGLE_LINE = re.compile(f"[{LINE_BREAKS}{_CONTROLS}{BIDI_CONTROLS}{_SURROGATES}]")
_LONE_SURROGATE = re.compile(f"[{_SURROGATES}]")
_UNSAFE_OUTPUT = re.compile(f"[{_CONTROLS}{BIDI_CONTROLS}{_SURROGATES}]")


class TextRefused(ValueError):
    """A text value breaks the rules; the message (Chinese) says which character and why."""


def problem(value: str, multiline: bool = False) -> str | None:
    """The Chinese reason `value` is refused, or None. Line breaks and tabs are allowed only when `multiline`."""
    found = (_MULTILINE if multiline else _SINGLE_LINE).search(value)
    return None if found is None else describe(found.group())


def describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char in "\n\r":
        return "应为单行文字，不能包含换行符"
    if char == "\t":
        return "应为单行文字，不能包含制表符"
    if char in BIDI_CONTROLS:
        return f"含有不允许的文字方向控制符（{code}），它会使文字颠倒或错位显示"
    if "\ud800" <= char <= "\udfff":
        return f"含有无效的 Unicode 字符（孤立的代理项 {code}）"
    return f"含有不允许的控制字符（{code}）"


def clean(value: str, multiline: bool = False) -> str:
    """The value NFC-normalised, or `TextRefused`. Checked before normalising: NFC cannot encode a lone surrogate."""
    reason = problem(value, multiline)
    if reason:
        raise TextRefused(reason)
    return normalise(value)


def normalise(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def allowed_pattern(multiline: bool = False) -> str:
    """The rule as a regular expression over the whole value (JSON Schema / ECMA-262 and Python alike, characters
    written as \\uXXXX escapes), so the OpenAPI documents state it (shared/openapi.py). Lone surrogates are left
    out: no UTF-8 text holds one, and a surrogate range makes fuzzers drop the whole pattern."""
    refused = _CONTROLS + BIDI_CONTROLS + ("" if multiline else LINE_BREAKS)
    return "^[^" + "".join(c if c == "-" else f"\\u{ord(c):04x}" for c in refused) + "]*$"


def labelled(label: str, value: str, multiline: bool = False) -> str | None:
    """For file imports, whose problems are listed per row: "「单位名称」含有不允许的…", or None."""
    reason = problem(value, multiline)
    return f"「{label}」{reason}" if reason else None


def has_lone_surrogate(value: str) -> bool:
    """A JSON body may spell one ("\\ud800"); it cannot be encoded as UTF-8, so storing or answering it fails."""
    return _LONE_SURROGATE.search(value) is not None


def printable(value):
    """Jinja's `finalize` for pages and letters: every printed string without direction or control characters,
    Markup kept as Markup (so it is not escaped twice), anything else untouched."""
    from markupsafe import Markup
    if isinstance(value, Markup):
        return Markup(strip_unsafe(value))
    return strip_unsafe(value) if isinstance(value, str) else value


def strip_unsafe(value: str) -> str:
    """Output side: direction controls and control characters removed (line breaks and tabs kept). For text that
    was stored before the input rules, so that no letter prints reversed and no export fails on it."""
    return _UNSAFE_OUTPUT.sub("", value)
