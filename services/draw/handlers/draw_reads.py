"""Reads of the public draw records (N4): every draw is public, names only for authorised roles, the team
itself, or from the visit date on; any record can be recomputed from what is published."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from shared.auth import Principal
from shared.errors import found
from shared.schemas import page_of
from shared.uow import UnitOfWork

from ..adapters.db import DrawRecord, SeedCommitment
from ..adapters.schedules import fixed_visit_day
from ..domain.verifiable import public_record, verify_record
from ..queries import GetDraw, ListDraws, ListSeedCommitments, VerifyDraw

PRIVILEGED = ("clerk", "approver", "admin")


@dataclass(frozen=True)
class DrawVerification:
    draw_id: str
    verified: bool
    problems: list
    record: dict


def may_see_names(record: DrawRecord, viewer: Principal | None, today, visit_day=None) -> bool:
    """N4: the drawn list is confidential until the visit date, except to clerks and the team itself. The visit date
    is the fixed visit time's day once set (`visit_day`), the window's start until then."""
    if viewer and viewer.role in PRIVILEGED:
        return True
    if viewer and viewer.role == "inspector" and viewer.subject in record.selected:
        return True
    return today >= (visit_day or record.visit_start)


def shown(uow: UnitOfWork, record: DrawRecord, viewer: Principal | None) -> dict:
    """The record as this viewer may see it, for the API and the public page alike."""
    visit_day = fixed_visit_day(uow.session, record.inspection_id, uow.clock.tz)
    return public_record(record, uow.get(SeedCommitment, record.commitment_id),
                         may_see_names(record, viewer, uow.today(), visit_day))


def list_draws(query: ListDraws, uow: UnitOfWork) -> tuple[list[dict], int]:
    """Every draw is public (N4), newest first."""
    rows, total = page_of(select(DrawRecord).order_by(DrawRecord.created_at.desc(), DrawRecord.id),
                          query.page, query.per_page, uow.session)
    return [shown(uow, r, query.viewer) for r in rows], total


def get_draw(query: GetDraw, uow: UnitOfWork) -> dict:
    return shown(uow, found(uow.get(DrawRecord, query.draw_id), "抽取记录不存在"), query.viewer)


def verify_draw(query: VerifyDraw, uow: UnitOfWork) -> DrawVerification:
    """Recompute the selection from the public record alone, as any third party can (also `draw verify`)."""
    record = get_draw(GetDraw(query.draw_id, query.viewer), uow)
    verified, problems = verify_record(record)
    return DrawVerification(draw_id=query.draw_id, verified=verified, problems=problems, record=record)


def list_seed_commitments(query: ListSeedCommitments, uow: UnitOfWork) -> list[SeedCommitment]:
    """Published before use: hashes of the seeds future draws will take; seeds revealed once used."""
    return uow.session.execute(select(SeedCommitment).order_by(SeedCommitment.id.desc())
                               .limit(query.limit)).scalars().all()
