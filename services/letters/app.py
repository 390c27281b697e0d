"""letters' app factory: the web side around the runtime bootstrap built."""
from __future__ import annotations

from flask import Flask

from shared.runtime import ServiceRuntime
from shared.web import create_service_app

from .http import api, public
from .pages import pages


def create_app(runtime: ServiceRuntime) -> Flask:
    return create_service_app(runtime, [api, public, pages])
