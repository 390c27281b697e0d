"""Reads of the public draw records (N4, issue 13): every draw is listed publicly, but before its visit's fixed time
the public sees only the sealed form (domain/disclosure.py) — no company, no officer id or name, no seed; staff, the
team and the drawn department see it all. From the visit's time on any record can be recomputed from what is
published."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from shared.auth import Principal
from shared.errors import found
from shared.schemas import page_of
from shared.uow import UnitOfWork

from ..adapters.db import DrawRecord, SeedCommitment, TargetDraw
from ..adapters.schedules import VisitSchedule, plan_visit_times
from ..domain.disclosure import SEALED, STAFF, last_visit_at, level_for, public_record, visit_over
from ..domain.rules import SUBJECT_TARGET_DRAW
from ..domain.verifiable import commitment_record, verify_record
from ..queries import GetDraw, ListDraws, ListSeedCommitments, VerifyDraw


@dataclass(frozen=True)
class DrawVerification:
    draw_id: str
    verified: bool
    problems: list
    record: dict


@dataclass(frozen=True)
class Disclosure:
    """How much of one draw a viewer sees now, and the visit time that decides it (None: not fixed yet)."""
    level: str
    visit_at: datetime | None


def disclosure(uow: UnitOfWork, record: DrawRecord, viewer: Principal | None, cache: dict | None = None) -> Disclosure:
    """The visit time of an inspector draw is its visit's fixed time; of a target draw's stratum, the time the
    last drawn company of the plan is visited (`cache` keeps that per target draw for a listing)."""
    if record.subject_kind == SUBJECT_TARGET_DRAW:
        cache = {} if cache is None else cache
        if record.subject_id not in cache:
            cache[record.subject_id] = target_draw_visited_at(uow, uow.get(TargetDraw, record.subject_id))
        visit_at, team = cache[record.subject_id], set()
    else:
        schedule = uow.get(VisitSchedule, record.inspection_id) if record.inspection_id else None
        visit_at = schedule.scheduled_at if schedule else None
        team = set(record.selected) | {p["id"] for p in (schedule.team if schedule else [])}
    level = level_for(viewer, department=record.department, team=team, visit_over=visit_over(visit_at, uow.now))
    return Disclosure(level, visit_at)


def target_draw_visited_at(uow: UnitOfWork, target_draw: TargetDraw | None):
    if target_draw is None:  # a stratum's target draw is stored with it; without it, nothing is disclosed
        return None
    return last_visit_at(plan_visit_times(uow.session, target_draw.plan_id), {t["uscc"] for t in target_draw.targets})


def shown(uow: UnitOfWork, record: DrawRecord, viewer: Principal | None, cache: dict | None = None) -> dict:
    """The record as this viewer may see it now, for the API and the public pages alike."""
    seen = disclosure(uow, record, viewer, cache)
    return public_record(record, uow.get(SeedCommitment, record.commitment_id), seen.level, seen.visit_at)


def list_draws(query: ListDraws, uow: UnitOfWork) -> tuple[list[dict], int]:
    """Every draw is listed (N4), newest first, each as this viewer may see it."""
    rows, total = page_of(select(DrawRecord).order_by(DrawRecord.created_at.desc(), DrawRecord.id),
                          query.page, query.per_page, uow.session)
    cache: dict = {}
    return [shown(uow, r, query.viewer, cache) for r in rows], total


def get_draw(query: GetDraw, uow: UnitOfWork) -> dict:
    return shown(uow, found(uow.get(DrawRecord, query.draw_id), "抽取记录不存在"), query.viewer)


def verify_draw(query: VerifyDraw, uow: UnitOfWork) -> DrawVerification:
    """Recompute the selection from the full record (also `draw verify`); the answer carries the record as this
    viewer may see it, so a sealed draw says it verifies without showing what it drew."""
    record = found(uow.get(DrawRecord, query.draw_id), "抽取记录不存在")
    full = public_record(record, uow.get(SeedCommitment, record.commitment_id), STAFF)
    verified, problems = verify_record(full)
    return DrawVerification(draw_id=query.draw_id, verified=verified, problems=problems,
                            record=shown(uow, record, query.viewer))


def list_seed_commitments(query: ListSeedCommitments, uow: UnitOfWork) -> list[dict]:
    """Published before use: hashes of the seeds future draws will take. A used seed is shown once its draw may be
    seen by this viewer (N4: with the seed and a guessed pool the team could be recomputed before the visit)."""
    rows = uow.session.execute(select(SeedCommitment).order_by(SeedCommitment.id.desc())
                               .limit(query.limit)).scalars().all()
    cache: dict = {}
    return [_commitment_shown(uow, row, query.viewer, cache) for row in rows]


def _commitment_shown(uow: UnitOfWork, commitment: SeedCommitment, viewer, cache: dict) -> dict:
    body = commitment_record(commitment)
    record = uow.get(DrawRecord, commitment.used_by) if commitment.used_by else None
    if record is None or disclosure(uow, record, viewer, cache).level == SEALED:
        body.pop("seed", None)
    body["used_by"] = commitment.used_by
    return body


@dataclass(frozen=True)
class Seen:
    """A stored row and whether this viewer sees it only sealed (its companies or officers withheld, N4)."""
    row: object
    sealed: bool


def target_draw_seen(uow: UnitOfWork, target_draw: TargetDraw, viewer: Principal | None) -> Seen:
    """Staff see a target draw's companies at once; the public once every drawn company has been visited."""
    level = level_for(viewer, department=None, team=set(),
                      visit_over=visit_over(target_draw_visited_at(uow, target_draw), uow.now))
    return Seen(target_draw, level == SEALED)


def matching_seen(uow: UnitOfWork, matching, viewer: Principal | None) -> Seen:
    """A direct matching (S7) names its officers and its visit like a draw does: from the visit's time on."""
    schedule = uow.get(VisitSchedule, matching.inspection_id)
    visit_at = schedule.scheduled_at if schedule else None
    level = level_for(viewer, department=None, team=set(matching.inspector_ids),
                      visit_over=visit_over(visit_at, uow.now))
    return Seen(matching, level == SEALED)
