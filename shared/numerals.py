"""Chinese numerals 1–99, both ways: written for the （一） headings of a letter (GB/T 9704 §7.3.3), read back
to order squadrons (第二中队 before 第十中队) the way a reader counts rather than as the code points sort."""
from __future__ import annotations

import re

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九."""
    if not 0 < n < 100:
        raise ValueError(f"no Chinese numeral for {n}")
    tens, ones = divmod(n, 10)
    return (f"{DIGITS[tens] if tens > 1 else ''}十" if tens else "") + (DIGITS[ones] if ones else "")


_VALUES = {chinese_number(n): n for n in range(1, 100)}


def ordinal_rank(name: str) -> int:
    """The number in 第…: 第十二中队 → 12; 100 for a name without one, so such names sort after the numbered."""
    match = re.search(r"第([一二三四五六七八九十]+)", name)
    return _VALUES.get(match[1], 100) if match else 100
