"""results' app factory."""
from __future__ import annotations

from flask import Flask

from shared.clock import Clock
from shared.config import Settings, load_settings
from shared.legacy import create_legacy_app as create_service_app

from .adapters.db import db, messaging
from .consumers import HANDLERS
from .domain.deadlines import ResultRules
from .evidence import MAX_EVIDENCE_BYTES
from .http import api, public
from .pages import pages


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    app = create_service_app("results", settings or load_settings("results"), db, messaging, [api, public, pages],
                             HANDLERS, clock=clock, deps={"result_rules": ResultRules.from_env()})
    app.config["MAX_CONTENT_LENGTH"] = MAX_EVIDENCE_BYTES + 64 * 1024  # one evidence file and its form fields
    return app
