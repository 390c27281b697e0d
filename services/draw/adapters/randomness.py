"""The two phases of every draw in draw's database (design §4, issue 13): the seed commitment with its frozen pool,
and the public randomness that later draws it — on draw's metadata (adapters/db.py imports this module)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime

from .db import Base


class SeedCommitment(Base):
    """Phase one of a draw (design §4, N4, issue 13): a fresh seed made for ONE draw once it can be drawn, its hash
    published (`draw.committed`, public page), then — in the same transaction, strictly later — the pool frozen
    (`pool`, `pool_hash`, `pool_frozen_at`). Phase two is the first public randomness entry whose lottery was drawn
    after `committed_at` (`randomness_id`); the draw record it makes is `used_by`. `context` keeps what the record
    needs then (the visit, the pool's people, the operator); rows from before issue 13 have only seed columns."""
    __tablename__ = "seed_commitment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    seed_hash: Mapped[str] = mapped_column(String(64), unique=True)
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)
    subject_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    subject_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    purpose: Mapped[str | None] = mapped_column(String(60), nullable=True)
    department: Mapped[str | None] = mapped_column(String(20), nullable=True)
    algorithm: Mapped[str | None] = mapped_column(String(20), nullable=True)
    count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pool: Mapped[list | None] = mapped_column(JSON, nullable=True)
    pool_hash: Mapped[str | None] = mapped_column(String(128), nullable=True)
    pool_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    excluded: Mapped[list | None] = mapped_column(JSON, nullable=True)
    context: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    randomness_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # public_numbers.id


class PublicNumbers(Base):
    """External public randomness (phase two of every draw, issue 13): the winning numbers of a named public
    lottery (`source`, `issue`) drawn at `drawn_at`, entered by a clerk — or by a script, then `source` says so.
    One entry serves every commitment made before `drawn_at` that no entry served yet."""
    __tablename__ = "public_numbers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    numbers: Mapped[list] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text)  # where anyone can check them
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issue: Mapped[str] = mapped_column(String(60), default="", server_default="")  # the lottery's 期号
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)  # None: before issue 13
