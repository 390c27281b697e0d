"""Reading letters' documents (the handlers' repository)."""
from __future__ import annotations

from sqlalchemy import exists, false, func, select, true
from sqlalchemy.dialects.postgresql import JSONB

from shared.schemas import page_of

from ..domain.documents import KIND_JOINT_LETTER, STAFF, sort_set
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


def current_sets(session, readable, page: int, per_page: int) -> tuple[list[Document], int]:
    """(documents, number of sets): a page of the current sets that pass `readable` (see `readable_by`), newest
    first, each set whole and in reading order. Paged by the set's letter — one per visit — in SQL, so a page costs
    a page however many documents there are (issue 15)."""
    letters = (select(Document).outerjoin(Visit, Visit.inspection_id == Document.inspection_id)
               .where(Document.status == "current", Document.kind == KIND_JOINT_LETTER, readable)
               .order_by(Document.created_at.desc(), Document.id.desc()))
    page_letters, total = page_of(letters, page, per_page, session)
    order = {letter.inspection_id: n for n, letter in enumerate(page_letters)}
    members = (select(Document).outerjoin(Visit, Visit.inspection_id == Document.inspection_id)
               .where(Document.status == "current", Document.inspection_id.in_(list(order)), readable))
    rows = sort_set(session.execute(members).scalars().all())
    return sorted(rows, key=lambda d: order[d.inspection_id]), total


def readable_by(session, role: str, subject: str, department: str | None):
    """N4 (`domain.documents.may_see`) as SQL over Document outer-joined to Visit: staff read every set, an
    inspector their own team's, a department the visits it takes part in (as the Visit row's inspection says, else
    as the letter does). JSON membership has no portable SQL, hence one spelling per dialect."""
    if role in STAFF:
        return true()
    if role == "inspector":
        return _json_lists(session, Document.inspector_ids, subject)
    if role == "department" and department:
        return _json_lists(session, func.coalesce(Visit.inspection, Document.content), {"code": department},
                           "departments")
    return false()


def _json_lists(session, document, element, key: str | None = None):
    """The JSON array `document` (or its member `key`) holds `element` (a string, or an object's listed keys)."""
    if session.get_bind().dialect.name == "postgresql":
        array = document.cast(JSONB)
        return (array[key] if key else array).contains([element])
    each = (func.json_each(document, f"$.{key}") if key else func.json_each(document)).table_valued("value")
    if isinstance(element, dict):
        return exists().select_from(each).where(
            *(func.json_extract(each.c.value, f"$.{name}") == value for name, value in element.items()))
    return exists().select_from(each).where(each.c.value == element)


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
