"""Issue 14, Deliver 6: the distributed system under faults settles by itself — 0 lost, 0 duplicated effects,
0 dead letters but the poison message, no manual step.

One plan of FAULTS_VISITS companies (three departments' tasks each) is driven through the public HTTP API while
every worker is killed with SIGKILL (and started again, as a supervisor would), the broker's Erlang VM is killed
and restarted, PostgreSQL is restarted twice and one unparseable message is put on a queue. The driver never
repairs anything: it only retries what the system answers 503 to."""
from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from datetime import timedelta

import pika
import pytest

from tests.conftest import today, wait_for
from tests.faults.cluster import FaultCluster, PatientHttp, seed
from tests.flow import THREE_DEPARTMENTS, login, ok
from tests.support.draw import enter_randomness
from tests.support.partners import addressed, event_name, read_feed
from tests.support.private_postgres import PrivatePostgres
from tests.support.private_rabbitmq import PrivateRabbitMQ

VISITS = int(os.environ.get("FAULTS_VISITS", "100"))  # × 3 departments' tasks: 300 tasks in about 2 minutes
SETTLE_SECONDS = 240
POISON_QUEUE = "draw.inspection.ready"
PER_DEPARTMENT = {"visit.scheduled", "letter.issued"}  # what each department's feed gets per visit up to its letter


@pytest.fixture
def cluster(tmp_path):
    pg, mq = PrivatePostgres(), None
    cluster = None
    try:
        mq = PrivateRabbitMQ()
        cluster = FaultCluster(pg, mq, tmp_path)
        yield cluster
    finally:
        if cluster is not None:
            cluster.stop()
        if mq is not None:
            mq.close()
        pg.close()


def _companies(count: int) -> list[dict]:
    """As many distinct companies as visits (the demo seeds 50): a unique USCC each, an address in the district."""
    import random

    from shared.uscc import random_uscc
    rng, companies = random.Random(20261129), {}
    while len(companies) < count:
        uscc = random_uscc(rng)
        companies[uscc] = {"uscc": uscc, "name": f"青岛故障演练{len(companies) + 1}号有限公司",
                           "address": f"青岛西海岸新区滨海大道{len(companies) + 1}号"}
    return list(companies.values())


def _poison(cluster) -> None:
    """One message no consumer can parse, straight onto one queue (default exchange): the broker dead-letters it."""
    connection = pika.BlockingConnection(pika.URLParameters(cluster.mq.url))
    connection.channel().basic_publish("", POISON_QUEUE, b"{not json",
                                       pika.BasicProperties(content_type="application/cloudevents+json",
                                                            delivery_mode=2, message_id="poison-1"))
    connection.close()


def _restart_postgres(cluster) -> None:
    cluster.pg.stop("fast")  # ends every client connection, as a restart does
    time.sleep(1)
    cluster.pg.start()


def _crash_broker(cluster) -> None:
    cluster.mq.crash()
    time.sleep(1)
    cluster.mq.start()


def _waiting(cluster, check, what, timeout=SETTLE_SECONDS):
    def supervised():
        cluster.supervise()
        return check()
    return wait_for(supervised, timeout=timeout, interval=0.5, message=what)


def _all_parts(http, clerk, visits, status):
    for inspection_id in visits:
        code, body = http.call("GET", f"/draw/api/v1/inspections/{inspection_id}/parts", clerk)
        if code != 200 or not body["parts"] or any(p["status"] != status for p in body["parts"]):
            return False
    return True


def _teams_done(http, clerk, visits):
    for inspection_id in visits:
        code, body = http.call("GET", f"/results/api/v1/inspections/{inspection_id}/progress", clerk)
        if code != 200 or not body.get("parts"):
            return False
    return True


def _settled(cluster) -> bool:
    """Every outbox sent and every queue empty except dead-letter queues."""
    for service in ("intake", "draw", "letters", "results"):
        if cluster.sql(service, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]:
            return False
    return not any(count for name, count in cluster.queues().items() if not name.endswith(".dead"))


