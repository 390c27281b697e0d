"""Task submission throughput (issue 15, P1 and P2) over real HTTP: `jointinspect serve intake` (gunicorn, as
deployed) on a scratch PostgreSQL database, clients holding keep-alive connections (`http.client`).

  P1  single POST /joint-tasks from 1, 2 and 4 concurrent clients; baseline: raw psycopg, one INSERT + COMMIT of
      an equivalent row (the joint_task columns) per task, from the same number of client threads, same database.
  P2  one batch of 1,000 tasks; baseline: raw psycopg inserting the same 1,000 rows in one transaction. Then 9
      concurrent batches (every answer that is not 200 with all tasks accepted is counted and reported).

Prints the goal, the same-run baseline, the figure and the ratio. Usage:
  python bench/intake_submission.py [--singles 400] [--clients 1,2,4] [--batch 1000] [--batches 9] [--workers 2]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from support import ROOT, scratch_postgres

GOAL_P1 = "P1: single submissions ≥ 1,000 tasks/s and ≥ 0.45 × raw psycopg INSERT+COMMIT (same clients)"
GOAL_P2 = "P2: one batch of 1,000 ≥ 5,000 tasks/s; 9 concurrent batches with no 5xx"
SECRET = "bench-intake"
ITEMS = ["SCJG-01", "SCJG-02"]
RAW_TABLE = """CREATE TABLE bench_raw (id VARCHAR(36) PRIMARY KEY, plan_id VARCHAR(36), inspection_id VARCHAR(36),
    department_code VARCHAR(20), external_id VARCHAR(100), request_hash VARCHAR(64), items JSON, channel VARCHAR(10),
    status VARCHAR(20), created_at TIMESTAMPTZ, UNIQUE (department_code, external_id))"""
RAW_INSERT = "INSERT INTO bench_raw VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def seed(env: dict) -> tuple[str, str]:
    """Catalog, the SCJG department's token and one open plan in the scratch database: (token, plan id)."""
    from services import registry
    from services.intake.catalog import read_catalog
    from services.intake.commands import CreatePlan, LoadCatalog, RotateDepartmentToken
    from shared.config import load_settings
    settings = load_settings("intake", env)
    registry.migrate("intake", settings)
    runtime = registry.start("intake", settings)
    try:
        runtime.bus.handle(LoadCatalog(read_catalog(), "system:bench"))
        token = runtime.bus.handle(RotateDepartmentToken("SCJG", "system:bench"))
        today = runtime.clock.today_local()
        plan = runtime.bus.handle(CreatePlan(
            number=f"〔{today.year}〕8号", name="受理基准", module="部门联合", lead_department="SCJG",
            partners=("STHJ",), period_start=today, period_end=today + timedelta(days=30), intake_deadline=today,
            publish=True, actor="clerk:bench"))
        return token, plan.id
    finally:
        runtime.dispose()


def bodies(plan_id: str, n: int, prefix: str) -> list[dict]:
    from shared.uscc import random_uscc
    rng = random.Random(prefix)
    return [{"plan_id": plan_id, "external_id": f"{prefix}-{i}", "items": ITEMS,
             "company": {"uscc": random_uscc(rng), "name": f"基准企业{prefix}{i}"}} for i in range(n)]


def serve(env: dict, workers: int) -> tuple[subprocess.Popen, tuple[str, int]]:
    """`jointinspect serve intake` with its chosen gunicorn settings, on a free port."""
    from tests.conftest import answers, free_port, wait_for
    port = free_port()
    log = open(Path(env["JOINTINSPECT_VAR"]) / "serve.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen([sys.executable, "-m", "services.cli", "serve", "intake", "--bind",
                                f"127.0.0.1:{port}", "--workers", str(workers)],
                               cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log, start_new_session=True)
    wait_for(lambda: answers(f"http://127.0.0.1:{port}/intake/healthz"), timeout=60, message="intake serving")
    return process, ("127.0.0.1", port)


def post(conn: http.client.HTTPConnection, token: str, path: str, body: dict) -> tuple[int, dict]:
    conn.request("POST", f"/intake/api/v1/{path}", body=json.dumps(body).encode(),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def concurrently(jobs) -> tuple[list, float]:
    """Run the jobs on one thread each, released together; (results, seconds until the last one ended)."""
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs) + 1)

    def run(index, job):
        barrier.wait()
        results[index] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def http_singles(address, token: str, shares: list[list[dict]]) -> tuple[float, dict[int, int]]:
    """Each client on its own keep-alive connection posts its share one by one: (tasks/s, status → count)."""
    def client(share):
        conn, statuses = http.client.HTTPConnection(*address, timeout=120), []
        for body in share:
            statuses.append(post(conn, token, "joint-tasks", body)[0])
        conn.close()
        return statuses

    results, elapsed = concurrently([lambda s=s: client(s) for s in shares])
    return sum(map(len, shares)) / elapsed, _tally(status for statuses in results for status in statuses)


