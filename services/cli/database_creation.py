"""`jointinspect migrate` creates a service's PostgreSQL database when it is missing, so a fresh server needs no
hand-written CREATE DATABASE (issue 14): the operator's role only needs CREATEDB."""
from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

MAINTENANCE_DATABASE = "postgres"  # every PostgreSQL server has it; CREATE DATABASE cannot run inside the target


def ensure_database(url: str) -> bool:
    """Create the database `url` names if the server lacks it; True when it was created now. SQLite files are
    created by their first connection, so only PostgreSQL needs this. Two services racing on the same name is
    harmless: the loser sees `duplicate_database` and the database exists either way."""
    target = make_url(url)
    if target.get_backend_name() != "postgresql" or not target.database:
        return False
    engine = create_engine(target.set(database=MAINTENANCE_DATABASE), poolclass=NullPool,
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": target.database}).first()
            if exists:
                return False
            quoted = connection.dialect.identifier_preparer.quote_identifier(target.database)
            try:
                connection.execute(text(f"CREATE DATABASE {quoted}"))
            except Exception as error:  # noqa: BLE001 — only "someone else created it first" is tolerated
                if getattr(getattr(error, "orig", None), "sqlstate", None) == "42P04":
                    return False
                raise
            return True
    finally:
        engine.dispose()
