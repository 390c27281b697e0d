"""Turning issued documents into PDFs, after and outside the issuing transaction (issue 15, P4).

Issuing only numbers, stores the content and emits `letter.issued`; the PDFs are made here:

* `render_round` — one round of the render loop (render_loop.py): claim waiting sets, lay each set out once in the
  loop's process pool (`renderer.split`), store the PDFs with `rendered_at`. On PostgreSQL the claim, the renders
  and the store are one transaction holding the claimed rows (`SKIP LOCKED`: other workers take other sets); on
  SQLite (one process) nothing is held while rendering — the rows are read, rendered, then stored.
* `pdf_for` — a reader who asks for a PDF before the loop got to it gets it rendered on demand and stored, so
  nobody ever sees a missing PDF.
* `batch` — a batch print, cached by content hash.

Identical documents are never rendered twice: every PDF is stored with the hash of its content, its assets and the
renderer's version, and a set whose hashes are all stored already is copied, not rendered. A render that fails
after issue is logged once, counted (`jointinspect_letter_render_failures_total`), retried with backoff, and the
letter stays issued and listed — only its PDF waits."""
from __future__ import annotations

import logging
import time
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from prometheus_client import Counter

from .adapters import renderer as renderers
from .adapters import rendering, seals
from .adapters.db import Document
from .adapters.rendering import PendingSet

log = logging.getLogger(__name__)
RENDERED = Counter("jointinspect_letter_documents_rendered", "Letter documents given their PDF after issue",
                   ["how"])  # how: rendered / cached / on_demand
RENDER_FAILURES = Counter("jointinspect_letter_render_failures", "Letter set renders that failed after issue "
                          "(each attempt; the set is retried with backoff)")
BACKOFF_CAP_SECONDS = 300
RENDER_TIMEOUT_SECONDS = 300  # one set renders in about 0.3–2 s; far beyond that its process is hung


@dataclass
class Failure:
    attempts: int
    retry_at: float
    reason: str


@dataclass
class Job:
    """A waiting set with what rendering it needs: its seals, its content hashes, and what is stored already."""
    pending: PendingSet
    assets: dict
    hashes: list[str]
    known: dict[str, bytes]

    @property
    def cached(self) -> bool:
        return all(h in self.known for h in self.hashes)


