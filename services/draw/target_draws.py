"""Target draw for a plan (S6, S7, N6): strata by class × credit class, a quota per stratum, the same verifiable
RFC 3797 protocol per stratum; the drawn companies become inspections in intake (`targets.drawn`)."""
from __future__ import annotations

from sqlalchemy import select

from shared import rfc3797
from shared.errors import Conflict, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from . import commitments
from .adapters.db import DrawRecord, Target, TargetDraw
from .domain.policy import DrawPolicy
from .domain.quota import QuotaRule, quota
from .filings import established_on_duty, filed_headcount
from .handlers import public_numbers_before


def on_duty_officers(session, policy: DrawPolicy, year: int) -> int:
    """The base of the general-unit quota (S5, S6): the headcount filed on 15 January of the year, else the
    established, on-duty officers counted now."""
    filed = filed_headcount(session, year)
    return filed if filed is not None else established_on_duty(session, policy.department)


def draw_targets(uow: UnitOfWork, body: dict, actor: str) -> TargetDraw:
    session, policy = uow.session, uow.runtime.deps["policy"]
    if session.execute(select(TargetDraw).where(TargetDraw.plan_id == body["plan_id"],
                                                TargetDraw.period == body["period"])).scalar() is not None:
        uow.audit(actor, "target_draw.refused", f"plan:{body['plan_id']}", reason="该计划本期已抽取检查对象（S6）")
        uow.commit()
        raise Conflict("该计划本期已抽取检查对象，不得重复抽取（S6、N4）", code="already_drawn")
    rules = [QuotaRule(**rule) for rule in body["rules"]]
    officers = on_duty_officers(session, policy, int(body["period"][:4]))
    target_draw = TargetDraw(id=new_id(), plan_id=body["plan_id"], period=body["period"], library=body["library"],
                             rules=body["rules"], on_duty_officers=officers, items=body["items"], strata=[],
                             targets=[], operator=actor, created_at=uow.now)
    for rule in rules:
        _draw_stratum(uow, target_draw, rule, officers, policy)
    if not target_draw.targets:
        raise Invalid("按当前规则没有可抽取的检查对象", fields={"rules": ["各分层均为空"]})
    session.add(target_draw)
    uow.audit(actor, "target_draw.made", f"target_draw:{target_draw.id}",
              after={"plan": target_draw.plan_id, "targets": len(target_draw.targets)})
    uow.emit("targets.drawn", {"target_draw_id": target_draw.id, "plan_id": target_draw.plan_id,
                               "department": policy.department, "items": target_draw.items,
                               "targets": target_draw.targets}, subject=target_draw.plan_id)
    return target_draw


def _draw_stratum(uow: UnitOfWork, target_draw: TargetDraw, rule: QuotaRule, officers: int, policy) -> None:
    session = uow.session
    query = select(Target).where(Target.library == target_draw.library, Target.active.is_(True),
                                 Target.unit_class == rule.unit_class)
    if rule.credit_class:
        query = query.where(Target.credit_class == rule.credit_class)
    stratum = {t.uscc: t for t in session.execute(query).scalars()}
    pool = sorted(stratum)
    count = quota(rule, len(pool), officers)
    label = f"{rule.unit_class}/{rule.credit_class or '全部'}"
    entry = {"stratum": label, "size": len(pool), "quota": count, "draw_id": None}
    if count:
        draw_id = new_id()
        commitment = commitments.take(session, uow.now, draw_id)
        if commitment is None:
            raise Conflict("没有事先公布的随机种子承诺，无法抽取", code="no_commitment")
        sources = [[commitment.seed], *public_numbers_before(session, uow.now)]
        key = rfc3797.make_key(sources)
        selected = rfc3797.select(pool, count, key, policy.algorithm)
        session.add(DrawRecord(id=draw_id, inspection_id=target_draw.id, purpose=f"targets:{label}",
                               algorithm=policy.algorithm, sources=sources, key=key, pool=pool,
                               pool_hash=rfc3797.pool_hash(pool, policy.algorithm), excluded=[], count=count,
                               selected=selected, commitment_id=commitment.id, operator=target_draw.operator,
                               visit_start=uow.runtime.clock.today_local(), inspectors=[],
                               inspection={"plan_id": target_draw.plan_id}, created_at=uow.now))
        entry["draw_id"] = draw_id
        target_draw.targets = target_draw.targets + [
            {"uscc": u, "name": stratum[u].name, "address": stratum[u].address, "stratum": label,
             "draw_id": draw_id} for u in selected]
    target_draw.strata = target_draw.strata + [entry]
    commitments.ensure_ahead(session, uow.now, policy.commitments_ahead)
