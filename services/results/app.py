"""results' app factory: the web side around its runtime."""
from __future__ import annotations

from flask import Flask

from shared.department_tokens import token_resolver
from shared.runtime import ServiceRuntime
from shared.web import create_service_app, handle

from .domain.evidence import MAX_EVIDENCE_BYTES
from .http import api, public
from .http_department import api as department_api
from .http_followup import api as followup_api
from .http_public import api as public_visits_api
from .http_summaries import api as summaries_api
from .pages import pages
from .pages_department import department_pages
from .pages_summaries import summary_pages


def create_app(runtime: ServiceRuntime) -> Flask:
    """One evidence file and its form fields fit in a request; nothing larger does. Department API tokens resolve
    from results' own read model of `department.token_rotated`."""
    return create_service_app(runtime, [api, department_api, followup_api, summaries_api, public, public_visits_api,
                                        pages, department_pages, summary_pages],
                              max_body_bytes=MAX_EVIDENCE_BYTES + 64 * 1024, token_resolvers=[token_resolver(handle)])
