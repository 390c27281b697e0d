"""S2/S7 comprehensive enforcement (综合执法): targets are drawn at a preset proportion, but inspectors are
matched directly by the detachment — no inspector draw. The visit waits in a visible state until a clerk
matches it, and the matching is recorded as a matching (who, whom, why), never dressed up as a lottery."""
from __future__ import annotations

from shared.errors import Conflict, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from .adapters.db import DrawBlocked, Inspector, Matching, TeamMember
from .pool import eligible, visit_of

MODULE = "综合执法"
WAITING = "综合执法模块：执法人员由支队直接匹配，待综合科匹配（S2、S7）"


def is_comprehensive(inspection: dict) -> bool:
    return inspection.get("plan", {}).get("module") == MODULE


def match(uow: UnitOfWork, inspection_id: str, inspector_ids: list[str], reason: str, actor: str) -> Matching:
    from .handlers import inspector_view
    session, policy = uow.session, uow.runtime.deps["policy"]
    waiting = session.get(DrawBlocked, inspection_id)
    if session.get(Matching, inspection_id) is not None:
        raise Conflict("该检查已匹配执法人员")
    if waiting is None or waiting.reason != WAITING:
        raise NotFound("没有待匹配执法人员的综合执法检查")
    inspection = waiting.inspection
    inspectors, pool, excluded = eligible(session, policy, visit_of(inspection, policy))
    wrong = {i: next((e["reason"] for e in excluded if e["id"] == i), "不是本单位执法人员")
             for i in inspector_ids if i not in pool}
    if wrong or len(set(inspector_ids)) < policy.team_size:
        messages = [f"{i}：{why}" for i, why in wrong.items()] or [f"至少应匹配 {policy.team_size} 名执法人员（N2）"]
        raise Invalid("匹配的执法人员不符合条件", fields={"inspector_ids": messages})
    visit = visit_of(inspection, policy)
    matching = Matching(inspection_id=inspection_id, inspector_ids=inspector_ids, reason=reason, matched_by=actor,
                        matched_at=uow.now, inspection=inspection)
    session.add(matching)
    for inspector_id in inspector_ids:
        session.add(TeamMember(id=new_id(), inspection_id=inspection_id, inspector_id=inspector_id,
                               visit_start=visit.start, visit_end=visit.end, via="matched", since=uow.now))
    session.delete(waiting)
    uow.audit(actor, "inspectors.matched", f"inspection:{inspection_id}", after={"inspectors": inspector_ids},
              reason=reason)
    team = [inspector_view(session.get(Inspector, i)) for i in inspector_ids]
    uow.emit("inspectors.assigned", {"inspection_id": inspection_id, "draw_id": f"matching:{inspection_id}",
                                     "matched": True, "inspectors": team, "inspection": inspection},
             subject=inspection_id)
    return matching
