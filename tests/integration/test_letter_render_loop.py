"""Issue 15 on the real parts: several letters workers render different sets on PostgreSQL (`SKIP LOCKED`, each set
once), and the render loop's process pool prints real letters with WeasyPrint in child processes."""
from __future__ import annotations

import subprocess
import threading
import time

import pytest

from services.letters.render_loop import inline, process_pool
from shared.config import load_settings
from shared.migrations import upgrade
from tests.support.letters import FakeRenderer, assign_and_schedule, letters_runtime, rows

pytestmark = pytest.mark.integration


class SlowRenderer(FakeRenderer):
    """Takes a while per set (so two workers' rounds overlap) and counts sets across threads."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def split(self, documents, assets=None):
        time.sleep(0.05)
        with self.lock:
            return super().split(documents, assets)


def _pg_letters(pg_env, tmp_path, renderer):
    from services.letters.bootstrap import bootstrap
    settings = load_settings("letters", {**pg_env, "JOINTINSPECT_VAR": str(tmp_path),
                                         "PUBLIC_BASE_URL": "http://testserver"})
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade("letters", settings.database_url)  # the migrations, 0009 included
    return bootstrap(settings, render_documents=renderer)


def test_two_workers_on_postgresql_render_every_set_exactly_once(pg_env, tmp_path):
    renderer = SlowRenderer()
    first, second = (_pg_letters(pg_env, tmp_path / name, renderer) for name in ("a", "b"))
    try:
        for n in range(12):
            assign_and_schedule(first, f"insp-{n}")
        claimed = {"a": 0, "b": 0}

        def work(name, runtime):
            renderings = runtime.bus.deps["renderings"]
            while (got := renderings.render_round(inline, sets=2)):
                claimed[name] += got

        threads = [threading.Thread(target=work, args=item) for item in (("a", first), ("b", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        files = rows(first, "DocumentFile")
    finally:
        first.dispose()
        second.dispose()
    assert len(renderer.calls) == 12 and claimed["a"] + claimed["b"] == 12, "each set rendered once"
    assert claimed["a"] and claimed["b"], "both workers took sets"
    assert len(files) == 48 and len({f.document_id for f in files}) == 48


def test_the_process_pool_prints_the_set_in_child_processes(tmp_path):
    runtime = letters_runtime(tmp_path, real_renderer=True)
    pool = process_pool(2)
    try:
        assign_and_schedule(runtime)
        assert runtime.bus.deps["renderings"].render_round(pool.submit, sets=4) == 1
        files = {f.document_id: f.pdf for f in rows(runtime, "DocumentFile")}
        documents = {d.kind: d for d in rows(runtime, "Document")}
        letter = documents["joint_letter"]
    finally:
        pool.shutdown()
        runtime.dispose()
    assert len(files) == 4 and all(pdf.startswith(b"%PDF-") for pdf in files.values())
    (tmp_path / "letter.pdf").write_bytes(files[letter.id])
    text = subprocess.run(["pdftotext", str(tmp_path / "letter.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert letter.number in text and letter.verification_code in text
    assert documents["notice"].verification_code not in text, "the letter alone, cut from the set"