def test_the_system_settles_after_worker_kills_broker_crash_database_restarts_and_a_poison_message(cluster):
    started = time.monotonic()
    info = seed(cluster)
    cluster.start()
    http = PatientHttp(cluster.bases)
    clerk = login(http, "clerk01")
    tokens = {d["code"]: d["token"] for d in info["departments"]}
    day = today()
    _poison(cluster)
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{day.year}〕77号", "name": "故障演练计划", "module": "部门联合", "lead_department": "SCJG",
        "partners": ["STHJ", "YJGL"], "period_start": (day - timedelta(days=3)).isoformat(),
        "period_end": (day + timedelta(days=3)).isoformat(), "intake_deadline": day.isoformat()}))
    visits, tasks = set(), 0
    for n, company in enumerate(_companies(VISITS)):
        if n == VISITS // 2:
            cluster.kill_worker("intake")  # mid-intake: the relay dies with unsent rows
        for dept, items in THREE_DEPARTMENTS.items():
            task = ok(http.call("POST", "/intake/api/v1/joint-tasks", tokens[dept], {
                "plan_id": plan["id"], "external_id": f"FAULT-{n}-{dept}", "company": company, "items": items}))
            visits.add(task["inspection_id"])
            tasks += 1
    assert len(visits) == VISITS
    dispatched = ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", tokens["SCJG"]))
    assert sorted(dispatched["dispatched"]) == sorted(visits)
    wait_for(lambda: cluster.queues().get(f"{POISON_QUEUE}.dead"), message="the poison dead-lettered")
    print(f"\ndead letters before the broker crash: {cluster.queues()[f'{POISON_QUEUE}.dead']}")
    cluster.kill_worker("draw")  # while `inspection.ready` × VISITS is being consumed
    _crash_broker(cluster)  # kill -9 of the Erlang VM, then a clean start
    _waiting(cluster, lambda: _all_parts(http, clerk, visits, "randomness"), "every draw committed")
    enter_randomness(http, clerk)
    _restart_postgres(cluster)  # 1st: while the draws' `inspectors.assigned` flow
    cluster.kill_worker("results")
    _waiting(cluster, lambda: _teams_done(http, clerk, visits), "every visit's team known to results")
    for inspection_id in sorted(visits):
        ok(http.call("PUT", f"/draw/api/v1/inspections/{inspection_id}/schedule", clerk,
                     {"time": f"{day.isoformat()} 09:30"}))
    cluster.kill_worker("letters")  # while letters are numbered and rendered
    _restart_postgres(cluster)  # 2nd
    last_fault = time.monotonic()
    _waiting(cluster, lambda: len(cluster.sql("letters", "SELECT DISTINCT inspection_id FROM document")) == VISITS,
             "every visit's letters")
    _waiting(cluster, lambda: _settled(cluster), "every outbox sent and every queue drained")
    settled = time.monotonic()

    # 0 duplicated effects: one letter set per visit, numbers gapless and unique per issuer (机关代字) and kind
    documents = cluster.sql("letters", "SELECT inspection_id, kind, issuer_code, year, seq, number FROM document")
    per_visit = defaultdict(Counter)
    for inspection_id, kind, *_ in documents:
        per_visit[inspection_id][kind] += 1
    assert set(per_visit) == visits
    kinds = set(per_visit[next(iter(visits))])
    assert all(set(c) == kinds and set(c.values()) == {1} for c in per_visit.values()), per_visit
    series = defaultdict(list)
    for _, kind, issuer, year, seq, number in documents:
        series[(issuer, year, kind)].append((seq, number))
    for key, numbered in series.items():
        assert sorted(s for s, _ in numbered) == list(range(1, len(numbered) + 1)), key
        assert len({n for _, n in numbered}) == len(numbered), key
    # 0 lost: every visit has each of its three departments' part of the team drawn
    drawn = defaultdict(set)
    for inspection_id, department in cluster.sql("draw", "SELECT inspection_id, department FROM draw_record "
                                                         "WHERE subject_kind = 'inspection'"):
        drawn[inspection_id].add(department)
    assert drawn == {visit: set(THREE_DEPARTMENTS) for visit in visits}
    # 0 lost, 0 duplicated: each department's feed has exactly its expected events, once per visit
    events = 0
    for code in THREE_DEPARTMENTS:
        feed = addressed(read_feed(http, code, tokens[code], limit=200))
        assert len({e["id"] for e in feed}) == len(feed), f"{code}: an event twice in the feed"
        seen = Counter((event_name(e), e["subject"]) for e in feed if event_name(e) in PER_DEPARTMENT)
        expected = {(name, visit) for name in PER_DEPARTMENT for visit in visits}
        assert set(seen) == expected, f"{code}: missing {sorted(expected - set(seen))[:5]}"
        assert set(seen.values()) == {1}, f"{code}: duplicated {[k for k, v in seen.items() if v > 1][:5]}"
        events += len(feed)
    # 0 dead letters but the poison
    dead = {name: cluster.peek(name) for name, count in cluster.queues().items() if name.endswith(".dead") and count}
    assert set(dead) == {f"{POISON_QUEUE}.dead"}, dead
    assert {message_id for message_id, _, _ in dead[f"{POISON_QUEUE}.dead"]} == {"poison-1"}, dead
    print(f"\nfault storm: visits={VISITS} tasks={tasks} department events={events} letters={len(documents)} "
          f"dead letters={len(dead[f'{POISON_QUEUE}.dead'])} (copies of the one poison) "
          f"workers killed={cluster.killed} "
          f"workers that exited by themselves and were restarted={cluster.exited} "
          f"whole run={settled - started:.1f}s, settled {settled - last_fault:.1f}s after the last fault")
