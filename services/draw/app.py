"""draw's app factory: the web side around its runtime."""
from __future__ import annotations

from flask import Flask

from shared.department_tokens import token_resolver
from shared.runtime import ServiceRuntime
from shared.web import create_service_app, handle

from . import (
    http_accounts,
    http_library,
    http_parts,
    http_replacements,
    http_schedule,
    http_targets,
    pages_accounts,
    pages_parts,
    pages_randomness,
    pages_schedule,
)
from .http import api
from .pages import pages


def create_app(runtime: ServiceRuntime) -> Flask:
    """Department API tokens resolve from draw's own read model of `department.token_rotated`."""
    blueprints = [api, http_accounts.api, http_library.api, http_parts.api, http_replacements.api, http_targets.api,
                  http_schedule.api, pages, pages_accounts.pages, pages_schedule.pages, pages_parts.pages,
                  pages_randomness.pages]
    return create_service_app(runtime, blueprints, token_resolvers=[token_resolver(handle)])
