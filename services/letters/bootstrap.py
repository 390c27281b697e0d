"""letters wired: settings, clock, database, bus, the issuer, the document renderer and the render loop (no Flask)."""
from __future__ import annotations

from shared.clock import Clock
from shared.config import Settings
from shared.runtime import ServiceRuntime, build_runtime

from .adapters.db import messaging
from .adapters.renderer import LetterRenderer
from .consumers import CONSUMERS
from .domain.issuer import Issuer
from .handlers import HANDLERS
from .render_loop import RenderLoop, render_processes
from .renderings import Renderings


def bootstrap(settings: Settings, clock: Clock | None = None, *, render_documents=None) -> ServiceRuntime:
    """`render_documents` defaults to WeasyPrint with the fonts built in `settings.letter_font_dir`
    (adapters/renderer.py says what it offers); handler tests pass a fake. Issued documents get their PDFs from
    the render loop, a part the worker supervises and the embedded bus starts (issue 15)."""
    render_documents = render_documents or LetterRenderer(settings.letter_font_dir)
    renderings = Renderings(render_documents)
    deps = {"issuer": Issuer.from_settings(settings), "render_documents": render_documents,
            "renderings": renderings}
    runtime = build_runtime("letters", settings, clock, messaging, HANDLERS, deps, CONSUMERS)
    loop = RenderLoop(renderings.bind(runtime), render_processes(settings.render_processes))
    runtime.parts.append(("render-loop", loop.run))
    runtime.listeners.append(loop.wake)
    return runtime
