"""Allocate the next document number inside the caller's transaction (N10: no gaps, no duplicates).

The increment is a single UPDATE, which takes the row's write lock at once on PostgreSQL and the database
write lock on SQLite, so concurrent issuers queue instead of reading the same value."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .db import NumberSequence


def next_number(session, issuer_code: str, year: int) -> int:
    for _ in range(3):
        bumped = session.execute(update(NumberSequence)
                                 .where(NumberSequence.issuer_code == issuer_code, NumberSequence.year == year)
                                 .values(last=NumberSequence.last + 1))
        if bumped.rowcount:
            return session.execute(select(NumberSequence.last).where(NumberSequence.issuer_code == issuer_code,
                                                                     NumberSequence.year == year)).scalar_one()
        try:
            with session.begin_nested():
                session.add(NumberSequence(issuer_code=issuer_code, year=year, last=1))
            return 1
        except IntegrityError:
            continue  # another issuer created the year's counter first: bump it instead
    raise RuntimeError("could not allocate a document number")
