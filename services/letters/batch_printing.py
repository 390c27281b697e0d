"""A batch print laid out in a short-lived child process (issue 15, P7: ≤ 200 MB per process).

WeasyPrint keeps what a layout needed: a process that lays 100 letters out itself peaks at ~230 MB and stays at
~205 MB after it (the allocators do not give the pages back), which is how letters' web workers reached 272 / 210
MB. So the web worker never lays a batch out: a spawned child — its own interpreter, nothing of the worker's
threads or database pools — wires letters afresh, answers the same `BatchPdf` query through the same bus (who may
print what, the batch cache, the seals: all as the handler decides) and exits, its memory with it. The worker stays
where it was (110 MB before, during and after a batch of 100; `bench/rss.py`). Spawned, never forked: the worker
runs threads and connection pools that a fork would copy mid-use.

The child costs an interpreter start and wiring letters (bench/rss.py times the batch both ways), and itself
peaks at ~275 MB for those 100 letters while it lives: laying out only — not wiring the whole service — and in
chunks would bring it under 200 MB too, in the renderer and its render pool."""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

from .queries import BatchPdf

# One batch child at a time per web process (as WeasyPrint's render lock serialised them before): each child
# peaks near 275 MB, so gthread's four threads must not start four at once.
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)


def batch_pdf_apart(runtime, query: BatchPdf, correlation_id: str | None = None) -> bytes | None:
    """`BatchPdf` answered in a child process with this runtime's settings, clock and renderer."""
    renderer = runtime.bus.deps["render_documents"]
    with _ONE_AT_A_TIME, ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as child:
        return child.submit(_batch_pdf, runtime.settings, runtime.clock, renderer, query, correlation_id).result()


def _batch_pdf(settings, clock, renderer, query: BatchPdf, correlation_id: str | None) -> bytes | None:
    from .bootstrap import bootstrap
    runtime = bootstrap(settings, clock, render_documents=renderer)
    try:
        return runtime.bus.handle(query, correlation_id=correlation_id)
    finally:
        runtime.dispose()
