"""The results tests' visit on the embedded system: a fixed day, a drawn team, and what its tests post
(one home for what test_results, test_result_pages, test_result_reports and the browser test share)."""
from __future__ import annotations

import io
from datetime import date, timedelta

from tests.flow import CONFIRMED, login, upload_file
from tests.support import results as support
from tests.support.results import at, ready_visit

VISIT = date(2026, 11, 30)  # a Monday: the 3-month deadline falls on 28 February 2027


def set_today(system, day: date) -> None:
    for name in ("intake", "draw", "letters", "results"):
        system.runtime(name).clock = at(day)


def upload(system, token: str, inspection_id: str, body: bytes, name: str = "photo.png"):
    return upload_file(system.wsgi, "POST", f"/results/api/v1/inspections/{inspection_id}/evidence", token, "file",
                       body, name)


def png(seed: int = 0) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (seed % 256, 80, 120)).save(out, format="PNG")
    return out.getvalue()


def answers(problem: str | None = None) -> list[dict]:
    item = {"item_code": "STHJ-01", "outcome": "未发现问题", "method": "实地检查", "findings": "", "measures": ""}
    if problem:
        item.update(outcome="发现问题", findings=problem, measures="责令限期改正", follow_up="责令改正")
    return [item]


def submit(http, visit, token=None, items=None, category="未发现问题", confirmation=CONFIRMED, day=VISIT):
    return http.call("POST", f"/results/api/v1/inspections/{visit['id']}/results", token or visit["tokens"][0],
                     {"visit_date": day.isoformat(), "category": category, "items": items or answers(),
                      "company_confirmation": confirmation})


def rows(system, name: str, **filters) -> list:
    return support.rows(system.runtime("results"), name, **filters)


def outbox(system, prefix: str) -> list[dict]:
    return support.outbox(system.runtime("results"), prefix)


def drawn_visit(system, http) -> dict:
    """A visit today (30 Nov 2026) with its team drawn; returns the inspection id and two team tokens."""
    set_today(system, VISIT)
    ready_visit(system, "insp-res", start=VISIT, end=VISIT + timedelta(days=3))
    [assignment] = rows(system, "Assignment", inspection_id="insp-res")
    team = list(assignment.inspector_ids)
    tokens = [login(http, f"insp{int(member[-3:]):02d}") for member in team]
    outsider = next(f"insp{n:02d}" for n in range(1, 19) if f"INS-{n:03d}" not in team)
    return {"id": "insp-res", "team": team, "tokens": tokens, "outsider": login(http, outsider),
            "clerk": login(http, "clerk01"), "approver": login(http, "approver01"),
            "detachment": login(http, "zhidui01")}  # the detachment (支队) decides corrections
