"""letters wired: settings, clock, database, bus, the issuer and the document renderer (no Flask)."""
from __future__ import annotations

from shared.clock import Clock
from shared.config import Settings
from shared.runtime import ServiceRuntime, build_runtime

from .adapters.db import messaging
from .adapters.pdf import renderer
from .consumers import CONSUMERS
from .domain.issuer import Issuer
from .handlers import HANDLERS


def bootstrap(settings: Settings, clock: Clock | None = None, *, render_documents=None) -> ServiceRuntime:
    """`render_documents(documents, assets) -> PDF bytes` defaults to WeasyPrint with the fonts built in
    `settings.letter_font_dir`; handler tests pass a fake."""
    deps = {"issuer": Issuer.from_settings(settings),
            "render_documents": render_documents or renderer(settings.letter_font_dir)}
    return build_runtime("letters", settings, clock, messaging, HANDLERS, deps, CONSUMERS)
