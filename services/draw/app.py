"""draw's app factory."""
from __future__ import annotations

from flask import Flask

from shared.clock import Clock
from shared.config import Settings, load_settings
from shared.legacy import create_legacy_app as create_service_app

from . import http_library, http_replacements, http_targets
from .adapters.db import db, messaging
from .consumers import HANDLERS
from .domain.policy import DrawPolicy
from .http import api
from .pages import pages


def create_app(settings: Settings | None = None, clock: Clock | None = None,
               policy: DrawPolicy | None = None) -> Flask:
    blueprints = [api, http_library.api, http_replacements.api, http_targets.api, pages]
    return create_service_app("draw", settings or load_settings("draw"), db, messaging, blueprints, HANDLERS,
                              clock=clock, deps={"policy": policy or DrawPolicy.from_env()})


def prepare(app: Flask) -> None:
    """Start-up duty: seeds for the coming draws are committed (and their hashes public) before any pool."""
    from shared.web import runtime_of

    from . import commitments
    runtime = runtime_of(app)
    with app.app_context():
        commitments.ensure_ahead(db.session, runtime.clock.now(), runtime.deps["policy"].commitments_ahead)
        db.session.commit()
