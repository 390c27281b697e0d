"""Test helpers for intake: data factories for plans and tasks, reads of its database through a unit of work
(no Flask app context), and an intake runtime on a temporary SQLite file for handler tests."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.flow import ok


def make_plan(http, clerk, today, number=5, partners=("STHJ", "YJGL"), **changes):
    body = {"number": f"〔{today.year}〕{number}号", "name": "测试计划", "lead_department": "SCJG",
            "partners": list(partners), "period_start": today.isoformat(),
            "period_end": (today + timedelta(days=30)).isoformat(), "intake_deadline": today.isoformat()}
    body.update(changes)
    return ok(http.call("POST", "/intake/api/v1/plans", clerk, body))


def task(plan, company, items=("SCJG-01",), external_id="T-1", **changes):
    body = {"plan_id": plan["id"], "external_id": external_id, "company": company, "items": list(items)}
    body.update(changes)
    return body


def read(runtime, fn):
    """`fn(session)` on a read-only unit of work of the runtime."""
    with runtime.unit_of_work(read_only=True) as uow:
        return fn(uow.session)


def count(runtime, model, **filters) -> int:
    return read(runtime, lambda s: s.query(model).filter_by(**filters).count())


def rows(runtime, model, **filters) -> list:
    return read(runtime, lambda s: s.query(model).filter_by(**filters).all())


def outbox(runtime, prefix: str = "") -> list:
    from tests.support.outbox import outbox_rows
    return outbox_rows(runtime, prefix=prefix)


def audit_entries(runtime, action: str) -> list:
    return rows(runtime, runtime.models["AuditEntry"], action=action)


def intake_runtime(var_dir: Path, clock=None):
    """intake alone, migrated, on a SQLite file under `var_dir`: its bus, no Flask app."""
    from services import registry
    from services.intake.bootstrap import bootstrap
    from shared.config import load_settings
    settings = load_settings("intake", {"JOINTINSPECT_VAR": str(var_dir), "SECRET_KEY": "test-secret"})
    var_dir.mkdir(parents=True, exist_ok=True)
    registry.migrate("intake", settings)
    return bootstrap(settings, clock)


def load_reference(runtime) -> dict[str, str]:
    """The real catalog through the bus; each department gets an API token. Returns code → token."""
    from services.intake.catalog import read_catalog
    from services.intake.commands import LoadCatalog, RotateDepartmentToken
    data = read_catalog()
    runtime.bus.handle(LoadCatalog(data, "system:test"))
    return {d["code"]: runtime.bus.handle(RotateDepartmentToken(d["code"], "system:test"))
            for d in data["departments"]}
