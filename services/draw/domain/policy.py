"""Draw configuration (style §7: figures with legal weight are configuration with defaults)."""
from __future__ import annotations

import os
from dataclasses import dataclass


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
    def from_env(cls, env=None) -> "DrawPolicy":
        env = os.environ if env is None else env
        return cls(department=env.get("DRAW_DEPARTMENT", cls.department),
                   team_size=int(env.get("DRAW_TEAM_SIZE", cls.team_size)),
                   algorithm=env.get("DRAW_ALGORITHM", cls.algorithm),
                   jurisdiction=env.get("DRAW_JURISDICTION", cls.jurisdiction),
                   max_load=int(env.get("DRAW_MAX_LOAD", cls.max_load)))
