"""Embedded mode: the four services in one process, one WSGI entry, events through the in-process bus.

Each app already serves its own prefix, so dispatching on the first path segment keeps every path identical
to distributed mode (`/intake/…` is `/intake/…` either way)."""
from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from shared.config import PROJECT_ROOT, SERVICES, load_settings
from shared.embedded import EmbeddedBus
from shared.errors import error_response
from shared.periodic import PeriodicJobs
from shared.web_security import install as secure_headers

from . import registry


class PrefixDispatcher:
    def __init__(self, apps: dict[str, Flask], fallback):
        self.apps, self.fallback = apps, fallback

    def __call__(self, environ, start_response):
        first = environ.get("PATH_INFO", "/").lstrip("/").split("/", 1)[0]
        return self.apps.get(first, self.fallback)(environ, start_response)


def landing_app() -> Flask:
    app = Flask("jointinspect.landing", template_folder=str(PROJECT_ROOT / "templates"), static_folder=None)

    @app.get("/")
    def index():
        return render_template("index.html")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500, "not_found" if error.code == 404 else "error")

    secure_headers(app)  # the same headers as every service's answers (issue 13)
    return app


class EmbeddedSystem:
    def __init__(self, env: dict | None = None, clock=None, defaults: dict | None = None):
        self.runtimes = {name: registry.start(name, load_settings(name, env, defaults), clock) for name in SERVICES}
        self.apps = {name: registry.create(name, runtime) for name, runtime in self.runtimes.items()}
        first = self.runtimes["intake"].settings
        runtimes = list(self.runtimes.values())
        self.bus = EmbeddedBus(runtimes, delivery_limit=first.delivery_limit)
        self.periodic = PeriodicJobs(runtimes)
        self.wsgi = PrefixDispatcher(self.apps, landing_app())

    def close(self) -> None:
        """Stop the bus and close every database connection pool."""
        self.bus.stop()
        self.periodic.stop()
        for runtime in self.runtimes.values():
            runtime.dispose()

    def runtime(self, name: str):
        return self.runtimes[name]

    def handle(self, service: str, message):
        """Run a command or query on one service's bus, as the CLI and tests do (no HTTP, no Flask)."""
        return self.runtimes[service].bus.handle(message)

    def client(self):
        """A werkzeug test client on the combined WSGI app: every prefix, exactly as a browser sees it."""
        from werkzeug.test import Client
        return Client(self.wsgi)
