"""intake's app factory."""
from __future__ import annotations

from flask import Flask

from shared.auth import Principal, hash_token
from shared.clock import Clock
from shared.config import Settings, load_settings
from shared.legacy import create_legacy_app as create_service_app

from . import dispatch, http, http_catalog, http_plans, pages
from .adapters.db import Department, db, messaging
from .consumers import HANDLERS

DEADLINE_CHECK_SECONDS = 60


def department_token_resolver(token: str) -> Principal | None:
    """Department API tokens are opaque and stored hashed; a department acts only as itself."""
    department = db.session.query(Department).filter_by(token_hash=hash_token(token)).first()
    if department is None:
        return None
    return Principal(role="department", subject=department.code, department=department.code, name=department.name)


def dispatch_due(runtime) -> None:
    """Periodic job: plans whose intake deadline has passed are dispatched automatically (S6)."""
    with runtime.app.app_context():
        uow = runtime.unit_of_work()
        dispatch.dispatch_due_plans(uow, runtime.clock.today_local())
        uow.commit()


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    return create_service_app(
        "intake", settings or load_settings("intake"), db, messaging,
        [http.api, http_plans.api, http_catalog.api, pages.pages], HANDLERS, clock=clock,
        token_resolvers=[department_token_resolver],
        deps={"periodic": [(DEADLINE_CHECK_SECONDS, dispatch_due)]})
