"""letters' app factory: the web side around the runtime bootstrap built."""
from __future__ import annotations

from flask import Flask

from shared.department_tokens import token_resolver
from shared.runtime import ServiceRuntime
from shared.web import create_service_app, handle

from .http import api, public
from .pages import pages
from .pages_department import department_pages


def create_app(runtime: ServiceRuntime) -> Flask:
    """Department API tokens resolve from letters' own read model of `department.token_rotated`."""
    return create_service_app(runtime, [api, public, pages, department_pages], token_resolvers=[token_resolver(handle)])
