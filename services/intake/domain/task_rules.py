"""What makes a department's task acceptable (S3, S6, N1, N9) — pure rules, every problem at once, each
under the field it concerns, in Chinese."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.uscc import validation_error


@dataclass(frozen=True)
class PlanFacts:
    status: str
    lead: str
    partners: tuple[str, ...]
    period_start: date
    period_end: date
    intake_deadline: date


def participation_problem(plan: PlanFacts, department: str) -> str | None:
    if department != plan.lead and department not in plan.partners:
        return "本部门不是该抽查计划的参与部门"
    return None


def closed_problem(plan: PlanFacts, today: date) -> str | None:
    """S6: once a plan is dispatched the visit's items are fixed; after the deadline nothing new comes in."""
    if plan.status in ("dispatching", "dispatched"):
        return "该抽查计划已派发，检查事项已固定，不再接收任务"
    if plan.status != "open":
        return "该抽查计划尚未发布，暂不接收任务"
    if today > plan.intake_deadline:
        return f"该抽查计划的任务受理已于 {plan.intake_deadline} 截止"
    return None


def field_problems(plan: PlanFacts, department: str, uscc: str, items: list[str], owners: dict[str, str],
                   window: tuple[date, date] | None, uscc_overridden: bool) -> dict[str, list[str]]:
    """Field → messages. `owners` maps each known item code to its department."""
    problems: dict[str, list[str]] = {}
    if not uscc_overridden and (error := validation_error(uscc)):
        problems["company.uscc"] = [error]
    item_messages = [f"事项 {c} 不存在" for c in items if c not in owners]
    item_messages += [f"事项 {c} 不属于本部门的抽查事项清单" for c in items if c in owners and owners[c] != department]
    item_messages += [f"事项 {c} 重复" for c in sorted({c for c in items if items.count(c) > 1})]
    if item_messages:
        problems["items"] = item_messages
    if window:
        start, end = window
        for label, value in (("window.start", start), ("window.end", end)):
            if not plan.period_start <= value <= plan.period_end:
                problems.setdefault(label, []).append(
                    f"应在计划期间 {plan.period_start} 至 {plan.period_end} 之内")
        if start > end:
            problems.setdefault("window.end", []).append("结束日期不能早于开始日期")
    return problems
