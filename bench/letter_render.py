"""Letter rendering (issues 5 and 15), each figure against a baseline measured in the same run.

1. P5 — one warm letter (goal ≤ 0.12 s) and a batch of 100 (goal ≤ 10 s), against bare WeasyPrint rendering the same
   HTML with the same fonts (no glyph check, no QR generation; the same asset fetcher, which the stylesheet needs).
2. One set — a visit's four documents laid out once and cut into four PDFs (adapters/pdf.py `render_each`), against
   four separate renders of the same documents.
3. The render loop — N issued sets rendered through the process pool exactly as the letters worker does it
   (`Renderings.render_round` on a scratch SQLite letters database, `Settings.render_processes` processes), against
   the CPU floor: one warm set render × N ÷ cores. Goal ≤ 1.2 × the floor. The pool's figure includes starting its
   processes and their font warm-up, as in production. Peak RSS (VmHWM) of the parent and of every render child,
   sampled from /proc every 50 ms (P7: ≤ 200 MB per process).

The render loop runs FIRST, so the parent's peak is the worker's own (it lays nothing out itself); the in-process
figures follow, at the render children's lower priority (render_loop.RENDER_NICENESS), so that on a shared machine
the floor is measured under the same conditions as the pool. A spawned child also imports this script as its
`__main__` (and with it SQLAlchemy and the test helpers), so its peak here is an upper bound of a worker's child.

Usage: python bench/letter_render.py [--runs 7] [--batch 100] [--sets 60] [--processes 0]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

from process_memory import status_mb
from support import median_seconds  # also puts the repository root on the path, for the tests' sample letter
from weasyprint import HTML

from services.letters.adapters import pdf
from services.letters.render_loop import RENDER_NICENESS, SETS_PER_PROCESS, process_pool, render_processes
from shared.pdf import font_config
from tests.support.letters import a_set, assign_and_schedule, letters_runtime
from tests.unit.test_letter_pdf import a_letter

RSS_GOAL_MB = 200


class PeakRss:
    """Samples the high-water mark of this process and of the pool's children until stopped."""

    def __init__(self, pool):
        self.pool, self.children, self.stop = pool, {}, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self.stop.wait(0.05):
            for pid in list((getattr(self.pool, "_processes", None) or {}).keys()):
                self.children[pid] = max(self.children.get(pid, 0), status_mb(pid, "VmHWM"))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        self.thread.join()


def render_loop(sets: int, processes: int) -> tuple[float, float, PeakRss]:
    """(seconds to issue N sets, seconds to render them all through the pool, peaks)."""
    with tempfile.TemporaryDirectory() as folder:
        runtime = letters_runtime(Path(folder), real_renderer=True, RENDER_PROCESSES=str(processes))
        start = time.perf_counter()
        for n in range(sets):
            assign_and_schedule(runtime, f"bench-{n}")
        issued = time.perf_counter() - start
        renderings, pool = runtime.bus.deps["renderings"], process_pool(processes)
        try:
            with PeakRss(pool) as peaks:
                start = time.perf_counter()
                while renderings.render_round(pool.submit, processes * SETS_PER_PROCESS):
                    pass
                rendered = time.perf_counter() - start
        finally:
            pool.shutdown()
            runtime.dispose()
    return issued, rendered, peaks


def report(what: str, goal: str, baseline: str, figure: str, ratio: float) -> None:
    print(f"{what}\n  goal     {goal}\n  baseline {baseline}\n  figure   {figure}\n  ratio    {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--sets", type=int, default=60)
    parser.add_argument("--processes", type=int, default=0, help="render processes (0: one per core)")
    args = parser.parse_args()
    cores, processes = os.cpu_count() or 1, render_processes(args.processes)

    issued, rendered, peaks = render_loop(args.sets, processes)
    parent_peak = status_mb(os.getpid(), "VmHWM")
    os.nice(RENDER_NICENESS)  # fair: the floor and the rest at the render children's priority (equal when idle)

    documents = a_set()
    pdf.render_each(documents)  # warm: fonts, cmaps, templates
    one_set = median_seconds(lambda: pdf.render_each(documents), args.runs)
    four = median_seconds(lambda: [pdf.render_documents([d]) for d in documents], args.runs)
    floor = one_set * args.sets / cores
    report("one set of four documents", "one layout cut in four is faster than four renders (ratio < 1)",
           f"four separate renders {four:.3f} s", f"one set render {one_set:.3f} s", one_set / four)
    report(f"{args.sets} sets through the render loop ({processes} processes, {cores} cores)",
           "≤ 1.2 × the CPU floor (one set render × sets ÷ cores)", f"floor {floor:.2f} s",
           f"{rendered:.2f} s, {args.sets / rendered:.1f} sets/s (issuing them took {issued:.2f} s, "
           f"{issued / args.sets * 1000:.1f} ms per set, nothing rendered)", rendered / floor)
    children = sorted(peaks.children.values(), reverse=True)
    report("peak RSS during the render loop (P7)", f"≤ {RSS_GOAL_MB} MB per process", "—",
           f"parent {parent_peak} MB; {len(children)} render children, peaks {children} MB",
           max([parent_peak, *children]) / RSS_GOAL_MB)

    letter = dict(a_letter(), kind="joint_letter")
    letters = [dict(letter, number=f"青环西联函〔2026〕{n + 1}号") for n in range(args.batch)]
    html_one, html_batch = pdf.documents_html([letter]), pdf.documents_html(letters)
    fonts = font_config()

    def bare(html):
        return HTML(string=html, url_fetcher=pdf.ProjectAssetFetcher()).write_pdf(font_config=fonts)

    pdf.render_joint_letter(letter)
    bare(html_one)
    ours = median_seconds(lambda: pdf.render_joint_letter(letter), args.runs)
    raw = median_seconds(lambda: bare(html_one), args.runs)
    ours_batch = median_seconds(lambda: pdf.render_joint_letters(letters), max(1, args.runs // 3))
    raw_batch = median_seconds(lambda: bare(html_batch), max(1, args.runs // 3))
    report("one warm letter (P5)", "≤ 0.12 s", f"bare WeasyPrint {raw:.3f} s", f"ours {ours:.3f} s", ours / raw)
    report(f"batch of {args.batch} (P5)", "≤ 10 s", f"bare WeasyPrint {raw_batch:.2f} s",
           f"ours {ours_batch:.2f} s ({ours_batch / args.batch:.3f} s/letter)", ours_batch / raw_batch)


if __name__ == "__main__":
    main()
