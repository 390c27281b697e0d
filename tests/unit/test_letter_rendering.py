"""Issue 15: letters are issued without rendering; their PDFs come after the commit — from the render loop, or on
demand for a reader who asks first — one layout per set, cached by content hash, and a failing render never loses
a letter. A fake renderer on SQLite (tests/support/letters.py)."""
from __future__ import annotations

import threading
import time

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import event

from services.letters.adapters import rendering
from services.letters.queries import BatchPdf, DocumentPdf, DocumentsOfInspection
from services.letters.render_loop import RenderLoop, inline
from shared.auth import Principal
from tests.support.letters import FakeRenderer, assign_and_schedule, letters_runtime, rows

pytestmark = pytest.mark.unit
CLERK = Principal("clerk", "clerk01")


class FlakyRenderer(FakeRenderer):
    """Fails the first `failures` set renders (an unexpected error after issue), then renders."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    def split(self, documents, assets=None):
        if self.failures:
            self.failures -= 1
            raise RuntimeError("renderer crashed")
        return super().split(documents, assets)


@pytest.fixture
def renderer():
    return FakeRenderer()


@pytest.fixture
def letters(tmp_path, renderer):
    runtime = letters_runtime(tmp_path, renderer=renderer)
    yield runtime
    runtime.dispose()


def _renderings(runtime):
    return runtime.bus.deps["renderings"]


def _documents(runtime, inspection_id="insp-1"):
    return runtime.bus.handle(DocumentsOfInspection(inspection_id, CLERK))


def test_issuing_renders_nothing_and_takes_the_number_after_every_read(letters, renderer):
    statements = []
    event.listen(letters.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql.lower()))
    assert assign_and_schedule(letters) is True
    issued = list(statements)
    assert renderer.calls == [] and rows(letters, "DocumentFile") == []
    assert len(_documents(letters)) == 4 and len(rows(letters, "Outbox")) == 2
    locked = issued[next(n for n, s in enumerate(issued) if s.startswith("update number_sequence")):]
    assert not [s for s in locked if s.startswith("select") and " seal" in s], "the seal is read before the lock"
    assert not [s for s in issued if "document_file" in s]


def test_one_round_renders_each_set_once_and_stores_every_pdf_with_its_time_and_hash(letters, renderer):
    assign_and_schedule(letters, "insp-1")
    assign_and_schedule(letters, "insp-2")
    assert _renderings(letters).render_round(inline, sets=8) == 2
    assert [[d["kind"] for d in documents] for documents, _assets in renderer.calls] == \
        [["joint_letter", "notice", "checklist", "field_record"]] * 2, "one render per set"
    files = rows(letters, "DocumentFile")
    assert len(files) == 8 and all(f.rendered_at is not None and len(f.content_hash) == 64 for f in files)
    assert _renderings(letters).render_round(inline, sets=8) == 0


def test_a_pdf_asked_for_before_the_loop_is_rendered_on_demand_with_its_set(letters, renderer):
    assign_and_schedule(letters)
    letter, notice = _documents(letters)[:2]
    assert letters.bus.handle(DocumentPdf(letter.id, CLERK))[1] == b"%PDF-fake joint_letter"
    assert letters.bus.handle(DocumentPdf(notice.id, CLERK))[1] == b"%PDF-fake notice"
    assert len(renderer.calls) == 1 and len(rows(letters, "DocumentFile")) == 4
    assert _renderings(letters).render_round(inline, sets=8) == 0, "nothing left for the loop"


def test_a_document_with_the_same_content_is_copied_not_rendered_again(letters, renderer):
    from services.letters.adapters.db import Document
    assign_and_schedule(letters)
    _renderings(letters).render_round(inline, sets=8)
    with letters.unit_of_work() as uow:  # the same set stored again, e.g. a re-issue with unchanged content
        for n, original in enumerate(_documents(letters)):
            uow.add(Document(**{**{c.name: getattr(original, c.name) for c in Document.__table__.columns},
                                "id": f"copy-{n}", "version": 2, "seq": 99, "verification_code": f"COPY-{n}"}))
        uow.commit()
    assert _renderings(letters).render_round(inline, sets=8) == 1
    assert len(renderer.calls) == 1 and len(rows(letters, "DocumentFile")) == 8


def test_printing_the_same_letters_again_renders_nothing(letters, renderer):
    assign_and_schedule(letters)
    chosen = tuple(d.id for d in _documents(letters)[:2])
    first = letters.bus.handle(BatchPdf(chosen, CLERK))
    assert letters.bus.handle(BatchPdf(chosen, CLERK)) == first == b"%PDF-fake joint_letter,notice"
    assert len(renderer.calls) == 1


def test_old_batch_prints_are_dropped_from_the_cache(letters, monkeypatch):
    monkeypatch.setattr(rendering, "BATCHES_KEPT", 2)
    with letters.unit_of_work() as uow:
        for n in range(4):
            rendering.store_batch(uow.session, f"{n:064d}", b"%PDF", letters.clock.now().replace(minute=n))
        uow.commit()
    assert sorted(b.content_hash[-1] for b in rows(letters, "RenderedBatch")) == ["2", "3"]


@pytest.mark.parametrize("renderer", [FlakyRenderer(failures=2)])
def test_a_failing_render_keeps_the_letter_counts_and_retries_with_backoff(letters, renderer):
    def failures():
        return REGISTRY.get_sample_value("jointinspect_letter_render_failures_total") or 0

    before = failures()
    assign_and_schedule(letters)
    renderings = _renderings(letters)
    assert renderings.render_round(inline, sets=8) == 1
    assert rows(letters, "DocumentFile") == [] and len(_documents(letters)) == 4
    assert failures() == before + 1
    assert renderings.render_round(inline, sets=8) == 0, "backing off"
    for _ in range(2):
        for failure in renderings.failures.values():
            failure.retry_at = 0  # the backoff elapsed
        renderings.render_round(inline, sets=8)
    assert len(rows(letters, "DocumentFile")) == 4 and renderings.failures == {}
    assert failures() == before + 2


def test_the_render_loop_is_a_part_of_the_runtime_and_renders_what_was_issued(letters, renderer):
    assert [name for name, _run in letters.parts] == ["render-loop"]
    loop = RenderLoop(_renderings(letters), 1, pool_factory=lambda _n: InlinePool())
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    try:
        assign_and_schedule(letters)
        deadline = time.monotonic() + 30
        while len(rows(letters, "DocumentFile")) < 4 and time.monotonic() < deadline:
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert len(rows(letters, "DocumentFile")) == 4 and not thread.is_alive()


class InlinePool:
    submit = staticmethod(inline)

    def shutdown(self, wait=True, cancel_futures=False):
        pass


def test_font_coverage_is_read_once_into_a_bitmap_every_later_process_reuses(tmp_path, monkeypatch):
    import subprocess

    from services.letters.adapters import coverage, pdf
    faces = [face for family in pdf.FONT_FAMILIES for face in pdf._installed_faces(family)[:1]]
    first = coverage.load(faces, tmp_path)
    assert [p.name.startswith("coverage-") for p in tmp_path.iterdir()] == [True]
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("read the cmaps again"))
    again = coverage.load(faces, tmp_path)
    assert ord("张") in again and ord("张") in first and 0x2A6A5 not in again and -1 not in again
