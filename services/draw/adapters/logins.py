"""Who may try to log in, and which login sessions no longer count (issue 13): its tables, on draw's metadata
(adapters/db.py imports this module). draw keeps the accounts, so it keeps the failed attempts beside them, in the
database every draw process shares — a lock holds across processes and restarts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime
from shared.sessions import revoked_session_model

from .db import Base


class LoginThrottle(Base):
    """Failed logins counted per account name (`scope` "account") and per client address ("address") within a
    window; at the limit the key is locked until `locked_until`, and then even the right password is refused."""
    __tablename__ = "login_throttle"
    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


RevokedSession = revoked_session_model(Base)  # logout and password change (`account.sessions_revoked`)
