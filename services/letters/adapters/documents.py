"""Reading letters' documents (the handlers' repository)."""
from __future__ import annotations

from sqlalchemy import func, select

from ..domain.documents import KIND_JOINT_LETTER, sort_set
from .db import Document, Visit


def current_set(session, inspection_id: str) -> list[Document]:
    return session.execute(select(Document).where(Document.inspection_id == inspection_id,
                                                  Document.status == "current")).scalars().all()


def current_letter(session, inspection_id: str) -> Document | None:
    return session.execute(select(Document).where(Document.inspection_id == inspection_id,
                                                  Document.kind == KIND_JOINT_LETTER,
                                                  Document.status == "current")).scalar()


def of_inspection(session, inspection_id: str) -> list[Document]:
    """Every version of the visit's set, in reading order."""
    return sort_set(session.execute(select(Document).where(Document.inspection_id == inspection_id)
                                    .order_by(Document.created_at)).scalars().all())


def current(session, ids: list[str] | None = None) -> list[Document]:
    """Current documents, newest first (the portal), optionally only the given ids, in reading order."""
    query = select(Document).where(Document.status == "current").order_by(Document.created_at.desc())
    if ids is not None:
        query = query.where(Document.id.in_(ids))
    return sort_set(session.execute(query).scalars().all())


def by_code(session, code: str) -> Document | None:
    return session.execute(select(Document).where(Document.verification_code == code.upper())).scalar()


def latest_version(session, inspection_id: str) -> int:
    """The newest set version of a visit (0 before its first set)."""
    return session.execute(select(func.max(Document.version))
                           .where(Document.inspection_id == inspection_id)).scalar() or 0


def awaiting_time(session) -> list[Visit]:
    """Visits whose team is known but whose time is not fixed yet (待定检查时间), newest first."""
    return list(session.execute(select(Visit).where(Visit.inspectors.is_not(None), Visit.schedule.is_(None))
                                .order_by(Visit.updated_at.desc())).scalars())
