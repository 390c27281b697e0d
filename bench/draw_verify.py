"""P6 (issue 15): one department's draw through the draw SERVICE — `DrawInspectors` on the draw bus with a real unit
of work on PostgreSQL (its own scratch database): the pool read from a library of 10,000 / 100,000 officers with
status periods, declared interests and team loads, eligibility with its public reasons, the seed committed and the
pool frozen, audit and outbox — against a baseline measured in the same run: the RFC 3797 core on the same number
of in-memory ids (sort, hash, select), the least any draw of that pool must do. The verifier's time (what a third
party does from the record, `shared.rfc3797.verify`) is an extra line.

The library is written by script (bulk rows, no audit): only the draw is timed. The public randomness a verifier
needs is entered by script and marked so (issue 13): `SCRIPTED` below, never a real lottery result.

Usage: python bench/draw_verify.py [--sizes 10000,100000] [--runs 5] [--count 2]
"""
from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
from datetime import date, timedelta
from pathlib import Path

from support import median_seconds, scratch_postgres

from shared import rfc3797

SCRIPTED = {"source": "基准测试脚本录入（非真实开奖）", "numbers": [3, 17, 22, 31]}
GOAL_MS = 50.0  # P6: a pool of 10,000 officers
COMPANY = "914403001922038216"


def rfc_core(ids: list[str], key: str, count: int):
    """The baseline: freeze (sort) the pool, hash it (canonical JSON), select the team."""
    pool = sorted(ids)
    return {"algorithm": "sha256", "sources": [[1], SCRIPTED["numbers"]], "key": key, "pool": pool,
            "pool_hash": rfc3797.pool_hash(pool), "count": count, "selected": rfc3797.select(pool, count, key),
            "randomness": SCRIPTED}


def library(size: int, today: date, rng: random.Random) -> dict[str, list[dict]]:
    """A varied library: some officers off duty, expired, of another district or merely named; a tenth with a
    status period (half of them overlapping the visit), interests with this company and others, and loads."""
    visit_start = today + timedelta(days=3)  # an_inspection: the visit runs from today + 3 to today + 6
    rows = {"inspector": [], "inspector_status_period": [], "inspector_conflict": [], "team_member": []}
    for n in range(size):
        officer = f"INS-{n:07d}"
        rows["inspector"].append({
            "id": officer, "name": f"执法人员{n}", "department_code": "STHJ", "department_name": "基准分局",
            "unit": f"第{n % 4 + 1}中队", "certificate_no": f"BENCH{n:07d}", "certificate_issuer": "青岛市人民政府",
            "certificate_expiry": today + timedelta(days=-30 if rng.random() < 0.02 else 700),
            "on_duty": rng.random() >= 0.02, "established": True, "phone": "", "expertise": [],
            "jurisdiction": "370200" if rng.random() < 0.03 else "370211",
            "source": "named" if rng.random() < 0.01 else "library"})
        if rng.random() < 0.1:
            start = visit_start + timedelta(days=rng.choice((-2, 1, 10, -20)))
            rows["inspector_status_period"].append({
                "id": f"P-{n}", "inspector_id": officer, "kind": rng.choice(("休假", "病假", "借调")), "start": start,
                "end": start + timedelta(days=3), "note": "", "recorded_by": "bench", "recorded_at": today})
        if rng.random() < 0.06:
            rows["inspector_conflict"].append({
                "id": f"C-{n}", "inspector_id": officer, "company_uscc": COMPANY if rng.random() < 0.2 else
                f"91370211{n:010d}", "reason": "亲属", "source": "declared", "recorded_by": "bench",
                "recorded_at": today})
        for visit in range(rng.choice((0, 0, 1, 3))):
            begins = visit_start + timedelta(days=rng.randrange(-40, 20))
            rows["team_member"].append({
                "id": f"T-{n}-{visit}", "inspection_id": f"old-{rng.randrange(size)}", "inspector_id": officer,
                "visit_start": begins, "visit_end": begins + timedelta(days=rng.choice((0, 14))), "via": "draw",
                "since": today, "until": None})
    return rows


def populated(url: str, size: int, rng: random.Random):
    from sqlalchemy import insert

    from services.draw.adapters.db import Base
    from tests.support.draw import draw_runtime
    runtime = draw_runtime(Path(tempfile.mkdtemp()), DRAW_DATABASE_URL=url, DRAW_MAX_LOAD="3")
    with runtime.unit_of_work() as uow:
        for table, rows in library(size, runtime.clock.today_local(), rng).items():
            model = Base.metadata.tables[table]
            for at in range(0, len(rows), 5000):
                uow.session.execute(insert(model), rows[at:at + 5000])
        uow.commit()
    with runtime.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    return runtime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=2)
    args = parser.parse_args()
    from sqlalchemy import select

    from services.draw.adapters.db import SeedCommitment
    from services.draw.commands import DrawInspectors
    from tests.support.draw import an_inspection
    rng = random.Random(3797)
    key = rfc3797.make_key([[rng.randrange(2**62)], SCRIPTED["numbers"]])
    print(f"goal (P6): a draw from a pool of 10,000 officers ≤ {GOAL_MS:.0f} ms, through the service on PostgreSQL")
    print("(medians; 'best' is the fastest draw — on a busy machine it is the closer to a quiet one's median)")
    print(f"{'officers':>9} {'pool':>7} {'core ms':>9} {'draw ms':>9} {'best ms':>9} {'ratio':>7} "
          f"{'verify ms':>10}  goal")
    for size in (int(s) for s in args.sizes.split(",")):
        with scratch_postgres() as url:
            runtime = populated(url, size, rng)
            try:
                today = runtime.clock.today_local()
                runs = itertools.count()

                def draw():
                    inspection = an_inspection(f"bench-{size}-{next(runs)}", uscc=COMPANY, today=today)
                    return runtime.bus.handle(DrawInspectors(inspection))

                draw()  # warm: the first statement of each kind is compiled and cached
                samples = [median_seconds(draw, 1) for _ in range(args.runs)]
                service, best = statistics.median(samples), min(samples)
                with runtime.unit_of_work(read_only=True) as uow:
                    pools = uow.session.execute(select(SeedCommitment.pool)).scalars().all()
                assert len(pools) == args.runs + 1, "every timed draw committed its pool (none was blocked)"
                pool = list(pools[0])
            finally:
                runtime.dispose()
        core = median_seconds(lambda: rfc_core(pool, key, args.count), args.runs)
        record = rfc_core(pool, key, args.count)
        record["sources"] = [[int(key.split(".")[0])], SCRIPTED["numbers"]]
        assert rfc3797.verify(record)[0], "the benchmark measures a record that verifies"
        verify = median_seconds(lambda: rfc3797.verify(record), args.runs)
        verdict = ("met" if service * 1e3 <= GOAL_MS else "NOT met") if size == 10_000 else "-"
        print(f"{size:>9} {len(pool):>7} {core * 1e3:9.2f} {service * 1e3:9.2f} {best * 1e3:9.2f} "
              f"{service / core:6.1f}× {verify * 1e3:10.2f}  {verdict}")


if __name__ == "__main__":
    main()
