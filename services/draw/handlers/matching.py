"""S2/S7 comprehensive enforcement (综合执法): targets are drawn at a preset proportion, but inspectors are
matched directly by the detachment — no inspector draw. The visit waits in a visible state until the detachment
(or a clerk) matches it, and the matching is recorded as a matching (who, whom, why), never dressed up as a lottery; the
candidates obey the same eligibility pool a draw would freeze."""
from __future__ import annotations

from shared.errors import Conflict, Invalid, NotFound
from shared.uow import UnitOfWork

from ..adapters.db import Matching
from ..adapters.parts import DepartmentPart, TeamAssembly
from ..adapters.pool import eligible, visit_of
from ..commands import MatchComprehensive
from ..domain import staffing as s
from ..domain.policy import DrawPolicy
from .inspector_draws import complete_if_ready, complete_part, parts_of


def match_comprehensive(command: MatchComprehensive, uow: UnitOfWork, policy: DrawPolicy) -> Matching:
    """Every department part waiting for a matching is matched at once: each gets its own officers (at least
    the team size, N2) from its own library's eligible pool."""
    inspection_id, chosen = command.inspection_id, list(dict.fromkeys(command.inspector_ids))
    if uow.get(Matching, inspection_id) is not None:
        raise Conflict("该检查已匹配执法人员")
    assembly = uow.get(TeamAssembly, inspection_id)
    waiting = [p for p in parts_of(uow.session, inspection_id) if p.staffing == s.MATCH
               and p.status != s.COMPLETE] if assembly else []
    if not waiting:
        raise NotFound("没有待匹配执法人员的综合执法检查")
    inspection = assembly.inspection
    pools = {p.department: _pool(uow, policy, inspection, p) for p in waiting}
    by_part = {d: [i for i in chosen if i in pool] for d, (pool, _) in pools.items()}
    wrong = {i: next((e["reason"] for _, excluded in pools.values() for e in excluded if e["id"] == i),
                     "不是参与部门的执法人员") for i in chosen if not any(i in ids for ids in by_part.values())}
    short = [p for p in waiting if len(by_part[p.department]) < policy.team_size]
    if wrong or short:
        messages = [f"{i}：{why}" for i, why in wrong.items()] or \
            [f"{p.department_name}至少应匹配 {policy.team_size} 名执法人员" for p in short]
        raise Invalid("匹配的执法人员不符合条件", fields={"inspector_ids": messages})
    matching = Matching(inspection_id=inspection_id, inspector_ids=chosen, reason=command.reason,
                        matched_by=command.actor, matched_at=uow.now, inspection=inspection)
    uow.add(matching)
    for part in waiting:
        complete_part(uow, part, "match", by_part[part.department], command.actor,
                      visit_of(inspection, policy, part.department))
    uow.audit(command.actor, "inspectors.matched", f"inspection:{inspection_id}", after={"inspectors": chosen},
              reason=command.reason)
    complete_if_ready(uow, assembly)
    return matching


def _pool(uow: UnitOfWork, policy: DrawPolicy, inspection: dict, part: DepartmentPart) -> tuple[list, list]:
    pool, excluded = eligible(uow.session, policy, visit_of(inspection, policy, part.department),
                              department=part.department)
    return pool, excluded
