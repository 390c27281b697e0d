"""Fire concurrent joint-task submissions at a running system, as issue #10 measured it, and count the answers.

    .venv/bin/jointinspect up &            # or any deployment
    python3 scripts/concurrent_submissions.py [--base http://127.0.0.1:8000] [--identical 20] [--different 20]

Reads the demo's department tokens and open plan from `jointinspect demo-info --json` (or --demo FILE). The
identical submissions reuse one `external_id` and body (a partner's retries); the different ones are other
companies from several departments. Prints every status with its count; exits 1 if any answer is 5xx or the
identical submissions did not all name the same task. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from shared.uscc import random_uscc  # noqa: E402 — the repository's own valid-code generator

ITEMS = {"SCJG": ["SCJG-01"], "STHJ": ["STHJ-01"], "YJGL": ["YJGL-01"]}


def post(base: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}/intake/api/v1/joint-tasks", data=json.dumps(body).encode(),
                                     method="POST", headers={"Authorization": f"Bearer {token}",
                                                             "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--identical", type=int, default=20)
    parser.add_argument("--different", type=int, default=20)
    parser.add_argument("--demo", default=None, help="demo-info JSON file (default: run jointinspect demo-info)")
    args = parser.parse_args()
    info = json.loads(Path(args.demo).read_text() if args.demo else subprocess.run(
        [".venv/bin/jointinspect", "demo-info", "--json"], check=True, capture_output=True, text=True).stdout)
    tokens = {d["code"]: d["token"] for d in info["departments"] if d["code"] in ITEMS}
    rng, run = random.Random(), uuid.uuid4().hex[:8]
    same = {"plan_id": info["open_plan"], "external_id": f"RETRY-{run}", "items": ITEMS["SCJG"],
            "company": {"uscc": random_uscc(rng), "name": "青岛并发重试测试有限公司"}}
    jobs = [("SCJG", same, "identical")] * args.identical
    departments = sorted(tokens)
    for n in range(args.different):
        dept = departments[n % len(departments)]
        jobs.append((dept, {"plan_id": info["open_plan"], "external_id": f"C-{run}-{n}", "items": ITEMS[dept],
                            "company": {"uscc": random_uscc(rng), "name": f"青岛并发测试{n}有限公司"}}, "different"))
    rng.shuffle(jobs)
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(lambda job: (job[2], *post(args.base, tokens[job[0]], job[1])), jobs))
    counts = Counter((kind, status) for kind, status, _ in answers)
    for (kind, status), count in sorted(counts.items()):
        print(f"{kind:9} {status}: {count}")
    same_tasks = {body.get("task_id") for kind, status, body in answers if kind == "identical" and status < 300}
    failures = sum(count for (_, status), count in counts.items() if status >= 500)
    print(f"5xx: {failures}; identical submissions name {len(same_tasks)} task(s)")
    return 1 if failures or len(same_tasks) > 1 else 0


if __name__ == "__main__":
    sys.exit(main())
