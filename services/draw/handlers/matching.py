"""S2/S7 comprehensive enforcement (综合执法): targets are drawn at a preset proportion, but inspectors are
matched directly by the detachment — no inspector draw. The visit waits in a visible state until a clerk
matches it, and the matching is recorded as a matching (who, whom, why), never dressed up as a lottery; the
candidates obey the same eligibility pool a draw would freeze."""
from __future__ import annotations

from shared.errors import Conflict, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import DrawBlocked, Inspector, Matching, TeamMember
from ..adapters.pool import eligible, visit_of
from ..commands import MatchComprehensive
from ..domain.policy import DrawPolicy
from ..domain.rules import WAITING_FOR_MATCHING


def match_comprehensive(command: MatchComprehensive, uow: UnitOfWork, policy: DrawPolicy) -> Matching:
    inspection_id, chosen = command.inspection_id, list(command.inspector_ids)
    waiting = uow.get(DrawBlocked, inspection_id)
    if uow.get(Matching, inspection_id) is not None:
        raise Conflict("该检查已匹配执法人员")
    if waiting is None or waiting.reason != WAITING_FOR_MATCHING:
        raise NotFound("没有待匹配执法人员的综合执法检查")
    inspection = waiting.inspection
    visit = visit_of(inspection, policy)
    _, pool, excluded = eligible(uow.session, policy, visit)
    wrong = {i: next((e["reason"] for e in excluded if e["id"] == i), "不是本单位执法人员")
             for i in chosen if i not in pool}
    if wrong or len(set(chosen)) < policy.team_size:
        messages = [f"{i}：{why}" for i, why in wrong.items()] or [f"至少应匹配 {policy.team_size} 名执法人员"]
        raise Invalid("匹配的执法人员不符合条件", fields={"inspector_ids": messages})
    matching = Matching(inspection_id=inspection_id, inspector_ids=chosen, reason=command.reason,
                        matched_by=command.actor, matched_at=uow.now, inspection=inspection)
    uow.add(matching)
    for inspector_id in chosen:
        uow.add(TeamMember(id=new_id(), inspection_id=inspection_id, inspector_id=inspector_id,
                           visit_start=visit.start, visit_end=visit.end, via="matched", since=uow.now))
    uow.session.delete(waiting)
    uow.audit(command.actor, "inspectors.matched", f"inspection:{inspection_id}", after={"inspectors": chosen},
              reason=command.reason)
    team = [payloads.inspector(uow.get(Inspector, i)) for i in chosen]
    uow.emit("inspectors.assigned",
             payloads.inspectors_assigned(inspection, f"matching:{inspection_id}", team, matched=True),
             subject=inspection_id)
    return matching
