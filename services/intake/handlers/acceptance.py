"""Accepting a set of tasks at once (N5, S3, S6, N9; issue 15). Every task is judged in Python against state read
with a few IN queries, then only the accepted ones are written, with one multi-row INSERT for the visits and one
for the tasks. A refused task fails alone with no savepoint because nothing of it is ever written; a task whose
key another transaction took meanwhile is answered as that task's replay."""
from __future__ import annotations

from dataclasses import dataclass

from shared.errors import Conflict, DomainError, Forbidden, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters import task_rows
from ..adapters.db import JointTask, Plan
from ..commands import SubmitTask
from ..domain.task_rules import PlanFacts, closed_problem, field_problems, participation_problem


@dataclass(frozen=True)
class TaskAnswer:
    """One task's outcome: the task (created or replayed), or the refusal."""
    task: JointTask | None = None
    created: bool = False
    error: DomainError | None = None
    external_id: str | None = None  # of a refused task whose body could be read
    opened_visit: bool = False  # this task's arrival opened its (plan, company) visit

    @property
    def status(self) -> int:
        return self.error.status if self.error else (201 if self.created else 200)


def accept_all(cmds: list[SubmitTask], uow: UnitOfWork, replays_first: bool = True) -> list[TaskAnswer]:
    """Answer every command, in order. `replays_first=False` (one task) skips the up-front look-up of tasks
    already on file: a replay then shows as a key conflict on insert and is answered from the stored task, so a
    new task costs one read and two writes."""
    session = uow.session
    plans, owners = task_rows.plans_and_owners(session, {c.plan_id for c in cmds},
                                               {code for c in cmds for code in c.items})
    known = task_rows.existing_tasks(session, {_key(c) for c in cmds}) if replays_first else {}
    today = uow.today()
    errors = {i: e for i, c in enumerate(cmds) if _key(c) not in known
              and (e := _verdict(c, plans.get(c.plan_id), owners, today))}
    if not replays_first and errors:  # a replay is answered with the original even once the plan has closed
        known = task_rows.existing_tasks(session, {_key(cmds[i]) for i in errors})
        errors = {i: e for i, e in errors.items() if _key(cmds[i]) not in known}
    fresh: dict[tuple[str, str], int] = {}
    for index, cmd in enumerate(cmds):
        if index not in errors and _key(cmd) not in known:
            fresh.setdefault(_key(cmd), index)
    created, opened = _write(uow, cmds, list(fresh.values()))
    known.update(task_rows.existing_tasks(session, {k for k, i in fresh.items() if i not in created}))
    answers, audited_visits = [], set()
    for index, cmd in enumerate(cmds):
        if index in errors:
            answers.append(TaskAnswer(error=errors[index], external_id=cmd.external_id))
        elif index in created:
            task = created[index]
            opens = task.inspection_id in opened and task.inspection_id not in audited_visits
            audited_visits.add(task.inspection_id)
            answers.append(TaskAnswer(task, True, opened_visit=opens))
        else:
            first = fresh.get(_key(cmd))
            original = created.get(first) if first is not None and first != index else None
            answers.append(_replay(original or known[_key(cmd)], cmd))
    return answers


def _write(uow: UnitOfWork, cmds: list[SubmitTask], indices: list[int]) -> tuple[dict[int, JointTask], set[str]]:
    """Write the new tasks and their visits. Answers index → task for the tasks inserted, and the visits this
    transaction opened that a new task uses (others it opened for a lost race are removed again)."""
    if not indices:
        return {}, set()
    session, now = uow.session, uow.now
    proposed = {}
    for index in indices:
        cmd = cmds[index]
        proposed.setdefault((cmd.plan_id, cmd.company_uscc), {
            "id": new_id(), "plan_id": cmd.plan_id, "company_uscc": cmd.company_uscc,
            "company_name": cmd.company_name, "company_address": cmd.company_address, "status": "collecting",
            "created_at": now})
    visits = task_rows.upsert_visits(session, list(proposed.values()))
    rows = {index: _task_row(cmds[index], visits[(cmds[index].plan_id, cmds[index].company_uscc)][0], now)
            for index in indices}
    inserted = task_rows.insert_tasks(session, list(rows.values()))
    created = {index: JointTask(**row) for index, row in rows.items() if row["id"] in inserted}
    used = {task.inspection_id for task in created.values()}
    opened = {visit_id for key, (visit_id, _status) in visits.items() if visit_id == proposed[key]["id"]}
    task_rows.discard_visits(session, opened - used)
    task_rows.revive_visits(session, {visit_id for visit_id, status in visits.values() if status == "withdrawn"}
                            & used)
    return created, opened & used


def _task_row(cmd: SubmitTask, inspection_id: str, now) -> dict:
    return {"id": new_id(), "plan_id": cmd.plan_id, "inspection_id": inspection_id,
            "department_code": cmd.department, "external_id": cmd.external_id, "request_hash": cmd.request_hash,
            "items": list(cmd.items), "window_start": cmd.window_start, "window_end": cmd.window_end,
            "channel": cmd.channel, "upstream_draw_ref": cmd.upstream_draw_ref,
            "uscc_override_reason": cmd.uscc_override_reason, "status": "accepted", "created_at": now}


def _verdict(cmd: SubmitTask, plan: Plan | None, owners: dict[str, str], today) -> DomainError | None:
    """S3, S6, N9: the plan exists, the department takes part, intake is open, and the fields hold."""
    if plan is None:
        return Invalid("抽查计划不存在", fields={"plan_id": ["找不到该抽查计划"]})
    facts = PlanFacts(plan.status, plan.lead_department, tuple(plan.partners), plan.period_start, plan.period_end,
                      plan.intake_deadline)
    if problem := participation_problem(facts, cmd.department):
        return Forbidden(problem, fields={"plan_id": [problem]})
    if problem := closed_problem(facts, today):
        return Conflict(problem, code="plan_closed", fields={"plan_id": [problem]})
    window = (cmd.window_start, cmd.window_end) if cmd.window_start and cmd.window_end else None
    problems = field_problems(facts, cmd.department, cmd.company_uscc, list(cmd.items), owners, window,
                              uscc_overridden=cmd.uscc_override_reason is not None)
    if problems:
        return Invalid("任务内容校验未通过：" + "；".join(f"{k} {v[0]}" for k, v in problems.items()),
                       fields=problems)
    return None


def _replay(task: JointTask, cmd: SubmitTask) -> TaskAnswer:
    """The same task again answers the original; a different body under the same key is a conflict."""
    if task.request_hash != cmd.request_hash:
        return TaskAnswer(error=Conflict("同一任务编号（external_id）已提交过不同的内容", code="idempotency_conflict",
                                         fields={"external_id": ["该编号已用于另一份任务内容"]}),
                          external_id=cmd.external_id)
    return TaskAnswer(task, False)


def _key(cmd: SubmitTask) -> tuple[str, str]:
    return cmd.department, cmd.external_id
