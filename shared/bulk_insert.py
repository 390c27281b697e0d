"""Many rows in one INSERT (issue 15). On PostgreSQL the rows travel as ONE JSON document (Python's C encoder) that
the server turns back into typed rows (`json_to_recordset`): one bound parameter whatever the number of rows. A
multi-row VALUES list of a 1,000-task batch has 14,000 placeholders, and psycopg rewriting them (uncached: too long)
was the batch's largest cost; arrays per column were next (psycopg quotes each element with a regex). On SQLite,
SQLAlchemy's multi-row VALUES ("insertmanyvalues") is used: SQLite binds positionally, nothing rewrites."""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite


def insert_rows(session, table: Table, rows: list[dict], conflict: tuple[str, ...] = (),
                keep_on_conflict: str | None = None, returning: tuple[str, ...] = ()):
    """INSERT `rows` (all with the same keys) in their order. `conflict`: the unique columns whose clash is
    absorbed — skipped, or with `keep_on_conflict` (a column set to itself) answered with the row that is
    there (PostgreSQL waits for a concurrent inserter to finish first). Answers the result (rows of `returning`)."""
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        return _sqlite(session, table, rows, conflict, keep_on_conflict, returning)
    quote = dialect.identifier_preparer.quote
    names = list(rows[0])
    document = json.dumps([{name: _column_value(value) for name, value in row.items()} for row in rows],
                          ensure_ascii=False)
    fields = ", ".join(f"{quote(name)} {table.c[name].type.compile(dialect)}" for name in names)
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
           f"SELECT {', '.join(f't.{quote(name)}' for name in names)} "
           "FROM json_array_elements(CAST(:rows AS JSON)) WITH ORDINALITY AS e(row, n), "
           f"json_to_record(e.row) AS t({fields}) "
           "ORDER BY e.n")  # in the rows' order: audit entries take their seq in record order
    if conflict:
        action = (f"DO UPDATE SET {quote(keep_on_conflict)} = {quote(table.name)}.{quote(keep_on_conflict)}"
                  if keep_on_conflict else "DO NOTHING")
        sql += f" ON CONFLICT ({', '.join(map(quote, conflict))}) {action}"
    if returning:
        sql += f" RETURNING {', '.join(map(quote, returning))}"
    return session.execute(text(sql), {"rows": document})


def _column_value(value):
    """A DATE or TIMESTAMP column's value as ISO 8601, which PostgreSQL reads back. Only whole column values:
    a date nested inside a JSON column still fails to encode, as it does on SQLite and did before — quietly
    turning it into a string would store something other than what an audit entry's hash was computed over."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _sqlite(session, table: Table, rows: list[dict], conflict, keep_on_conflict, returning):
    statement = sqlite.insert(table)
    if conflict and keep_on_conflict:
        statement = statement.on_conflict_do_update(index_elements=list(conflict),
                                                    set_={keep_on_conflict: table.c[keep_on_conflict]})
    elif conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
    return session.execute(statement, rows)

