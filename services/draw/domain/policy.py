"""Draw configuration (style §7: figures with legal weight are configuration with defaults, read once in
shared/config.py)."""
from __future__ import annotations

from dataclasses import dataclass

from shared.config import Settings


@dataclass(frozen=True)
class DrawPolicy:
    department: str = "STHJ"   # the sub-bureau draws its own field inspectors (S6, S12)
    team_size: int = 2         # N2: never fewer than two
    algorithm: str = "sha256"  # RFC 3797 construction with a named hash (design §4)
    commitments_ahead: int = 20
    jurisdiction: str = "370211"  # 黄岛区 / West Coast New Area: the sub-bureau draws within its district (S6)
    max_load: int = 5              # overlapping visits one inspector may carry
    recusal_decision_days: int = 3  # N3: the head decides within 3 days by default

    def __post_init__(self):
        if self.team_size < 2:
            raise ValueError("N2: a visit needs at least two inspectors")

    @classmethod
    def from_settings(cls, settings: Settings) -> "DrawPolicy":
        return cls(department=settings.draw_department, team_size=settings.draw_team_size,
                   algorithm=settings.draw_algorithm, commitments_ahead=settings.draw_commitments_ahead,
                   jurisdiction=settings.draw_jurisdiction, max_load=settings.draw_max_load,
                   recusal_decision_days=settings.draw_recusal_decision_days)
