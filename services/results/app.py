"""results' app factory."""
from __future__ import annotations

from flask import Flask

from shared.clock import Clock
from shared.config import Settings, load_settings
from shared.web import create_service_app

from .adapters.db import db, messaging
from .consumers import HANDLERS
from .http import api


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    return create_service_app("results", settings or load_settings("results"), db, messaging, [api], HANDLERS,
                              clock=clock)
