"""What the benchmarks share: timing by median, a throw-away PostgreSQL database, and the repository root on the
import path (a benchmark runs as `python bench/<name>.py` and reuses the tests' sample data)."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def median_seconds(func, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _psql(sql: str, check: bool = True) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=check)


@contextmanager
def scratch_postgres(wanted: bool = True):
    """A fresh database URL for one benchmark run (None when not wanted), dropped afterwards."""
    if not wanted:
        yield None
        return
    name = f"bench_{uuid.uuid4().hex[:8]}"
    _psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', check=False)
