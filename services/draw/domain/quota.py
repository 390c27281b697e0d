"""How many targets a stratum must give (S6, S7, N6) — pure arithmetic, every figure configurable.

Defaults from the source document: key units at least 25% per quarter; general units at least 5 × the
on-duty enforcement officers per year (a quarter carries a quarter of it); rounding up unless configured."""
from __future__ import annotations

import math
from dataclasses import dataclass

ROUNDING = {"ceil": math.ceil, "floor": math.floor, "round": lambda x: int(math.floor(x + 0.5))}
KINDS = ("percent", "per_officer", "once_a_year")


@dataclass(frozen=True)
class QuotaRule:
    unit_class: str                 # 重点 / 一般 / 特殊
    kind: str                       # percent / per_officer / once_a_year
    value: float = 0                # 25 → 25 %; 5 → 5 × on-duty officers per year
    credit_class: str | None = None  # A/B/C/D (or 高/中/低); None: every credit class together
    period: str = "quarter"         # quarter / year: what one draw covers
    rounding: str = "ceil"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown quota kind {self.kind!r}")
        if self.rounding not in ROUNDING:
            raise ValueError(f"unknown rounding {self.rounding!r}")


def quota(rule: QuotaRule, stratum_size: int, on_duty_officers: int) -> int:
    """Targets to draw from a stratum of `stratum_size` this period; never more than the stratum holds."""
    share = 0.25 if rule.period == "quarter" else 1.0
    if rule.kind == "percent":
        wanted = stratum_size * rule.value / 100
    elif rule.kind == "per_officer":
        wanted = rule.value * on_duty_officers * share
    else:  # once_a_year: every unit once a year, spread evenly over the quarters
        wanted = stratum_size * share
    return min(stratum_size, ROUNDING[rule.rounding](wanted))


def source_document_rules() -> list[QuotaRule]:
    """S6 as written: 重点 ≥ 25 % per quarter, 一般 ≥ 5 × on-duty officers per year."""
    return [QuotaRule("重点", "percent", 25), QuotaRule("一般", "per_officer", 5)]
