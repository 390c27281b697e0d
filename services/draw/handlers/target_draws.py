"""Target draw for a plan (S6, S7, N6): strata by class × credit class, a quota per stratum, the same verifiable
two-phase draw per stratum (issue 13); the drawn companies become inspections in intake (`targets.drawn`)."""
from __future__ import annotations

from sqlalchemy import func, select

from shared.errors import Conflict, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters import commitments
from ..adapters.db import DrawRecord, Filing, Inspector, Target, TargetDraw
from ..commands import DrawTargets
from ..domain.policy import DrawPolicy
from ..domain.quota import QuotaRule, quota
from ..domain.rules import SUBJECT_TARGET_DRAW
from .inspector_draws import publish_commitment


def draw_targets(command: DrawTargets, uow: UnitOfWork, policy: DrawPolicy) -> TargetDraw:
    """Once per plan and period (S6, N4): a second attempt is refused, and the refusal is on file. Phase one
    (issue 13): each stratum's seed is committed and its pool frozen now (`draw.committed`); the companies are drawn
    when public randomness drawn after that is entered (`stratum_drawn`), and `targets.drawn` goes out then."""
    plan_id, actor = command.plan_id, command.actor
    if uow.session.execute(select(TargetDraw).where(TargetDraw.plan_id == plan_id,
                                                    TargetDraw.period == command.period)).scalar() is not None:
        uow.refuse(lambda u: u.audit(actor, "target_draw.refused", f"plan:{plan_id}",
                                     reason="该计划本期已抽取检查对象"))
        raise Conflict("该计划本期已抽取检查对象，不得重复抽取", code="already_drawn")
    rules = [dict(rule) for rule in command.rules]
    officers = on_duty_officers(uow.session, policy, int(command.period[:4]))
    target_draw = TargetDraw(id=new_id(), plan_id=plan_id, period=command.period, library=command.library,
                             rules=rules, on_duty_officers=officers, items=list(command.items), strata=[],
                             targets=[], operator=actor, created_at=uow.now)
    uow.add(target_draw)
    for rule in rules:
        _commit_stratum(uow, target_draw, QuotaRule(**rule), officers, policy)
    if not any(entry["commitment_id"] for entry in target_draw.strata):
        raise Invalid("按当前规则没有可抽取的检查对象", fields={"rules": ["各分层均为空"]})
    uow.audit(actor, "target_draw.committed", f"target_draw:{target_draw.id}",
              after={"plan": target_draw.plan_id, "strata": len(target_draw.strata)})
    return target_draw


def stratum_drawn(uow: UnitOfWork, policy: DrawPolicy, record: DrawRecord, commitment) -> None:
    """Phase two for one stratum: its companies join the target draw; when every stratum is drawn, intake is
    told (`targets.drawn`)."""
    target_draw = uow.get(TargetDraw, record.subject_id)
    companies = (commitment.context or {}).get("companies") or {}
    label = record.purpose.removeprefix("targets:")
    target_draw.strata = [{**entry, "draw_id": record.id} if entry.get("commitment_id") == commitment.id else entry
                          for entry in target_draw.strata]
    target_draw.targets = target_draw.targets + [
        {"uscc": u, "name": companies.get(u, {}).get("name", ""), "address": companies.get(u, {}).get("address", ""),
         "stratum": label, "draw_id": record.id} for u in record.selected]
    if waiting_for_randomness(target_draw):
        return
    uow.audit(target_draw.operator, "target_draw.made", f"target_draw:{target_draw.id}",
              after={"plan": target_draw.plan_id, "targets": len(target_draw.targets)})
    uow.emit("targets.drawn", payloads.targets_drawn(target_draw, policy.department), subject=target_draw.plan_id)


def waiting_for_randomness(target_draw: TargetDraw) -> bool:
    """A stratum is committed but not drawn yet: the target draw waits for public randomness."""
    return any(entry.get("commitment_id") and not entry.get("draw_id") for entry in target_draw.strata)


def on_duty_officers(session, policy: DrawPolicy, year: int) -> int:
    """The base of the general-unit quota (S5, S6): the headcount filed on 15 January of the year, else the
    established, on-duty officers counted now."""
    filed = filed_headcount(session, year)
    return filed if filed is not None else established_on_duty(session, policy.department)


def filed_headcount(session, year: int) -> int | None:
    filing = session.execute(select(Filing).where(Filing.kind == "headcount", Filing.period == str(year))).scalar()
    return filing.content["count"] if filing else None


def established_on_duty(session, department: str) -> int:
    return session.execute(select(func.count()).select_from(Inspector).where(
        Inspector.department_code == department, Inspector.established.is_(True),
        Inspector.on_duty.is_(True))).scalar_one()


def _commit_stratum(uow: UnitOfWork, target_draw: TargetDraw, rule: QuotaRule, officers: int,
                    policy: DrawPolicy) -> None:
    query = select(Target).where(Target.library == target_draw.library, Target.active.is_(True),
                                 Target.unit_class == rule.unit_class)
    if rule.credit_class:
        query = query.where(Target.credit_class == rule.credit_class)
    stratum = {t.uscc: t for t in uow.session.execute(query).scalars()}
    pool = sorted(stratum)
    count = quota(rule, len(pool), officers)
    label = f"{rule.unit_class}/{rule.credit_class or '全部'}"
    entry = {"stratum": label, "size": len(pool), "quota": count, "draw_id": None, "commitment_id": None}
    if count:
        commitment = commitments.commit_and_freeze(
            uow, subject_kind=SUBJECT_TARGET_DRAW, subject_id=target_draw.id, purpose=f"targets:{label}",
            department=policy.department, algorithm=policy.algorithm, count=count, pool=pool, excluded=[],
            context={"operator": target_draw.operator, "visit_start": uow.today().isoformat(),
                     "inspection": {"plan_id": target_draw.plan_id},
                     "companies": {u: {"name": t.name, "address": t.address} for u, t in stratum.items()}})
        entry["commitment_id"] = commitment.id
        publish_commitment(uow, commitment)
    target_draw.strata = target_draw.strata + [entry]
