"""A request that meets an unreachable database answers 503 with Retry-After (issue 14), not a 500: the person
or program on the other side learns that trying again shortly is the right thing, and the log gets one line
per request instead of a traceback."""
from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_smorest import Blueprint as SmorestBlueprint

from .errors import error_response
from .outages import describe, is_database_outage

log = logging.getLogger(__name__)
MESSAGE = "数据库暂时无法连接，请稍后重试"


def install(app: Flask, retry_after: int) -> None:
    from sqlalchemy import exc as sa_exc

    from .outages import PsycopgOperationalError

    def database_unavailable(error: Exception):
        if not is_database_outage(error):  # e.g. an InterfaceError from bad input: the ordinary 500 path
            raise error
        log.warning("%s %s: database unavailable (%s); answered 503", request.method, request.path, describe(error))
        if isinstance(current_app.blueprints.get(request.blueprint or ""), SmorestBlueprint) or "/api/" in request.path:
            response = error_response(503, "database_unavailable", MESSAGE)
        else:
            response = current_app.make_response((render_template("error.html", status=503, message=MESSAGE), 503))
        response.headers["Retry-After"] = str(retry_after)
        return response

    for error_class in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
                        PsycopgOperationalError):
        app.register_error_handler(error_class, database_unavailable)
