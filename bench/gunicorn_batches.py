"""Concurrent batch submissions through real gunicorn (issue 15, P2; the worker class `jointinspect serve` uses).

The same intake, the same PostgreSQL, the same concurrent 1,000-task batches, served three ways in one run:
  before  — gunicorn's defaults that `serve` used until issue 15: `sync` workers, 30 s timeout;
  chosen  — what `serve` runs now (services/cli/operator_commands.py: gthread, THREADS, TIMEOUT);
and, as the fair floor, raw psycopg writing the same number of rows, one multi-row INSERT + COMMIT per batch, from
as many threads as there are batches. Each gunicorn run gets a fresh database (no run inherits another's rows).

Prints the goal, the raw baseline, each run's tasks/s, its ratio to the baseline, and — what the worker class is
about — how many batches were answered 5xx or never answered (worker killed by its timeout).

Usage: python bench/gunicorn_batches.py [--batches 9] [--tasks 1000] [--workers 2]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from intake_submission import bodies, concurrently, seed  # the same plan, task bodies and release-together threads
from support import ROOT, scratch_postgres

GOAL = "P2: concurrent batches all accepted (no 5xx, no worker killed), ≥ 5,000 tasks/s, ≥ 0.45 × raw psycopg"
SECRET = "bench-gunicorn"
SERVE = """
import json, sys
from services.cli.operator_commands import gunicorn_options, run_gunicorn
from services import registry
from shared.config import load_settings
settings = load_settings("intake")
registry.migrate("intake", settings)
run_gunicorn("intake", settings, gunicorn_options(sys.argv[1], int(sys.argv[2]), **json.loads(sys.argv[3])))
"""
RUNS = {"before (sync, timeout 30)": {"worker_class": "sync", "threads": 1, "timeout": 30, "graceful_timeout": 30},
        "chosen (serve's default)": {}}


def serve(env: dict, workers: int, changes: dict) -> tuple[subprocess.Popen, str]:
    from tests.conftest import answers, free_port, wait_for
    bind = f"127.0.0.1:{free_port()}"
    log = open(Path(env["JOINTINSPECT_VAR"]) / "serve.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen([sys.executable, "-c", SERVE, bind, str(workers), json.dumps(changes)],
                               cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)
    wait_for(lambda: answers(f"http://{bind}/intake/healthz"), timeout=60, message="gunicorn answering")
    return process, f"http://{bind}"


def post_batch(base: str, token: str, tasks: list[dict]) -> int:
    request = urllib.request.Request(f"{base}/intake/api/v1/joint-tasks/batch", method="POST",
                                     data=json.dumps({"tasks": tasks}).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            accepted = json.loads(response.read())["accepted"]
            return accepted if accepted == len(tasks) else -response.status
    except urllib.error.HTTPError as error:
        return -error.code
    except OSError:
        return -1  # connection closed: the worker was killed mid-request


def gunicorn_run(workers: int, batches: int, n: int, changes: dict) -> tuple[float, int, int]:
    """(tasks/s accepted, batches failed, tasks lost) for one server configuration on a fresh database."""
    with scratch_postgres() as url:
        env = {"INTAKE_DATABASE_URL": url, "SECRET_KEY": SECRET, "JOINTINSPECT_VAR": tempfile.mkdtemp()}
        token, plan_id = seed(env)
        process, base = serve(env, workers, changes)
        try:
            warm = [bodies(plan_id, 5, f"W{w}") for w in range(2 * workers)]  # every worker past its first request
            concurrently([lambda p=p: post_batch(base, token, p) for p in warm])
            payloads = [bodies(plan_id, n, f"B{b}") for b in range(batches)]
            results, elapsed = concurrently([lambda p=p: post_batch(base, token, p) for p in payloads])
        finally:
            process.terminate()
            process.wait(timeout=90)
    accepted = sum(r for r in results if r > 0)
    failed = sum(1 for r in results if r <= 0)
    return accepted / elapsed, failed, batches * n - accepted


def raw_baseline(batches: int, n: int) -> float:
    """Raw psycopg, the same rows' worth of writes: per batch one multi-row INSERT of n rows and one COMMIT."""
    import psycopg
    with scratch_postgres() as url:
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_raw (id VARCHAR(36) PRIMARY KEY, body TEXT)")

        def one_batch():
            with psycopg.connect(dsn) as conn:
                rows = [(str(uuid.uuid4()), "x" * 300) for _ in range(n)]
                with conn.cursor() as cursor:
                    cursor.executemany("INSERT INTO bench_raw VALUES (%s, %s)", rows)
                conn.commit()

        _, elapsed = concurrently([one_batch for _ in range(batches)])
    return batches * n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=9)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    raw = raw_baseline(args.batches, args.tasks)
    print(f"goal: {GOAL}")
    print(f"{args.batches} concurrent batches of {args.tasks} tasks, {args.workers} gunicorn workers, PostgreSQL")
    print(f"  baseline raw psycopg (same rows, {args.batches} threads) : {raw:8.0f} rows/s")
    for label, changes in RUNS.items():
        rate, failed, lost = gunicorn_run(args.workers, args.batches, args.tasks, changes)
        print(f"  {label:<28s}: {rate:8.0f} tasks/s  ratio {rate / raw:5.2f}  "
              f"batches failed {failed}/{args.batches}  tasks lost {lost}")


if __name__ == "__main__":
    main()
