"""Immutable business rows sealed into the audit chain (S1, S8, N4; issue 13).

A model lists its immutable columns in `__audit_content__`; when a new row of it is flushed, an audit entry
`row.sealed` records the SHA-256 of those columns' canonical JSON (and which columns they were). The chain then
covers the row: changing a sealed column or deleting the row breaks the seal, and rewriting the seal entry breaks
the chain (and the published checkpoints). No handler has to remember it: one `before_flush` hook does it for every
service. Columns that legitimately change later (a letter's revocation, a correction's decision) are left out."""
from __future__ import annotations

import functools
import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from . import audit
from .clock import iso, utc

SEALED = "row.sealed"
SEALER = "system:audit"


def canonical(value):
    """One spelling per value whatever the database hands back (SQLite's naive UTC datetimes, PostgreSQL's aware
    ones; bytes by their hash)."""
    if isinstance(value, datetime):
        return iso(utc(value).astimezone(timezone.utc))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"sha256": hashlib.sha256(bytes(value)).hexdigest()}
    return value


def content_hash(row, columns) -> str:
    content = {name: canonical(getattr(row, name)) for name in columns}
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def sealed_columns(model) -> tuple[str, ...] | None:
    """The model's immutable columns: `__audit_content__` lists them, or is True when every column is (a draw
    record); a seal records the list it used, so a column added later does not break earlier seals."""
    declared = getattr(model, "__audit_content__", None)
    if declared is True:
        return tuple(attribute.key for attribute in inspect(model).column_attrs)
    return declared


def row_key(row) -> list:
    return [str(value) for value in inspect(row).mapper.primary_key_from_instance(row)]


def object_name(table: str, key: list) -> str:
    return f"{table}:{'/'.join(key)}"


@functools.cache
def audit_model_of(model):
    """The service's AuditEntry: the mapped class of `audit_log` in the same declarative registry."""
    for mapper in model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == "audit_log":
            return mapper.class_
    raise LookupError(f"{model.__name__}: no audit_log in its registry")


def _apply_defaults(row, columns) -> None:
    """Python-side column defaults are normally filled during the flush, after this hook: fill them now, so the
    hash covers what is written (the flush then keeps the values set here)."""
    attributes = inspect(row).mapper.column_attrs
    for name in columns:
        column = attributes[name].columns[0]
        if getattr(row, name) is None and column.default is not None:
            default = column.default
            if default.is_scalar:
                setattr(row, name, default.arg)
            elif default.is_callable:
                setattr(row, name, default.arg(None))


def seal_existing(session, audit_model, actor: str, at: datetime) -> dict[str, int]:
    """Once, after upgrading: seal the rows written before sealing existed (verification lists them as unsealed
    until then). Each late seal is an ordinary audited entry with its reason, so it shows in the chain when it was
    made; rows sealed already are left alone. Answers table → rows sealed now."""
    from sqlalchemy import select
    sealed = {entry.object for entry in session.execute(
        select(audit_model).where(audit_model.action == SEALED)).scalars()}
    counts = {}
    for mapper in sorted(audit_model.registry.mappers, key=lambda m: m.local_table.name):
        columns = sealed_columns(mapper.class_)
        if not columns:
            continue
        table = mapper.local_table.name
        counts[table] = 0
        for row in session.execute(select(mapper.class_)).scalars():
            key = row_key(row)
            if object_name(table, key) not in sealed:
                audit.record(session, audit_model, actor, SEALED, object_name(table, key), at,
                             after={"table": table, "key": key, "columns": list(columns),
                                    "sha256": content_hash(row, columns)},
                             reason="补充封存：启用业务记录封存之前写入的记录")
                counts[table] += 1
    return counts


@event.listens_for(Session, "before_flush")
def _seal_new_rows(session, _flush_context, _instances) -> None:
    new = [row for row in session.new if getattr(type(row), "__audit_content__", None)]
    if not new:
        return
    clock = session.info.get("clock")
    at = clock.now() if clock is not None else datetime.now(timezone.utc)
    for row in new:
        columns = sealed_columns(type(row))
        _apply_defaults(row, columns)
        key = row_key(row)
        if any(part == "None" for part in key):
            raise ValueError(f"{type(row).__name__}: a sealed row needs its primary key before the flush")
        table = inspect(row).mapper.local_table.name
        audit.record(session, audit_model_of(type(row)), SEALER, SEALED, object_name(table, key), at,
                     after={"table": table, "key": key, "columns": list(columns),
                            "sha256": content_hash(row, columns)})
