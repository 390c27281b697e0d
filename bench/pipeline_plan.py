"""The plan of `bench/pipeline.py` and its tasks, submitted before the clock starts: led by market regulation
(SCJG) with emergency management (YJGL) as partner, one task from each for every one of N unique companies,
in batches through intake's HTTP API."""
from __future__ import annotations

from datetime import timedelta

from support import ROOT  # noqa: F401  (puts the repository root on the path)

LEAD, PARTNER = "SCJG", "YJGL"
ITEMS = {"SCJG": ["SCJG-01", "SCJG-03"], "YJGL": ["YJGL-01"]}


def companies(count: int) -> list[dict]:
    from tests.faults.test_fault_storm import _companies
    return [dict(c, name=c["name"].replace("故障演练", "基准测试")) for c in _companies(count)]


def ok(result, expected=(200, 201)):
    status, body = result
    if status not in expected:
        raise RuntimeError(f"HTTP {status}: {str(body)[:500]}")
    return body


def submit(http, tokens: dict, visits: int, batch: int, today) -> tuple[str, set[str]]:
    """The plan and its 2 × N tasks (not timed): answers the plan id and the visits the tasks merged into."""
    clerk = ok(http.call("POST", "/draw/api/v1/auth/login", None, {"username": "clerk01", "password": "jointinspect"}))
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk["token"], {
        "number": f"〔{today.year}〕915号", "name": "吞吐量基准计划", "module": "部门联合", "lead_department": LEAD,
        "partners": [PARTNER], "period_start": (today + timedelta(days=1)).isoformat(),
        "period_end": (today + timedelta(days=30)).isoformat(), "intake_deadline": today.isoformat()}))
    per_visit: dict[str, set[str]] = {}
    every = companies(visits)
    for department, items in ITEMS.items():
        for start in range(0, visits, batch):
            tasks = [{"plan_id": plan["id"], "external_id": f"BENCH-{n}-{department}", "company": company,
                      "items": items} for n, company in enumerate(every[start:start + batch], start)]
            answer = ok(http.call("POST", "/intake/api/v1/joint-tasks/batch", tokens[department], {"tasks": tasks}))
            if answer["rejected"]:
                raise RuntimeError(f"{answer['rejected']} tasks refused: {answer['results'][:2]}")
            for result in answer["results"]:
                per_visit.setdefault(result["task"]["inspection_id"], set()).add(department)
    if len(per_visit) != visits or any(len(d) != 2 for d in per_visit.values()):
        raise RuntimeError(f"{visits} companies merged into {len(per_visit)} visits")
    return plan["id"], set(per_visit)
