"""intake's app factory."""
from __future__ import annotations

from flask import Flask

from shared.auth import Principal, hash_token
from shared.clock import Clock
from shared.config import Settings, load_settings
from shared.web import create_service_app

from .adapters.db import Department, db, messaging
from .consumers import HANDLERS
from .http import api


def department_token_resolver(token: str) -> Principal | None:
    """Department API tokens are opaque and stored hashed; a department acts only as itself."""
    department = db.session.query(Department).filter_by(token_hash=hash_token(token)).first()
    if department is None:
        return None
    return Principal(role="department", subject=department.code, department=department.code, name=department.name)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    return create_service_app("intake", settings or load_settings("intake"), db, messaging, [api], HANDLERS,
                              clock=clock, token_resolvers=[department_token_resolver])
