"""What people do in `bench/pipeline.py`, done by the script as soon as the system makes it possible — its time
counts. Each is a loop on its own thread, through the public HTTP API only, until its work for every visit is
done or the run is stopped:

- the clerk enters the public randomness (SCRIPTED, visibly not a real lottery) once every drawn department's
  draw of every visit is committed (counted from `draw.committed` in draw's outbox — the clerk would see the
  same on the draw pages) and, unless asked to overlap them, once the naming department is done (the evening
  lottery after the day's namings; overlapping them exposes a race in draw, see `--overlap-naming`);
- a partner department that keeps its officers in its own system names two of them for each of its visits;
- the clerk fixes each visit's time as soon as its team is complete (`/schedules/unscheduled`).

`--people batch` (the default, issue 15): each poll round submits everything new at once, in requests of at most
BATCH_CHUNK items — the department's naming (POST /parts/<department>/officers) and the clerk's timetable
(PUT /schedules), as real offices do; `--people single` keeps one request per visit (`--clients` in parallel)."""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from support import ROOT  # noqa: F401  (puts the repository root on the path)

from tests.support.draw import SCRIPTED_NUMBERS, SCRIPTED_SOURCE

POLL = 0.25
BATCH_CHUNK = 500  # items per batch request: half the endpoints' limit, so a round of 1,000 visits is two requests


@dataclass
class Tally:
    """What one person did: how many, HTTP refusals seen (status → count, with the last body), when finished."""
    name: str
    done: int = 0
    refused: dict = field(default_factory=dict)
    last_refusal: object = None
    finished: float | None = None  # time.time()
    notes: list = field(default_factory=list)

    def refusal(self, status, body) -> None:
        self.refused[status] = self.refused.get(status, 0) + 1
        self.last_refusal = body


def commitments_made(cluster) -> int:
    return cluster.sql("draw", "SELECT count(*) FROM outbox WHERE routing_key = 'draw.committed'")[0][0]


def enter_randomness(http, clerk: str, ready, stop: threading.Event, tally: Tally) -> None:
    """One scripted lottery entry once `ready()` (every commitment made, and by default every naming done);
    entered again only if the entry failed."""
    while not stop.is_set():
        if not ready():
            time.sleep(POLL)
            continue
        asked = time.time()
        status, body = http.call("POST", "/draw/api/v1/randomness", clerk, {
            "numbers": list(SCRIPTED_NUMBERS), "source": SCRIPTED_SOURCE, "issue": f"BENCH-{uuid.uuid4().hex[:10]}",
            "drawn_at": datetime.now(timezone.utc).isoformat()})
        if status == 201:
            tally.done, tally.finished = len(body.get("draws", [])), time.time()
            tally.notes.append(f"one entry drew {tally.done} draws in {tally.finished - asked:.1f} s")
            return
        tally.refusal(status, body)
        if status == 409 and (body or {}).get("error", {}).get("code") == "nothing_pending":
            tally.finished = time.time()
            return
        time.sleep(1)


def named_officers(today: date) -> list[dict]:
    """Two officers of the naming department, certificate numbers no seeded officer has."""
    return [{"name": f"应急执法{n}", "certificate_no": f"BENCHYJ{n:06d}",
             "certificate_expiry": (today + timedelta(days=365)).isoformat(), "unit": "应急管理执法大队"}
            for n in (1, 2)]


def _fresh_items(http, list_path, token, visits: int, stop, tally: Tally, handled: set[str]):
    """Poll `list_path` and yield each non-empty list of items not yet handled, until `visits` are done."""
    while not stop.is_set() and tally.done < visits:
        status, body = http.call("GET", list_path, token)
        if status != 200:
            tally.refusal(status, body)
            time.sleep(1)
            continue
        fresh = [item for item in body["items"] if item["inspection_id"] not in handled]
        if fresh:
            yield fresh
        else:
            time.sleep(POLL)


def _work_through(http, list_path, token, act, visits: int, stop, tally: Tally, clients: int) -> None:
    """`act(item)` on each new item of `list_path` (with `clients` in parallel) until `visits` done."""
    handled: set[str] = set()
    with ThreadPoolExecutor(clients) as pool:
        for fresh in _fresh_items(http, list_path, token, visits, stop, tally, handled):
            for item, (status, answer) in zip(fresh, pool.map(act, fresh)):
                if status in (200, 201):
                    handled.add(item["inspection_id"])
                    tally.done += 1
                else:
                    tally.refusal(status, answer)
    tally.finished = time.time()


def _work_through_batches(http, list_path, token, submit, visits: int, stop, tally: Tally) -> None:
    """`submit(items)` everything new of `list_path` in requests of at most BATCH_CHUNK until `visits` done; an
    item refused inside an accepted batch counts as a refusal (status of its error code) and is offered again."""
    handled: set[str] = set()
    for fresh in _fresh_items(http, list_path, token, visits, stop, tally, handled):
        for start in range(0, len(fresh), BATCH_CHUNK):
            status, answer = submit(fresh[start:start + BATCH_CHUNK])
            if status != 200:
                tally.refusal(status, answer)
                continue
            for outcome in answer["items"]:
                if outcome["ok"]:
                    handled.add(outcome["inspection_id"])
                    tally.done += 1
                else:
                    tally.refusal(outcome["error"]["code"], outcome["error"])
    tally.finished = time.time()


def name_officers(http, token: str, department: str, today: date, visits: int, stop, tally: Tally,
                  clients: int, people: str = "batch") -> None:
    officers = named_officers(today)
    if people == "batch":
        def submit(items):
            return http.call("POST", f"/draw/api/v1/parts/{department}/officers", token, {"items": [
                {"inspection_id": item["inspection_id"], "officers": officers} for item in items]})
        _work_through_batches(http, "/draw/api/v1/parts/naming", token, submit, visits, stop, tally)
        return

    def act(item):
        return http.call("POST", f"/draw/api/v1/inspections/{item['inspection_id']}/parts/{department}/officers",
                         token, {"officers": officers})
    _work_through(http, "/draw/api/v1/parts/naming", token, act, visits, stop, tally, clients)


def fix_visit_times(http, clerk: str, visits: int, stop, tally: Tally, clients: int, people: str = "batch") -> None:
    if people == "batch":
        def submit(items):
            return http.call("PUT", "/draw/api/v1/schedules", clerk, {"items": [
                {"inspection_id": item["inspection_id"], "time": f"{item['window']['start']} 09:30"}
                for item in items]})
        _work_through_batches(http, "/draw/api/v1/schedules/unscheduled", clerk, submit, visits, stop, tally)
        return

    def act(item):
        return http.call("PUT", f"/draw/api/v1/inspections/{item['inspection_id']}/schedule", clerk,
                         {"time": f"{item['window']['start']} 09:30"})
    _work_through(http, "/draw/api/v1/schedules/unscheduled", clerk, act, visits, stop, tally, clients)
