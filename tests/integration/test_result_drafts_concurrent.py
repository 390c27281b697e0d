"""Issue #10: ten inspectors' phones saving one visit's draft at the same moment (`PUT …/draft`) all get 200 — on
SQLite (writers wait for each other) and on PostgreSQL (the saves that lose the race to create the row are run
again by the bus and update it) — and one draft row remains. Ten simultaneous submissions: one result, nine 409."""
from __future__ import annotations

import threading
from datetime import date

import pytest

from services.results.commands import RecordAssignment
from shared.auth import Principal, issue_token
from shared.config import load_settings
from tests.support.results import at, inspection, rows, team

pytestmark = pytest.mark.integration
SAVES = 10


def at_once(n: int, request) -> list[tuple[int, dict]]:
    """Run `request(client)` from n threads released together; the (status, JSON) answers."""
    barrier = threading.Barrier(n)
    answers: list[tuple[int, dict]] = []

    def one(k: int) -> None:
        barrier.wait()
        response = request(k)
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=one, args=(k,)) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


@pytest.fixture(params=["sqlite", "postgresql"])
def results_service(request, embedded_env):
    from services import registry
    env = dict(embedded_env)
    if request.param == "postgresql":
        env.update(request.getfixturevalue("pg_env"))
    runtime = registry.start("results", load_settings("results", env), at(date(2026, 11, 30)))
    runtime.bus.handle(RecordAssignment("insp-c", "draw-1", team(), inspection("insp-c")))
    yield runtime, registry.create("results", runtime)
    runtime.dispose()


def test_ten_concurrent_draft_saves_of_one_visit_all_succeed(results_service):
    runtime, app = results_service
    token = issue_token(runtime.settings.secret_key, Principal("inspector", "INS-001", "STHJ"))

    def save(n: int):
        body = {"category": "未发现问题", "items": [{"item_code": "STHJ-01", "findings": f"第{n}次"}]}
        return app.test_client().put("/results/api/v1/inspections/insp-c/draft", json=body,
                                     headers={"Authorization": f"Bearer {token}"})

    answers = at_once(SAVES, save)
    assert sorted(status for status, _ in answers) == [200] * SAVES, answers
    [draft] = rows(runtime, "Draft")
    assert draft.body["items"][0]["findings"] in {body["body"]["items"][0]["findings"] for _, body in answers}


def test_ten_concurrent_submissions_of_one_visit_make_one_result_and_nine_409(results_service):
    """S8 under a race: the unique (inspection, department, round) lets one in; the others, run again, see it and
    answer 409."""
    runtime, app = results_service
    tokens = [issue_token(runtime.settings.secret_key, Principal("inspector", member["id"], "STHJ"))
              for member in team()]
    visit_day = runtime.clock.today_local().isoformat()
    items = [{"item_code": code, "outcome": "未发现问题"} for code in ("STHJ-01", "SCJG-01", "SCJG-02")]

    def submit(n: int):
        return app.test_client().post(
            "/results/api/v1/inspections/insp-c/results", headers={"Authorization": f"Bearer {tokens[n % 2]}"},
            json={"visit_date": visit_day, "category": "未发现问题", "items": items,
                  "company_confirmation": {"name": "王经理", "confirmed_at": "现场签字"}})

    answers = at_once(SAVES, submit)
    assert sorted(status for status, _ in answers) == [201] + [409] * (SAVES - 1), answers
    # the old-shape team records every department: one result per department, each once
    assert sorted(r.department for r in rows(runtime, "Result")) == ["SCJG", "STHJ"]
    assert len(rows(runtime, "Publication")) == 2
