"""TEMPORARY (issue #10 migration, delete when every service has a bootstrap.py): lets a service that still has
Flask-SQLAlchemy views and `(event, uow)` handlers run beside converted ones."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask

from .clock import Clock
from .config import Settings
from .db import engine_options, make_engine
from .runtime import Outcome, ServiceRuntime
from .uow import UnitOfWork
from .web import create_service_app


@dataclass
class LegacyRuntime(ServiceRuntime):
    app: Flask | None = None
    db: object = None
    deps: dict = field(default_factory=dict)

    @property
    def handlers(self):
        return self.consumers

    def unit_of_work(self, correlation_id=None, read_only=False) -> UnitOfWork:
        uow = super().unit_of_work(correlation_id, read_only)
        uow.runtime = self
        return uow.__enter__()

    def deliver(self, queue, event) -> Outcome:
        from sqlalchemy.exc import IntegrityError
        handler = self.consumers[self.queues()[queue]]
        inbox = self.models["Inbox"]
        with self.unit_of_work(event.correlation_id) as uow:
            if uow.get(inbox, (queue, event.id)) is not None:
                return Outcome.DUPLICATE
            try:
                handler(event, uow)
                uow.add(inbox(queue=queue, event_id=event.id, processed_at=self.clock.now()))
                uow.commit()
            except IntegrityError:
                uow.rollback()
                if uow.get(inbox, (queue, event.id)) is not None:
                    return Outcome.DUPLICATE
                raise
        return Outcome.PROCESSED


def create_legacy_app(name: str, settings: Settings, db, models: dict, blueprints, handlers: dict,
                      clock: Clock | None = None, token_resolvers=(), deps: dict | None = None) -> Flask:
    deps = dict(deps or {})
    runtime = LegacyRuntime(name=name, settings=settings, clock=clock or Clock(),
                            engine=make_engine(settings.database_url), models=models, consumers=dict(handlers),
                            periodic=list(deps.get("periodic", [])), db=db, deps=deps)
    from .bus import MessageBus
    from .common_handlers import COMMON_HANDLERS
    runtime.bus = MessageBus(runtime.unit_of_work, COMMON_HANDLERS, {"settings": settings, "clock": runtime.clock})
    app = create_service_app(runtime, blueprints, token_resolvers)
    app.config.update(SQLALCHEMY_DATABASE_URI=settings.database_url,
                      SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings.database_url))
    db.init_app(app)
    runtime.app = app
    return app


def current_uow():
    from flask import request

    from .web import current_runtime
    runtime = current_runtime()
    uow = runtime.unit_of_work(request.headers.get("X-Correlation-Id"))
    uow.session = runtime.db.session
    return uow
