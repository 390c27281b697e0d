"""Task submission throughput (issue 3): single requests and one 1,000-task batch, through the real HTTP API
in-process (auth, validation, merging, audit, rejection bookkeeping), against a raw baseline measured in the
same run on the same database: one INSERT+COMMIT of a comparable row per task.

Usage: python bench/intake_submission.py [--singles 500] [--batch 1000] [--postgres]
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
import types
import uuid
from datetime import timedelta

from sqlalchemy import text
from support import scratch_postgres


def build(database_url: str | None):
    from services import registry
    from services.demo import _seed_intake
    from services.intake.catalog import read_catalog
    from shared.config import load_settings
    env = {"JOINTINSPECT_VAR": tempfile.mkdtemp(), "SECRET_KEY": "bench"}
    if database_url:
        env["INTAKE_DATABASE_URL"] = database_url
    app = registry.build("intake", load_settings("intake", env))
    tokens = _seed_intake(types.SimpleNamespace(apps={"intake": app}), read_catalog())
    return app, tokens


def plan(app, number: int) -> str:
    from shared.auth import Principal, issue_token
    from shared.web import runtime_of
    today = runtime_of(app).clock.today_local()
    clerk = issue_token("bench", Principal("clerk", "clerk01", "STHJ"))
    response = app.test_client().post("/intake/api/v1/plans", headers={"Authorization": f"Bearer {clerk}"}, json={
        "number": f"〔{today.year}〕{number}号", "name": "基准测试", "lead_department": "SCJG", "partners": ["STHJ"],
        "period_start": today.isoformat(), "period_end": (today + timedelta(days=30)).isoformat(),
        "intake_deadline": today.isoformat()})
    return response.json["id"]


def tasks(plan_id: str, n: int, prefix: str) -> list[dict]:
    from shared.uscc import random_uscc
    rng = random.Random(prefix)
    return [{"plan_id": plan_id, "external_id": f"{prefix}-{i}", "items": ["SCJG-01", "SCJG-02"],
             "company": {"uscc": random_uscc(rng), "name": f"基准企业{i}"}} for i in range(n)]


def raw_baseline(app, n: int) -> float:
    from services.intake.adapters.db import db
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_raw (id VARCHAR(36) PRIMARY KEY, body TEXT)"))
        start = time.perf_counter()
        for _ in range(n):
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO bench_raw VALUES (:id, :body)"),
                             {"id": str(uuid.uuid4()), "body": "x" * 300})
        return n / (time.perf_counter() - start)


def singles(app, token: str, bodies: list[dict]) -> float:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    start = time.perf_counter()
    for body in bodies:
        assert client.post("/intake/api/v1/joint-tasks", json=body, headers=headers).status_code == 201
    return len(bodies) / (time.perf_counter() - start)


def batch(app, token: str, bodies: list[dict]) -> float:
    start = time.perf_counter()
    response = app.test_client().post("/intake/api/v1/joint-tasks/batch", json={"tasks": bodies},
                                      headers={"Authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - start
    assert response.json["accepted"] == len(bodies)
    return len(bodies) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with scratch_postgres(args.postgres) as database_url:
        app, tokens = build(database_url)
        raw = raw_baseline(app, args.singles)
        one = singles(app, tokens["SCJG"], tasks(plan(app, 1), args.singles, "S"))
        many = batch(app, tokens["SCJG"], tasks(plan(app, 2), args.batch, "B"))
        from services.embedded import dispose
        dispose(app)
    store = "PostgreSQL" if args.postgres else "SQLite (embedded)"
    print(f"{store}")
    print(f"  raw INSERT+COMMIT per row     : {raw:8.0f} rows/s")
    print(f"  single POST /joint-tasks      : {one:8.0f} tasks/s   ratio {one / raw:5.2f}")
    print(f"  one batch of {args.batch:<5d}            : {many:8.0f} tasks/s   ratio {many / raw:5.2f}")


if __name__ == "__main__":
    main()
