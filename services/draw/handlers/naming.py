"""A department that keeps its officers in its own system names its part of a visit's team (匹配, as Shandong's
joint plans do) by a deadline (DRAW_NAMING_DAYS after `inspection.ready`). The certificate numbers are checked
(N2), the naming is recorded as 匹配 — never dressed up as a draw — and audited. A department past its deadline is
shown to the clerk and listed for the reports; the visit waits for it, never leaving one-sided (N5)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from shared.clock import utc
from shared.errors import Conflict, Forbidden, Invalid, NotFound, found
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import DeclaredInterest, Inspector
from ..adapters.parts import DepartmentPart, TeamAssembly
from ..adapters.pool import visit_of
from ..commands import NameOfficers
from ..domain import staffing as s
from ..domain.policy import DrawPolicy
from ..queries import GetTeamParts, ListBlocked, ListMissingParts, ListNamingTasks
from .inspector_draws import complete_if_ready, complete_part, parts_of

NAMING_ROLES = ("department", "clerk", "admin")  # a clerk may record what a department sent on paper


@dataclass(frozen=True)
class PendingPart:
    """A department part whose officers are missing, with its visit and whether its naming deadline passed."""
    part: DepartmentPart
    inspection: dict
    overdue: bool

    @property
    def reason(self) -> str:
        return self.part.reason or ""


def name_officers(command: NameOfficers, uow: UnitOfWork, policy: DrawPolicy) -> DepartmentPart:
    ensure_may_name(command.actor_role, command.actor_department, command.department)
    return name_part(command, uow, policy, uow.refuse)


def name_part(command: NameOfficers, uow: UnitOfWork, policy: DrawPolicy, keep_refusal) -> DepartmentPart:
    """Every refusal is raised before anything is written, so a batch item that fails leaves nothing behind.
    `keep_refusal(record)` keeps what a refusal leaves on file: `uow.refuse` for one visit (the whole unit of work
    rolls back), the record written at once in a batch (the other items commit)."""
    part = _part(uow, command)
    if part.status == s.COMPLETE:
        keep_refusal(lambda u: u.audit(command.actor, "inspectors.naming_refused", f"inspection:{part.inspection_id}",
                                       after={"department": part.department}, reason="该部门已指派执法人员"))
        raise Conflict("该部门已指派执法人员；如需更换，请提出更换申请", code="already_named")
    assembly = uow.get(TeamAssembly, part.inspection_id)
    visit = visit_of(assembly.inspection, policy, part.department)
    officers = [s.NamedOfficer(str(o.get("name") or "").strip(), str(o.get("certificate_no") or "").strip(),
                               o.get("certificate_expiry"), str(o.get("unit") or "").strip())
                for o in command.officers]
    problems = s.named_problems(officers, policy.team_size, visit.start) or \
        _identity_problems(uow, part, officers, visit.company_uscc)
    if problems:
        raise Invalid("指派的执法人员不符合条件", fields={"officers": problems})
    ids = [_officer(uow, part, officer, command.actor).id for officer in officers]
    late = _overdue(part, uow.now)
    complete_part(uow, part, "named", ids, command.actor, visit)
    uow.audit(command.actor, "inspectors.named", f"inspection:{part.inspection_id}",
              after={"department": part.department, "inspectors": ids, "late": late},
              reason="部门指派执法人员（匹配）" + ("，已超过指派期限" if late else ""))
    complete_if_ready(uow, assembly)
    return part


def ensure_may_name(role: str, actor_department: str | None, department: str) -> None:
    if role not in NAMING_ROLES:
        raise Forbidden("无权指派执法人员")
    if role == "department" and actor_department != department:
        raise Forbidden("只能为本部门指派执法人员")


def _part(uow: UnitOfWork, command: NameOfficers) -> DepartmentPart:
    part = uow.session.execute(select(DepartmentPart).where(DepartmentPart.inspection_id == command.inspection_id,
                                                            DepartmentPart.department == command.department)).scalar()
    if part is None:
        raise NotFound("该检查没有此部门参与")
    if part.staffing != s.NAMED:
        raise Conflict("该部门的执法人员由平台人员库抽取或由支队匹配，不由部门指派", code="not_named")
    return part


def _identity_problems(uow: UnitOfWork, part: DepartmentPart, officers: list[s.NamedOfficer],
                       company_uscc: str) -> list[str]:
    """A certificate number already registered belongs to that officer: it must be this department's, with no
    declared interest in the company (N3)."""
    problems = []
    for officer in officers:
        known = _by_certificate(uow, officer.certificate_no)
        if known is None:
            continue
        if known.department_code != part.department:
            problems.append(f"执法证号 {officer.certificate_no} 已登记为其他部门的执法人员")
        elif uow.session.execute(select(DeclaredInterest.id).where(DeclaredInterest.inspector_id == known.id,
                                                                   DeclaredInterest.company_uscc == company_uscc)
                                 ).first():
            problems.append(f"{officer.name}与被检查单位存在利害关系，依法回避")
    return problems


def _by_certificate(uow: UnitOfWork, certificate_no: str) -> Inspector | None:
    return uow.session.execute(select(Inspector).where(Inspector.certificate_no == certificate_no)).scalar()


def _officer(uow: UnitOfWork, part: DepartmentPart, officer: s.NamedOfficer, actor: str) -> Inspector:
    """The named officer's record (kept so the team, the letter and the field record can show them); the same
    certificate named again is the same officer."""
    known = _by_certificate(uow, officer.certificate_no)
    if known is not None:
        return known
    inspector = Inspector(id=new_id(), name=officer.name, department_code=part.department,
                          department_name=part.department_name, unit=officer.unit or part.department_name,
                          certificate_no=officer.certificate_no, certificate_expiry=officer.certificate_expiry,
                          jurisdiction="", expertise=[], source=s.NAMED)
    uow.add(inspector)
    uow.session.flush()
    uow.audit(actor, "inspector.named", f"inspector:{inspector.id}",
              after={"name": officer.name, "certificate_no": officer.certificate_no,
                     "department": part.department})
    return inspector


def _pending(uow: UnitOfWork, query) -> list[PendingPart]:
    rows = uow.session.execute(query.join(TeamAssembly, TeamAssembly.inspection_id == DepartmentPart.inspection_id)
                               .where(DepartmentPart.status != s.COMPLETE)
                               .order_by(DepartmentPart.created_at, DepartmentPart.position)).all()
    now = uow.now
    return [PendingPart(part, assembly.inspection, _overdue(part, now)) for part, assembly in rows]


def _overdue(part: DepartmentPart, now) -> bool:
    return part.naming_due is not None and utc(now) > utc(part.naming_due)


def list_blocked(query: ListBlocked, uow: UnitOfWork) -> list[PendingPart]:
    return _pending(uow, select(DepartmentPart, TeamAssembly))


def list_missing_parts(query: ListMissingParts, uow: UnitOfWork) -> list[PendingPart]:
    """Departments past their naming deadline, oldest first: what the reports name as not provided."""
    return [p for p in _pending(uow, select(DepartmentPart, TeamAssembly)
                                .where(DepartmentPart.staffing == s.NAMED)) if p.overdue]


def list_naming_tasks(query: ListNamingTasks, uow: UnitOfWork) -> list[PendingPart]:
    return _pending(uow, select(DepartmentPart, TeamAssembly).where(DepartmentPart.staffing == s.NAMED,
                                                                    DepartmentPart.department == query.department))


def get_team_parts(query: GetTeamParts, uow: UnitOfWork) -> list[DepartmentPart]:
    found(uow.get(TeamAssembly, query.inspection_id), "没有该检查的人员抽取记录")
    return parts_of(uow.session, query.inspection_id)
