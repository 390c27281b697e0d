"""Draw and verification time for pools of 100 / 10,000 / 100,000 members (issue 4), against a raw baseline in
the same run: one hash of the key, i.e. the least any RFC 3797 selection must do.

Draw = freeze (sort) the pool, hash it (canonical JSON), select the team; verify = what a third party does from the
record (`shared.rfc3797.verify`: key, sortedness, id charset, pool hash, re-selection). The public randomness is
entered by script and marked so (issue 13): `SCRIPTED` below, never a real lottery result.

Usage: python bench/draw_verify.py [--runs 5] [--count 2]
"""
from __future__ import annotations

import argparse
import hashlib
import random

from support import median_seconds

from shared import rfc3797

SCRIPTED = {"source": "基准测试脚本录入（非真实开奖）", "numbers": [3, 17, 22, 31]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=2)
    args = parser.parse_args()
    rng = random.Random(3797)
    key = rfc3797.make_key([[rng.randrange(2**62)], SCRIPTED["numbers"]])
    baseline = median_seconds(lambda: hashlib.sha256(key.encode()).digest(), 1000)
    print(f"baseline: one SHA-256 of the key {baseline * 1e6:8.2f} µs")
    print(f"{'pool':>8} {'draw ms':>10} {'verify ms':>10} {'draw/base':>10} {'verify/base':>12}")
    for size in (100, 10_000, 100_000):
        ids = [f"INS-{rng.randrange(10**9):09d}-{i}" for i in range(size)]

        def draw():
            pool = sorted(ids)
            return {"algorithm": "sha256", "sources": [[1], SCRIPTED["numbers"]], "key": key, "pool": pool,
                    "pool_hash": rfc3797.pool_hash(pool), "count": args.count,
                    "selected": rfc3797.select(pool, args.count, key), "randomness": SCRIPTED}

        record = draw()
        record["sources"] = [[int(key.split(".")[0])], SCRIPTED["numbers"]]
        assert rfc3797.verify(record)[0], "the benchmark measures a record that verifies"
        d, v = median_seconds(draw, args.runs), median_seconds(lambda: rfc3797.verify(record), args.runs)
        print(f"{size:>8} {d * 1e3:10.2f} {v * 1e3:10.2f} {d / baseline:10.0f} {v / baseline:12.0f}")


if __name__ == "__main__":
    main()
