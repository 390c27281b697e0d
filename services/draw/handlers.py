"""draw's use cases: the verifiable inspector draw (N2–N4, design §4)."""
from __future__ import annotations

from sqlalchemy import select

from shared import rfc3797
from shared.clock import iso
from shared.events import Event
from shared.ids import new_id
from shared.uow import UnitOfWork

from . import commitments
from .adapters.db import DrawBlocked, DrawRecord, Inspector, PublicNumbers, TeamMember
from .domain.policy import DrawPolicy
from .matching import WAITING, is_comprehensive
from .pool import eligible, visit_of

PURPOSE_INSPECTORS = "inspectors"
SYSTEM_OPERATOR = "system:draw"


def draw_inspectors(event: Event, uow: UnitOfWork) -> None:
    """On `inspection.ready`: freeze the eligible pool, take a pre-committed seed (plus any public numbers a
    clerk entered before), select with RFC 3797, store the public record and announce the team. One draw per
    inspection and purpose: a second attempt is refused and audited (N4: a draw cannot be silently redone)."""
    policy: DrawPolicy = uow.runtime.deps["policy"]
    inspection = event.data
    inspection_id = inspection["inspection_id"]
    session = uow.session
    if _existing(session, inspection_id) is not None:
        uow.audit(SYSTEM_OPERATOR, "draw.refused", f"inspection:{inspection_id}",
                  reason="该检查已完成人员抽取，不得重复抽取（N4）")
        return
    if is_comprehensive(inspection):
        return _block(uow, inspection, WAITING)  # S7: matched by a clerk, not drawn
    visit = visit_of(inspection, policy)
    inspectors, pool, excluded = eligible(session, policy, visit)
    if len(pool) < policy.team_size:
        return _block(uow, inspection, f"符合条件的执法人员仅 {len(pool)} 名，少于所需的 {policy.team_size} 名")
    draw_id = new_id()
    commitment = commitments.take(session, uow.now, draw_id)
    if commitment is None:
        return _block(uow, inspection, "没有事先公布的随机种子承诺，无法抽取")
    sources = [[commitment.seed], *public_numbers_before(session, uow.now)]
    key = rfc3797.make_key(sources)
    selected = rfc3797.select(pool, policy.team_size, key, policy.algorithm)
    team = [inspector_view(inspectors[i]) for i in selected]
    session.add(DrawRecord(
        id=draw_id, inspection_id=inspection_id, purpose=PURPOSE_INSPECTORS, algorithm=policy.algorithm,
        sources=sources, key=key, pool=pool, pool_hash=rfc3797.pool_hash(pool, policy.algorithm),
        excluded=excluded, count=policy.team_size, selected=selected, commitment_id=commitment.id,
        operator=SYSTEM_OPERATOR, visit_start=visit.start, inspectors=team, inspection=inspection,
        created_at=uow.now))
    for inspector_id in selected:
        session.add(TeamMember(id=new_id(), inspection_id=inspection_id, inspector_id=inspector_id,
                               visit_start=visit.start, visit_end=visit.end, via="draw", since=uow.now))
    session.query(DrawBlocked).filter_by(inspection_id=inspection_id).delete()
    uow.audit(SYSTEM_OPERATOR, "draw.made", f"draw:{draw_id}", after={"inspection": inspection_id,
                                                                     "selected": selected})
    commitments.ensure_ahead(session, uow.now, policy.commitments_ahead)
    uow.emit("inspectors.assigned", {"inspection_id": inspection_id, "draw_id": draw_id, "inspectors": team,
                                     "inspection": inspection}, subject=inspection_id)


def public_numbers_before(session, moment) -> list[list[int]]:
    """The latest public numbers entered before this draw began (design §4: public sources beside the seed)."""
    latest = session.execute(select(PublicNumbers).where(PublicNumbers.entered_at < moment)
                             .order_by(PublicNumbers.id.desc()).limit(1)).scalar()
    return [latest.numbers] if latest else []


def _existing(session, inspection_id: str) -> DrawRecord | None:
    return session.execute(select(DrawRecord).where(DrawRecord.inspection_id == inspection_id,
                                                    DrawRecord.purpose == PURPOSE_INSPECTORS)).scalar()


def _block(uow: UnitOfWork, inspection: dict, reason: str) -> None:
    """Too few eligible: the visit waits in a visible 'cannot draw' state; never a partial team."""
    inspection_id = inspection["inspection_id"]
    if uow.session.get(DrawBlocked, inspection_id) is None:
        uow.session.add(DrawBlocked(inspection_id=inspection_id, reason=reason, inspection=inspection,
                                    created_at=uow.now))
    uow.audit(SYSTEM_OPERATOR, "draw.blocked", f"inspection:{inspection_id}", reason=reason)


def inspector_view(inspector: Inspector) -> dict:
    return {"id": inspector.id, "name": inspector.name, "certificate_no": inspector.certificate_no,
            "department": inspector.department_code, "department_name": inspector.department_name,
            "unit": inspector.unit}


def public_record(record: DrawRecord, commitment, show_names: bool) -> dict:
    """The ⚑ public record (design §4); names only for authorised roles or after the visit date (N4)."""
    body = {
        "id": record.id, "inspection_id": record.inspection_id, "purpose": record.purpose,
        "algorithm": record.algorithm, "sources": record.sources, "key": record.key, "pool": record.pool,
        "pool_hash": record.pool_hash, "excluded": record.excluded, "count": record.count,
        "selected": record.selected, "operator": record.operator, "created_at": iso(record.created_at),
        "commitment": {"id": commitment.id, "seed_hash": commitment.seed_hash,
                       "committed_at": iso(commitment.committed_at), "seed": commitment.seed},
        "visit_start": record.visit_start.isoformat(),
    }
    if show_names:
        body["inspectors"] = record.inspectors
    return body


def verify_record(record: dict) -> tuple[bool, list[str]]:
    """RFC 3797 re-computation plus the commitment: the seed in `sources` must hash to the published
    commitment, made before the draw."""
    ok, problems = rfc3797.verify(record)
    commitment = record.get("commitment") or {}
    seed = commitment.get("seed")
    if seed is None or [seed] != record["sources"][0]:
        problems.append("the first source is not the committed seed")
    elif commitments.seed_hash(seed) != commitment.get("seed_hash"):
        problems.append("the committed seed does not match its published hash")
    if commitment.get("committed_at", "") >= record.get("created_at", ""):
        problems.append("the seed was not committed before the draw")
    return not problems, problems
