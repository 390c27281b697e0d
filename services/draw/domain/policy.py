"""Draw configuration (style §7: figures with legal weight are configuration with defaults, read once in
shared/config.py)."""
from __future__ import annotations

from dataclasses import dataclass

from shared.config import Settings


@dataclass(frozen=True)
class DrawPolicy:
    """How inspectors are drawn.

    `max_load` (DRAW_MAX_LOAD) defaults to 0, no cap. The cap counts visits whose *windows* overlap, and a plan's
    windows last weeks: a real quarter (hundreds of visits, tens of officers, two per visit from each department)
    puts every officer on dozens of visits whose windows overlap although each visit takes one day, so any small
    cap strands most visits (10 of 29 with a cap of 5; almost all of ~370 with 18 officers). The random draw
    already spreads the work evenly. A place that wants a cap sets it above
    (visits × team size ÷ officers) for visits with overlapping windows."""
    department: str = "STHJ"   # the sub-bureau draws its own field inspectors (S6, S12)
    team_size: int = 2         # N2: never fewer than two
    algorithm: str = "sha256"  # RFC 3797 construction with a named hash (design §4)
    jurisdiction: str = "370211"  # 黄岛区 / West Coast New Area: the sub-bureau draws within its district (S6)
    max_load: int = 0              # overlapping visits one inspector may carry; 0: no cap
    recusal_decision_days: int = 3  # N3: the head decides within 3 days by default
    naming_days: int = 3           # a department that names its own officers does so within 3 days

    def __post_init__(self):
        if self.team_size < 2:
            raise ValueError("N2: a visit needs at least two inspectors")

    @classmethod
    def from_settings(cls, settings: Settings) -> "DrawPolicy":
        return cls(department=settings.draw_department, team_size=settings.draw_team_size,
                   algorithm=settings.draw_algorithm,
                   jurisdiction=settings.draw_jurisdiction, max_load=settings.draw_max_load,
                   recusal_decision_days=settings.draw_recusal_decision_days,
                   naming_days=settings.draw_naming_days)