def http_batches(address, token: str, batches: list[list[dict]]) -> tuple[float, dict[str, int]]:
    """Each batch from its own connection at once: (accepted tasks/s, outcome → count)."""
    def client(tasks):
        conn = http.client.HTTPConnection(*address, timeout=600)
        try:
            status, answer = post(conn, token, "joint-tasks/batch", {"tasks": tasks})
        except OSError:
            return "no answer", 0
        finally:
            conn.close()
        accepted = answer.get("accepted", 0) if status == 200 else 0
        return ("200 all accepted" if accepted == len(tasks) else f"{status}"), accepted

    results, elapsed = concurrently([lambda b=b: client(b) for b in batches])
    return sum(accepted for _, accepted in results) / elapsed, _tally(outcome for outcome, _ in results)


def _tally(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def raw_rows(plan_id: str, n: int, prefix: str) -> list[tuple]:
    now = datetime.now(timezone.utc)
    return [(str(uuid.uuid4()), plan_id, str(uuid.uuid4()), "SCJG", f"{prefix}-{i}", "0" * 64, json.dumps(ITEMS),
             "http", "accepted", now) for i in range(n)]


def raw_singles(dsn: str, shares: list[list[tuple]]) -> float:
    """The raw driver at the same concurrency: one INSERT + COMMIT per task, a connection per client."""
    import psycopg

    def client(rows):
        with psycopg.connect(dsn) as conn:
            for row in rows:
                conn.execute(RAW_INSERT, row)
                conn.commit()

    _, elapsed = concurrently([lambda s=s: client(s) for s in shares])
    return sum(map(len, shares)) / elapsed


def raw_batches(dsn: str, batches: list[list[tuple]]) -> float:
    """The raw driver writing each batch's rows in one transaction (executemany + COMMIT)."""
    import psycopg

    def client(rows):
        with psycopg.connect(dsn) as conn:
            with conn.cursor() as cursor:
                cursor.executemany(RAW_INSERT, rows)
            conn.commit()

    _, elapsed = concurrently([lambda b=b: client(b) for b in batches])
    return sum(map(len, batches)) / elapsed


def split(items: list, parts: int) -> list[list]:
    return [items[i::parts] for i in range(parts)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--singles", type=int, default=400, help="single submissions per client count")
    parser.add_argument("--clients", default="1,2,4")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=9)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()
    with scratch_postgres() as url:
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        env = {"INTAKE_DATABASE_URL": url, "SECRET_KEY": SECRET, "JOINTINSPECT_VAR": tempfile.mkdtemp(),
               "LOG_LEVEL": "WARNING"}
        token, plan_id = seed(env)
        import psycopg
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(RAW_TABLE)
        process, address = serve(env, args.workers)
        try:
            http_singles(address, token, split(bodies(plan_id, 20 * args.workers, "W"), 2 * args.workers))  # warm
            print(f"PostgreSQL, `jointinspect serve intake` with {args.workers} gunicorn workers, keep-alive clients")
            print(f"goal: {GOAL_P1}")
            for clients in (int(c) for c in args.clients.split(",")):
                raw = raw_singles(dsn, split(raw_rows(plan_id, args.singles, f"R{clients}"), clients))
                rate, statuses = http_singles(address, token, split(bodies(plan_id, args.singles, f"S{clients}"),
                                                                    clients))
                print(f"  {clients} client(s): baseline raw INSERT+COMMIT {raw:7.0f} rows/s | "
                      f"POST /joint-tasks {rate:7.0f} tasks/s | ratio {rate / raw:5.2f} | answers {statuses}")
            print(f"goal: {GOAL_P2}")
            raw = raw_batches(dsn, [raw_rows(plan_id, args.batch, "RB")])
            rate, outcomes = http_batches(address, token, [bodies(plan_id, args.batch, "B")])
            print(f"  one batch of {args.batch}: baseline raw one-transaction insert {raw:7.0f} rows/s | "
                  f"POST /joint-tasks/batch {rate:7.0f} tasks/s | ratio {rate / raw:5.2f} | {outcomes}")
            raw = raw_batches(dsn, [raw_rows(plan_id, args.batch, f"RC{b}") for b in range(args.batches)])
            rate, outcomes = http_batches(address, token, [bodies(plan_id, args.batch, f"C{b}")
                                                           for b in range(args.batches)])
            print(f"  {args.batches} concurrent batches: baseline raw {raw:7.0f} rows/s | "
                  f"accepted {rate:7.0f} tasks/s | ratio {rate / raw:5.2f} | {outcomes}")
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=90)


if __name__ == "__main__":
    main()
