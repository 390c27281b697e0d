"""results' app factory: the web side around its runtime."""
from __future__ import annotations

from flask import Flask

from shared.runtime import ServiceRuntime
from shared.web import create_service_app

from .domain.evidence import MAX_EVIDENCE_BYTES
from .http import api, public
from .pages import pages


def create_app(runtime: ServiceRuntime) -> Flask:
    """One evidence file and its form fields fit in a request; nothing larger does."""
    return create_service_app(runtime, [api, public, pages], max_body_bytes=MAX_EVIDENCE_BYTES + 64 * 1024)
