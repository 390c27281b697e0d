"""letters' app factory."""
from __future__ import annotations

from flask import Flask

from shared.clock import Clock
from shared.config import Settings, load_settings
from shared.legacy import create_legacy_app as create_service_app

from .adapters.db import db, messaging
from .adapters.pdf import render_documents
from .consumers import HANDLERS
from .domain.issuer import Issuer
from .http import api, public
from .pages import pages


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    return create_service_app("letters", settings or load_settings("letters"), db, messaging, [api, public, pages],
                              HANDLERS, clock=clock,
                              deps={"issuer": Issuer.from_env(), "render_documents": render_documents})
