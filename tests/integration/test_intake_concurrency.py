"""Issue #10 acceptance for intake: concurrent submissions answer as the sequential case would (never ≥ 500) on
SQLite and PostgreSQL, through a real threaded HTTP server; a batch of 1,000 is one transaction on SQLite."""
from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from shared.uscc import random_uscc
from tests.conftest import free_port
from tests.flow import UrlHttp, WsgiHttp, login, ok
from tests.support.intake import count, make_plan, task

pytestmark = pytest.mark.integration
ITEMS = {"SCJG": ["SCJG-01"], "STHJ": ["STHJ-01"], "YJGL": ["YJGL-01"]}


@contextmanager
def served(wsgi):
    """The WSGI app behind a real threaded HTTP server, as `make run` serves it."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", free_port(), wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def forty_submissions(system, reference) -> None:
    """20 identical submissions of one task and 20 tasks for different companies from three departments, all at
    once: no answer ≥ 500, the identical ones all name the same task, exactly one of them created it."""
    today = system.runtime("intake").clock.today_local()
    plan = make_plan(WsgiHttp(system.wsgi), login(WsgiHttp(system.wsgi), "clerk01"), today)
    token = {d["code"]: d["token"] for d in reference["departments"]}
    same = task(plan, reference["companies"][0], external_id="SAME-1")
    jobs = [("SCJG", same)] * 20
    for n in range(20):
        code = ("SCJG", "STHJ", "YJGL")[n % 3]
        jobs.append((code, task(plan, reference["companies"][n + 1], ITEMS[code], f"DIFF-{n}")))
    with served(system.wsgi) as base:
        http = UrlHttp({"intake": base})
        barrier = threading.Barrier(len(jobs))

        def submit(job):
            code, body = job
            barrier.wait(30)
            return http.call("POST", "/intake/api/v1/joint-tasks", token[code], body)

        with ThreadPoolExecutor(len(jobs)) as pool:
            answers = list(pool.map(submit, jobs))
        conflict = http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], {**same, "items": ["SCJG-02"]})
    assert [status for status, _ in answers if status >= 500] == [], answers
    identical, different = answers[:20], answers[20:]
    assert sorted(status for status, _ in identical) == [200] * 19 + [201], identical
    assert len({body["task_id"] for _, body in identical}) == 1
    assert [status for status, _ in different] == [201] * 20, different
    assert conflict[0] == 409 and conflict[1]["error"]["code"] == "idempotency_conflict"
    from services.intake.adapters.db import Inspection, JointTask
    assert count(system.runtime("intake"), JointTask) == 21
    assert count(system.runtime("intake"), Inspection) == 21


def test_forty_concurrent_submissions_on_sqlite_never_fail(system, reference):
    forty_submissions(system, reference)


@pytest.fixture
def pg_system(embedded_env, pg_env):
    from services.demo import seed_reference
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem({**embedded_env, **pg_env})
    reference = seed_reference(system, system.runtime("intake").clock.today_local())
    yield system, reference
    system.close()


def test_forty_concurrent_submissions_on_postgresql_never_fail(pg_system):
    forty_submissions(*pg_system)


# --- a batch is one transaction ----------------------------------------------------------------------------------

@pytest.fixture
def commits(system):
    """Every COMMIT on intake's database."""
    seen: list[int] = []
    engine = system.runtime("intake").engine

    def committed(_connection):
        seen.append(1)

    event.listen(engine, "commit", committed)
    yield seen
    event.remove(engine, "commit", committed)


def _batch(plan, size: int) -> dict:
    rng = random.Random(11)
    return {"tasks": [task(plan, {"uscc": random_uscc(rng), "name": f"批量企业{n}"}, external_id=f"BATCH-{n}")
                      for n in range(size)]}


def test_a_batch_of_1000_commits_once_on_sqlite(system, reference, commits):
    http = WsgiHttp(system.wsgi)
    plan = make_plan(http, login(http, "clerk01"), system.runtime("intake").clock.today_local())
    token = {d["code"]: d["token"] for d in reference["departments"]}
    commits.clear()
    answer = ok(http.call("POST", "/intake/api/v1/joint-tasks/batch", token["SCJG"], _batch(plan, 1000)))
    assert answer["accepted"] == 1000
    assert len(commits) == 1


def test_a_failure_at_the_last_task_of_a_batch_leaves_nothing(system, reference, commits, monkeypatch):
    """All or nothing: an unexpected error on row 1,000 (not a refusal of that task) rolls back the other 999."""
    from services.intake.adapters.db import Inspection, JointTask, Rejection
    from services.intake.handlers import tasks
    http = WsgiHttp(system.wsgi)
    plan = make_plan(http, login(http, "clerk01"), system.runtime("intake").clock.today_local())
    token = {d["code"]: d["token"] for d in reference["departments"]}
    audit_acceptance = tasks.audit_acceptance  # per row, after the set-based writes of all 1,000 (issue 15)

    def failing_at_the_end(uow, cmd, answer):
        if cmd.external_id == "BATCH-999":
            raise RuntimeError("disk full")
        return audit_acceptance(uow, cmd, answer)

    monkeypatch.setattr(tasks, "audit_acceptance", failing_at_the_end)
    commits.clear()
    status, _ = http.call("POST", "/intake/api/v1/joint-tasks/batch", token["SCJG"], _batch(plan, 1000))
    assert status == 500
    runtime = system.runtime("intake")
    assert (count(runtime, JointTask), count(runtime, Inspection), count(runtime, Rejection)) == (0, 0, 0)
    assert commits == []
