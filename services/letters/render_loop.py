"""The render loop (issue 15): a supervised part of the letters worker (shared/worker.py) and of embedded mode
(shared/embedded.py) that gives issued documents their PDFs, in parallel, outside any issuing lock.

Renders run in a `ProcessPoolExecutor` of `Settings.render_processes` processes (0: one per core): WeasyPrint
lays out under a process-wide lock (Pango's font map is not thread-safe), so threads would not help, and the
parent — the worker with its relay and consumers — never holds a rendering's memory. After about
RENDERS_PER_CHILD sets per process the whole pool is replaced between two rounds, so no child grows past the RSS
budget (P7, ≤ 200 MB). Not with `max_tasks_per_child`: on Python 3.11 a child retiring while tasks are queued is
not replaced (CPython gh-115634), and once every child has retired the queued renders wait for ever. A render
that takes longer than RENDER_TIMEOUT_SECONDS is treated as a broken pool. Children are spawned, never forked:
the parent runs threads and database pools that a fork would copy mid-use."""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from shared.outages import Outage, is_database_outage

from .renderings import Renderings

log = logging.getLogger(__name__)
RENDERS_PER_CHILD = 500  # sets per child before it is replaced; a child stays at 120–135 MB (bench/letter_render.py)
SETS_PER_PROCESS = 4  # sets claimed per round and process: enough to keep every process busy through a round
IDLE_POLL_SECONDS = 2.0  # nothing waiting: look again (this process's own issuing wakes it at once)
ERROR_PAUSE_SECONDS = 2.0
# Renders are background work now: at a lower priority they leave the cores to what letter.issued and the rest of
# the pipeline wait for (consumers, relay, web requests), and take whatever is left.
RENDER_NICENESS = 10


def render_processes(configured: int) -> int:
    return configured if configured > 0 else (os.cpu_count() or 1)


def process_pool(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=os.nice, initargs=(RENDER_NICENESS,))


def _discard(pool: ProcessPoolExecutor) -> None:
    """A broken or hung pool: cancel what waits and end its children (a hung render never returns by itself)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()


def inline(fn, *args) -> Future:
    """`submit` without a pool: renders in the calling thread (tests, and the CLI's one-off rendering)."""
    future: Future = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:  # noqa: BLE001 — handed to the caller through the future, as a pool would
        future.set_exception(exc)
    return future


class RenderLoop:
    def __init__(self, renderings: Renderings, processes: int, pool_factory=process_pool):
        self.renderings, self.processes, self.pool_factory = renderings, processes, pool_factory
        self.wakeup = threading.Event()

    def wake(self) -> None:
        """Called after every commit that emitted events (runtime.listeners): a set was probably just issued."""
        self.wakeup.set()

    def run(self, stop: threading.Event) -> None:
        """Render until `stop` is set. A database outage is waited out; any other error is logged and the round
        tried again after a pause; a broken pool (a child killed, e.g. out of memory) is replaced."""
        pool, outage, served = None, Outage("letters render loop", "database", log), 0
        try:
            while not stop.is_set():
                if pool is not None and served >= RENDERS_PER_CHILD * self.processes:
                    pool.shutdown(wait=True)  # between rounds nothing is pending: retire the children (P7)
                    pool, served = None, 0
                pool = pool or self.pool_factory(self.processes)
                try:
                    claimed = self.renderings.render_round(pool.submit, self.processes * SETS_PER_PROCESS)
                    served += claimed
                    outage.recovered()
                except BrokenProcessPool as exc:
                    log.error("letters render loop: %s; starting a new pool", exc or "a render process died")
                    _discard(pool)
                    pool, claimed, served = None, 0, 0
                except Exception as exc:  # noqa: BLE001 — the loop outlives any one round
                    if is_database_outage(exc):
                        outage.failed(exc)
                    else:
                        log.exception("letters render loop: round failed; trying again")
                    stop.wait(ERROR_PAUSE_SECONDS)
                    continue
                if not claimed:
                    self.wakeup.wait(IDLE_POLL_SECONDS)
                    self.wakeup.clear()
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
