"""Handlers and look-ups the dead-letter tests share (tests/integration/test_dead_letters*.py)."""
from __future__ import annotations


def failing(calls: list, broken: dict | None = None):
    from services.results.consumers import inspectors_assigned

    def handler(event):
        calls.append(event.id)
        if broken is None or broken["on"]:
            raise RuntimeError(f"handler bug on {event.subject}")
        return inspectors_assigned(event)
    return handler


def audit_entries(runtime, action: str) -> list:
    model = runtime.models["AuditEntry"]
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.query(model).filter_by(action=action).all()
