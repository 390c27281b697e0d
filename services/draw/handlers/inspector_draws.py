"""The verifiable inspector draw (N2–N4, design §4)."""
from __future__ import annotations

from sqlalchemy import delete, select

from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters import commitments
from ..adapters.db import DrawBlocked, DrawRecord, TeamMember
from ..adapters.draws import record_draw
from ..adapters.pool import eligible, visit_of
from ..commands import DrawInspectors
from ..domain.policy import DrawPolicy
from ..domain.rules import (
    PURPOSE_INSPECTORS,
    SUBJECT_INSPECTION,
    SYSTEM_OPERATOR,
    WAITING_FOR_MATCHING,
    is_comprehensive,
)


def draw_inspectors(command: DrawInspectors, uow: UnitOfWork, policy: DrawPolicy) -> DrawRecord | None:
    """On `inspection.ready`: freeze the eligible pool, take a pre-committed seed (plus any public numbers a
    clerk entered before), select with RFC 3797, store the public record and announce the team. One draw per
    inspection: a second attempt is refused and audited (N4: a draw cannot be silently redone). Reached from an
    event, so its refusals are records, never errors."""
    inspection = command.inspection
    inspection_id = inspection["inspection_id"]
    if existing_draw(uow.session, inspection_id) is not None:
        uow.audit(SYSTEM_OPERATOR, "draw.refused", f"inspection:{inspection_id}",
                  reason="该检查已完成人员抽取，不得重复抽取")
        return None
    if is_comprehensive(inspection):
        return _block(uow, inspection, WAITING_FOR_MATCHING)  # S7: matched by a clerk, not drawn
    visit = visit_of(inspection, policy)
    inspectors, pool, excluded = eligible(uow.session, policy, visit)
    if len(pool) < policy.team_size:
        return _block(uow, inspection, f"符合条件的执法人员仅 {len(pool)} 名，少于所需的 {policy.team_size} 名")
    record = record_draw(
        uow.session, uow.now, new_id(), policy.algorithm, subject_kind=SUBJECT_INSPECTION, subject_id=inspection_id,
        inspection_id=inspection_id, purpose=PURPOSE_INSPECTORS, pool=pool, count=policy.team_size,
        excluded=excluded, operator=SYSTEM_OPERATOR, visit_start=visit.start, inspection=inspection,
        people={i: payloads.inspector(inspectors[i]) for i in pool})
    if record is None:
        return _block(uow, inspection, "没有事先公布的随机种子承诺，无法抽取")
    for inspector_id in record.selected:
        uow.add(TeamMember(id=new_id(), inspection_id=inspection_id, inspector_id=inspector_id,
                           visit_start=visit.start, visit_end=visit.end, via="draw", since=uow.now))
    uow.session.execute(delete(DrawBlocked).where(DrawBlocked.inspection_id == inspection_id))
    uow.audit(SYSTEM_OPERATOR, "draw.made", f"draw:{record.id}", after={"inspection": inspection_id,
                                                                       "selected": record.selected})
    commitments.ensure_ahead(uow.session, uow.now, policy.commitments_ahead)
    uow.emit("inspectors.assigned", payloads.inspectors_assigned(inspection, record.id, record.inspectors),
             subject=inspection_id)
    return record


def existing_draw(session, inspection_id: str) -> DrawRecord | None:
    return session.execute(select(DrawRecord).where(DrawRecord.subject_kind == SUBJECT_INSPECTION,
                                                    DrawRecord.subject_id == inspection_id,
                                                    DrawRecord.purpose == PURPOSE_INSPECTORS)).scalar()


def _block(uow: UnitOfWork, inspection: dict, reason: str) -> None:
    """Too few eligible: the visit waits in a visible 'cannot draw' state; never a partial team."""
    inspection_id = inspection["inspection_id"]
    if uow.get(DrawBlocked, inspection_id) is None:
        uow.add(DrawBlocked(inspection_id=inspection_id, reason=reason, inspection=inspection, created_at=uow.now))
    uow.audit(SYSTEM_OPERATOR, "draw.blocked", f"inspection:{inspection_id}", reason=reason)
    return None
