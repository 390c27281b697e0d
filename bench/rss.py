"""P7 for letters' web process: resident memory of a gunicorn worker serving the clerk's portal, before, during and
after a batch print of N letters (issue 15), against the same-run baseline of laying the same batch out in one
process, as the web worker did before (WeasyPrint's layout memory stays with the process that made it).

Letters' web runs as `jointinspect serve letters` does (gunicorn, serve's worker class and threads; one worker so
the figures are that worker's) on a scratch PostgreSQL database holding N issued letters. Figures come from
/proc/<pid>/status: VmRSS sampled every 20 ms, VmHWM (the kernel's high-water mark) of the worker, and of every
child it starts (a batch is laid out in a short-lived child, services/letters/batch_printing.py).

Usage: python bench/rss.py [--letters 100]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

from process_memory import status_mb
from support import ROOT, scratch_postgres

GOAL_MB = 200
GOAL = f"P7: every letters web process ≤ {GOAL_MB} MB resident, before, during and after a batch print"
SECRET = "bench-rss"
SERVE = """
import sys
from services.cli.operator_commands import gunicorn_options, run_gunicorn
from services import registry
from shared.config import load_settings
settings = load_settings("letters")
registry.migrate("letters", settings)
run_gunicorn("letters", settings, gunicorn_options(sys.argv[1], 1))
"""
BASELINE = """
import gc, sys, time
sys.path.insert(0, sys.argv[2])
from services.letters.adapters.renderer import LetterRenderer
from tests.unit.test_letter_pdf import a_letter
def rss():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1]) // 1024
letter = dict(a_letter(), kind="joint_letter")
renderer = LetterRenderer()
renderer([letter])
warm = rss()
started = time.perf_counter()
pdf = renderer([dict(letter, number=f"青环西联函〔2026〕{n + 1}号") for n in range(int(sys.argv[1]))])
seconds = time.perf_counter() - started
del pdf
gc.collect()
peak = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) // 1024
print(warm, peak, rss(), seconds)
"""


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def seed(env: dict, n: int) -> list[str]:
    """N issued joint letters, as the render loop leaves them; returns their ids."""
    from services.letters.adapters.db import Document
    from services.letters.bootstrap import bootstrap
    from services.registry import migrate
    from shared.config import load_settings
    from tests.unit.test_letter_pdf import a_letter
    settings = load_settings("letters", env)
    migrate("letters", settings)
    runtime = bootstrap(settings)
    ids = [str(uuid.uuid4()) for _ in range(n)]
    with runtime.unit_of_work() as uow:
        for k, document_id in enumerate(ids):
            number = f"青环西联函〔2026〕{k + 1}号"
            uow.add(Document(id=document_id, inspection_id=str(uuid.uuid4()), kind="joint_letter",
                             issuer_code="青环西联函", year=2026, seq=k + 1, number=number, version=1,
                             verification_code=uuid.uuid4().hex[:12].upper(), inspector_ids=["INS-001"],
                             content=dict(a_letter(), kind="joint_letter", number=number),
                             created_at=datetime.now(timezone.utc)))
        uow.commit()
    runtime.dispose()
    return ids


class Sampler:
    """Peak VmRSS of the worker and of its children, sampled while a request runs."""

    def __init__(self, worker: int):
        self.worker, self.peaks, self.stop = worker, {"worker": 0, "child": 0}, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            self.peaks["worker"] = max(self.peaks["worker"], status_mb(self.worker, "VmRSS"))
            for child in children(self.worker):
                self.peaks["child"] = max(self.peaks["child"], status_mb(child, "VmHWM"),
                                          status_mb(child, "VmRSS"))
            self.stop.wait(0.02)


def request(base: str, path: str, token: str, data: bytes | None = None) -> bytes:
    headers = {"Authorization": f"Bearer {token}", "Origin": base}
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers), timeout=900) as r:
        return r.read()


def measured(n: int) -> dict:
    from urllib.parse import urlencode

    from shared.auth import Principal, issue_token
    from tests.conftest import answers, free_port, wait_for
    with scratch_postgres() as url:
        env = {"LETTERS_DATABASE_URL": url, "SECRET_KEY": SECRET, "JOINTINSPECT_VAR": tempfile.mkdtemp(),
               "PUBLIC_BASE_URL": "http://127.0.0.1"}
        ids = seed(env, n)
        bind = f"127.0.0.1:{free_port()}"
        master = subprocess.Popen([sys.executable, "-c", SERVE, bind], cwd=ROOT, env={**os.environ, **env},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://{bind}"
            wait_for(lambda: answers(f"{base}/letters/healthz"), timeout=90, message="gunicorn answering")
            token = issue_token(SECRET, Principal("clerk", "clerk-bench"))
            request(base, "/letters/portal?per_page=100", token)
            worker = children(master.pid)[0]
            before = status_mb(worker, "VmRSS")
            sampler = Sampler(worker)
            sampler.thread.start()
            started = time.perf_counter()
            pdf = request(base, "/letters/portal/batch", token, urlencode({"document": ids}, doseq=True).encode())
            seconds = time.perf_counter() - started
            sampler.stop.set()
            sampler.thread.join()
            request(base, "/letters/portal?per_page=100", token)
            return {"before": before, "peak": max(sampler.peaks["worker"], status_mb(worker, "VmHWM")),
                    "after": status_mb(worker, "VmRSS"), "child": sampler.peaks["child"], "seconds": seconds,
                    "pdf_bytes": len(pdf), "is_pdf": pdf.startswith(b"%PDF")}
        finally:
            master.terminate()
            master.wait(timeout=90)


def baseline(n: int) -> tuple[int, int, int, float]:
    """(warm, peak, after) MB of one process laying the same N letters out itself, and the seconds it took."""
    out = subprocess.run([sys.executable, "-c", BASELINE, str(n), str(ROOT)], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), int(out[2]), float(out[3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=100)
    args = parser.parse_args()
    print(f"goal: {GOAL}")
    warm, peak, after, seconds = baseline(args.letters)
    print(f"baseline, {args.letters} letters laid out in the process itself (the web worker before): "
          f"warm {warm} MB, peak {peak} MB, after {after} MB  ratio peak/goal {peak / GOAL_MB:.2f}; "
          f"layout {seconds:.1f} s")
    m = measured(args.letters)
    print(f"letters web worker (gunicorn, batch in a child): before {m['before']} MB, peak {m['peak']} MB, "
          f"after {m['after']} MB  ratio peak/goal {m['peak'] / GOAL_MB:.2f}")
    print(f"  the batch's child process: peak {m['child']} MB  ratio {m['child'] / GOAL_MB:.2f}; "
          f"batch {m['seconds']:.1f} s, {m['pdf_bytes']} bytes, PDF {m['is_pdf']}")
    print(json.dumps({"baseline": {"warm": warm, "peak": peak, "after": after, "seconds": seconds}, "measured": m}))


if __name__ == "__main__":
    main()
