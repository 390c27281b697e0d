"""Documents waiting for their PDF, and storing rendered PDFs (issue 15): the database side of rendering after issue.

A document is issued without its file; `claim` finds the sets still waiting — on PostgreSQL with
`FOR UPDATE SKIP LOCKED`, so several letters workers render different sets — and `store` writes the PDFs with
`ON CONFLICT DO NOTHING`, so a set rendered twice at once (the loop and an impatient reader) is stored once."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Collection

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from ..domain.documents import SET
from .db import Document, DocumentFile, RenderedBatch

KIND_ORDER = {kind: n for n, (kind, _label) in enumerate(SET)}
BATCHES_KEPT = 50  # batch prints kept for reprinting; older ones are rendered again if asked for


@dataclass(frozen=True)
class PendingSet:
    """One visit's documents of one version that have no PDF yet, in the set's order."""
    inspection_id: str
    version: int
    document_ids: tuple[str, ...]
    contents: tuple[dict, ...]

    @property
    def key(self) -> tuple[str, int]:
        return self.inspection_id, self.version


def content_hash(content, assets: dict, version: str) -> str:
    """sha256 of the canonical content, the assets it names (a seal) and the renderer's version."""
    digest = hashlib.sha256(version.encode())
    digest.update(json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
    for name, (body, _type) in sorted(assets.items()):
        digest.update(name.encode() + hashlib.sha256(body).digest())
    return digest.hexdigest()


def _waiting():
    return ~exists().where(DocumentFile.document_id == Document.id)


def _sets(rows) -> list[PendingSet]:
    groups: dict[tuple[str, int], list] = {}
    for row in rows:
        groups.setdefault((row.inspection_id, row.version), []).append(row)
    return [PendingSet(inspection_id, version, tuple(r.id for r in members), tuple(r.content for r in members))
            for (inspection_id, version), members in
            ((key, sorted(group, key=lambda r: KIND_ORDER.get(r.kind, len(SET)))) for key, group in groups.items())]


def claim(session, sets: int, backing_off: Collection[str] = (), lock: bool = False) -> list[PendingSet]:
    """Up to `sets` waiting sets, oldest first, skipping the inspections `backing_off` (they failed lately).
    `lock` (PostgreSQL): the rows stay locked until the caller commits and other workers skip them. The last set
    may have been cut by the LIMIT: it is left for the next round unless it is the only one."""
    query = (select(Document.id, Document.inspection_id, Document.version, Document.kind, Document.content)
             .where(_waiting()).order_by(Document.created_at, Document.inspection_id, Document.version)
             .limit(sets * len(SET)))
    if backing_off:
        query = query.where(Document.inspection_id.not_in(list(backing_off)))
    if lock:
        query = query.with_for_update(skip_locked=True, of=Document)
    found = _sets(session.execute(query).all())
    if len(found) > 1 and len(found[-1].document_ids) < len(SET):
        found.pop()
    return found


def waiting_set_of(session, document: Document, lock: bool = False) -> PendingSet | None:
    """The waiting documents of `document`'s set (on demand); `lock` waits for a render loop holding them."""
    query = (select(Document.id, Document.inspection_id, Document.version, Document.kind, Document.content)
             .where(_waiting(), Document.inspection_id == document.inspection_id,
                    Document.version == document.version))
    if lock:
        query = query.with_for_update(of=Document)
    found = _sets(session.execute(query).all())
    return found[0] if found else None


def rendered(session, hashes: Collection[str]) -> dict[str, bytes]:
    """Stored PDFs by content hash: an identical document rendered before is not rendered again."""
    if not hashes:
        return {}
    rows = session.execute(select(DocumentFile.content_hash, DocumentFile.pdf)
                           .where(DocumentFile.content_hash.in_(list(hashes))))
    return {h: pdf for h, pdf in rows}


def _insert(session, model):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def store(session, document_ids, pdfs, hashes, now: datetime) -> None:
    rows = [{"document_id": d, "pdf": p, "content_hash": h, "rendered_at": now}
            for d, p, h in zip(document_ids, pdfs, hashes)]
    if rows:
        session.execute(_insert(session, DocumentFile).on_conflict_do_nothing(), rows)


def pdf_of(session, document_id: str) -> bytes | None:
    return session.execute(select(DocumentFile.pdf).where(DocumentFile.document_id == document_id)).scalar()


def cached_batch(session, key: str) -> bytes | None:
    return session.execute(select(RenderedBatch.pdf).where(RenderedBatch.content_hash == key)).scalar()


def store_batch(session, key: str, pdf: bytes, now: datetime) -> None:
    """Keep the batch, and only the newest BATCHES_KEPT of them."""
    session.execute(_insert(session, RenderedBatch).on_conflict_do_nothing(),
                    [{"content_hash": key, "pdf": pdf, "rendered_at": now}])
    oldest_kept = (select(RenderedBatch.rendered_at).order_by(RenderedBatch.rendered_at.desc())
                   .offset(BATCHES_KEPT).limit(1).scalar_subquery())
    session.execute(delete(RenderedBatch).where(RenderedBatch.rendered_at <= oldest_kept))
