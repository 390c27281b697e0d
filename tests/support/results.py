"""Test helpers for results: its tables read through a unit of work, its outbox, a runtime without Flask."""
from __future__ import annotations

from datetime import datetime, time, timezone

from shared.clock import SHANGHAI, FixedClock


def at(day, hour: int = 10) -> FixedClock:
    """A clock stopped at `hour` o'clock Beijing time on `day`."""
    return FixedClock(datetime.combine(day, time(hour), SHANGHAI).astimezone(timezone.utc))


def model(runtime, name: str):
    """results' own models, or the shared messaging ones (Outbox, AuditEntry, Inbox, DeadLetter)."""
    from services.results.adapters import db as results_db
    return getattr(results_db, name, None) or runtime.models[name]


def rows(runtime, name: str, **filters) -> list:
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.query(model(runtime, name)).filter_by(**filters).all()


def outbox(runtime, prefix: str) -> list[dict]:
    """The `data` of every outbox event whose routing key starts with `prefix`, in the order written."""
    from tests.support.outbox import emitted
    return emitted(runtime, prefix=prefix)


def results_runtime(tmp_path, env: dict | None = None, clock=None):
    """results alone on a fresh SQLite file, migrated, bus ready: no Flask app, no other service."""
    from services import registry
    from shared.config import load_settings
    settings = load_settings("results", {"JOINTINSPECT_VAR": str(tmp_path), **(env or {})})
    registry.migrate("results", settings)
    return registry.bootstrap("results", settings, clock)


def inspection(inspection_id: str = "insp-1", departments=(("STHJ", ("STHJ-01",)), ("SCJG", ("SCJG-01", "SCJG-02"))),
               start: str = "2026-11-30", end: str = "2026-12-03") -> dict:
    """An `inspectors.assigned` inspection: several departments, each with its own items."""
    names = {"STHJ": "青岛市生态环境局西海岸新区分局", "SCJG": "青岛西海岸新区市场监督管理局",
             "YJGL": "青岛西海岸新区应急管理局"}
    return {"inspection_id": inspection_id,
            "plan": {"id": "p", "number": "〔2026〕1号", "name": "计划", "module": "部门联合"},
            "company": {"uscc": "914403001922038216", "name": "青岛测试化工有限公司", "address": "长江路1号"},
            "window": {"start": start, "end": end}, "lead_department": departments[0][0],
            "departments": [{"code": code, "name": names.get(code, code), "lead": n == 0, "task_ids": [],
                             "items": [{"code": item, "department": code, "name": f"{item} 事项", "basis": "依据"}
                                       for item in items]}
                            for n, (code, items) in enumerate(departments)]}


def team(n: int = 2) -> tuple[dict, ...]:
    return tuple({"id": f"INS-00{k}", "name": f"检查员{k}", "certificate_no": f"3702{k}", "department": "STHJ",
                  "department_name": "青岛市生态环境局西海岸新区分局", "unit": "第一中队"} for k in range(1, n + 1))


def ready_visit(system, inspection_id: str, start, end, uscc: str = "914403001922038216") -> dict:
    """Put an `inspection.ready` for one STHJ item in intake's outbox (as dispatch would) and let the bus deliver
    it: draw draws the team, letters issues the letter, results records the assignment."""
    item = {"code": "STHJ-01", "department": "STHJ", "name": "污染源日常环境监管", "basis": "《环境保护法》",
            "method": "现场", "key_points": "", "target": "", "class": "一般"}
    ready = {"inspection_id": inspection_id,
             "plan": {"id": "p", "number": "〔2026〕1号", "name": "计划", "module": "部门联合"},
             "company": {"uscc": uscc, "name": "青岛测试化工有限公司", "address": "长江路1号"},
             "window": {"start": start.isoformat(), "end": end.isoformat()}, "lead_department": "STHJ",
             "departments": [{"code": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "lead": True, "task_ids": [],
                              "items": [item]}]}
    with system.runtime("intake").unit_of_work() as uow:
        uow.emit("inspection.ready", ready, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    _enter_randomness_after(system)
    return ready


def _enter_randomness_after(system) -> None:
    """Issue 13: the committed draw waits for public randomness, entered by script. On a stopped clock the lottery
    must be drawn after the commitment and before "now": draw's clock steps a minute on, the numbers are from 30 s
    after the commitment."""
    from datetime import timedelta

    from tests.support.draw import enter_randomness
    draw = system.runtime("draw")
    if not isinstance(draw.clock, FixedClock):
        enter_randomness(system)
        return
    committed = draw.clock.now()
    draw.clock = FixedClock(committed + timedelta(minutes=1))
    enter_randomness(system, drawn_at=committed + timedelta(seconds=30))


NAMES = {"STHJ": "青岛市生态环境局西海岸新区分局", "SCJG": "青岛西海岸新区市场监督管理局",
         "YJGL": "青岛西海岸新区应急管理局"}


def joint_team(departments=("STHJ", "SCJG")) -> dict:
    """An issue-11 `inspectors.assigned`'s team: two officers of each department's own library, the lead
    department's first member leading; `parts` one per department."""
    inspectors, parts = [], []
    for n, code in enumerate(departments):
        ids = [f"{code}-P{k}" for k in (1, 2)]
        inspectors += [{"id": i, "name": f"{NAMES.get(code, code)[-5:]}检查员{k}", "certificate_no": f"37{n}{k}",
                        "department": code, "department_name": NAMES.get(code, code),
                        "unit": "第一中队" if code == "STHJ" else NAMES.get(code, code), "leader": n == 0 and k == 1}
                       for k, i in enumerate(ids, start=1)]
        parts.append({"department": code, "via": "draw", "draw_id": f"draw-{code}", "inspector_ids": ids})
    return {"inspectors": tuple(inspectors), "parts": tuple(parts), "leader_id": inspectors[0]["id"]}


def scheduled(inspection_id: str, local_time: str = "2026-11-30 09:30", version: int = 1) -> dict:
    """A `visit.scheduled` payload's fields results uses."""
    from datetime import datetime, timedelta
    at_utc = datetime.fromisoformat(local_time) - timedelta(hours=8)
    return {"inspection_id": inspection_id, "scheduled_at": at_utc.isoformat() + "Z", "local_time": local_time,
            "version": version, "scheduled_by": "inspector:STHJ-P1"}
