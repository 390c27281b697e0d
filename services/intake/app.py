"""intake's app factory: the web side around the runtime that bootstrap() built."""
from __future__ import annotations

from flask import Flask

from shared.auth import Principal
from shared.runtime import ServiceRuntime
from shared.web import create_service_app, handle

from . import http, http_catalog, http_partners, http_plans, pages, pages_partners
from .queries import DepartmentByToken


def department_token_resolver(token: str) -> Principal | None:
    """Department API tokens are opaque and stored hashed; a department acts only as itself."""
    department = handle(DepartmentByToken(token))
    if department is None:
        return None
    return Principal(role="department", subject=department.code, department=department.code, name=department.name)


def create_app(runtime: ServiceRuntime) -> Flask:
    return create_service_app(runtime, [http.api, http_plans.api, http_catalog.api, http_partners.api, pages.pages,
                                         pages_partners.pages],
                              token_resolvers=[department_token_resolver])