@dataclass
class Renderings:
    renderer: object
    runtime: object = None  # bound by bootstrap once the runtime exists
    failures: dict[tuple[str, int], Failure] = field(default_factory=dict)

    def bind(self, runtime) -> "Renderings":
        self.runtime = runtime
        return self

    @property
    def _postgres(self) -> bool:
        return self.runtime.engine.dialect.name == "postgresql"

    def _jobs(self, session, sets: list[PendingSet]) -> list[Job]:
        version, jobs = renderers.version(self.renderer), []
        for pending in sets:
            assets = seals.assets_for(session, list(pending.contents))
            hashes = [rendering.content_hash(content, assets, version) for content in pending.contents]
            jobs.append(Job(pending, assets, hashes, {}))
        known = rendering.rendered(session, {h for job in jobs for h in job.hashes})
        for job in jobs:
            job.known = {h: known[h] for h in job.hashes if h in known}
        return jobs

    def _store(self, session, job: Job, pdfs: list[bytes]) -> None:
        rendering.store(session, job.pending.document_ids, pdfs, job.hashes, self.runtime.clock.now())

    def render_round(self, submit, sets: int) -> int:
        """Claim up to `sets` waiting sets, render them with `submit(fn, *args) -> future`, store what rendered;
        returns how many sets were claimed (0: nothing waits)."""
        if self._postgres:
            with self.runtime.unit_of_work() as uow:
                jobs = self._jobs(uow.session, rendering.claim(uow.session, sets, self._backing_off(), lock=True))
                self._finish(uow, jobs, submit)
            return len(jobs)
        with self.runtime.unit_of_work(read_only=True) as uow:
            jobs = self._jobs(uow.session, rendering.claim(uow.session, sets, self._backing_off()))
        if jobs:
            with self.runtime.unit_of_work() as uow:
                self._finish(uow, jobs, submit)
        return len(jobs)

    def _finish(self, uow, jobs: list[Job], submit) -> None:
        futures = [(job, None if job.cached else
                    submit(renderers.split, self.renderer, list(job.pending.contents), job.assets)) for job in jobs]
        for job, future in futures:
            if future is None:
                self._store(uow.session, job, [job.known[h] for h in job.hashes])
                RENDERED.labels("cached").inc(len(job.hashes))
                continue
            try:
                pdfs = future.result(timeout=RENDER_TIMEOUT_SECONDS)
            except BrokenProcessPool:
                raise  # the pool's fault, not the set's: the loop replaces the pool and the set is claimed again
            except FuturesTimeout:
                # a hung child would hold this round's row locks for ever (on-demand readers wait on them)
                raise BrokenProcessPool(f"a render took longer than {RENDER_TIMEOUT_SECONDS} s") from None
            except Exception as exc:  # noqa: BLE001 — one set's failure must not stop the others (or the loop)
                self._failed(job.pending, exc)
                continue
            self._store(uow.session, job, pdfs)
            self._succeeded(job.pending)
            RENDERED.labels("rendered").inc(len(pdfs))
        uow.commit()

    def _backing_off(self) -> list[str]:
        now = time.monotonic()
        return [key[0] for key, failure in self.failures.items() if failure.retry_at > now]

    def _failed(self, pending: PendingSet, exc: Exception) -> None:
        RENDER_FAILURES.inc()
        failure = self.failures.get(pending.key)
        attempts = failure.attempts + 1 if failure else 1
        self.failures[pending.key] = Failure(attempts, time.monotonic() + min(2 ** attempts, BACKOFF_CAP_SECONDS),
                                             f"{type(exc).__name__}: {exc}")
        if failure is None:  # once per set, not once per retry
            log.error("letters: rendering %s v%d failed; retrying with backoff (the letter stays issued)",
                      pending.inspection_id, pending.version, exc_info=exc)

    def _succeeded(self, pending: PendingSet) -> None:
        if self.failures.pop(pending.key, None) is not None:
            log.info("letters: rendering %s v%d succeeded after failing", pending.inspection_id, pending.version)

    def pdf_for(self, document: Document) -> bytes:
        """The document's PDF now: its whole set rendered in this process (one layout) and stored."""
        with self.runtime.unit_of_work(read_only=not self._postgres) as uow:
            pending = rendering.waiting_set_of(uow.session, document, lock=self._postgres)
            jobs = self._jobs(uow.session, [pending]) if pending else []
            if self._postgres:
                self._render_now(uow, jobs)
        if jobs and not self._postgres:
            with self.runtime.unit_of_work() as uow:
                self._render_now(uow, jobs)
        with self.runtime.unit_of_work(read_only=True) as uow:
            return rendering.pdf_of(uow.session, document.id)

    def _render_now(self, uow, jobs: list[Job]) -> None:
        for job in jobs:
            pdfs = ([job.known[h] for h in job.hashes] if job.cached
                    else renderers.split(self.renderer, list(job.pending.contents), job.assets))
            self._store(uow.session, job, pdfs)
            RENDERED.labels("on_demand").inc(len(pdfs))
        uow.commit()

    def batch(self, session, contents: list[dict]) -> bytes:
        """Many documents as one PDF (batch print); the same documents printed again are not rendered again."""
        assets = seals.assets_for(session, contents)
        key = rendering.content_hash(contents, assets, renderers.version(self.renderer))
        cached = rendering.cached_batch(session, key)
        if cached is not None:
            return cached
        pdf = self.renderer(contents, assets)
        with self.runtime.unit_of_work() as uow:
            rendering.store_batch(uow.session, key, pdf, self.runtime.clock.now())
            uow.commit()
        return pdf
