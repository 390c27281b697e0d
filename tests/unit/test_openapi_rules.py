"""The text rule the OpenAPI documents state (shared/openapi.py) is the rule the text fields enforce."""
from __future__ import annotations

import re

from shared.text import allowed_pattern, problem

SAMPLES = ("检查事项", "ok-123 (A)", "é", "行一\n行二", "tab\there", "cr\rlf", "a\u202eb", "\u2066x\u2069", "x\x0by",
           "\x00", "\x7f", "\x9f", "\u2028", "\u061c", "\u200f")


def test_the_documented_text_pattern_refuses_exactly_what_text_fields_refuse():
    for multiline in (False, True):
        pattern = re.compile(allowed_pattern(multiline)[:-1] + r"\Z")  # ECMA's `$`: the very end
        for sample in SAMPLES:
            assert bool(pattern.match(sample)) == (problem(sample, multiline) is None), (sample, multiline)
