"""letters without Flask: its runtime on a temporary SQLite file with a fake renderer, and the data the
`inspectors.assigned` and `visit.scheduled` events carry (docs/asyncapi.yaml), for handler tests that run in
milliseconds. The set is issued once both arrived: `assign_and_schedule` sends both."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from shared.clock import FixedClock
from shared.config import load_settings

NO_FONT_HAS = "\U0002a6a5"  # 𪚥: in no font of the stack (see test_letter_pdf.py)
ISSUED_AT = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing
VISIT_AT = "2026-12-03T01:30:00Z"  # 2026年12月3日 9:30 in Beijing, inside an_inspection()'s window
MARKET = ("SCJG", "青岛市黄岛区市场监督管理局")
ECO = ("STHJ", "青岛市生态环境局西海岸新区分局")


class FakeRenderer:
    """Stands in for WeasyPrint (`render_documents(documents, assets) -> PDF`): refuses a character no font has,
    as the real one does, and remembers what it was asked to print."""

    def __init__(self, missing: str = NO_FONT_HAS):
        self.missing = missing  # set to "" to act as if the font had been installed
        self.calls: list[tuple[list[dict], dict]] = []

    def __call__(self, documents: list[dict], assets: dict | None = None) -> bytes:
        from services.letters.domain.documents import MissingGlyphError
        text = json.dumps(documents, ensure_ascii=False)
        absent = [c for c in self.missing if c in text]
        if absent:
            raise MissingGlyphError(absent)
        self.calls.append((documents, dict(assets or {})))
        return b"%PDF-fake " + ",".join(d["kind"] for d in documents).encode()

    def check(self, documents: list[dict]) -> None:
        """The glyph check issuing runs before it takes a number (issue 15)."""
        from services.letters.domain.documents import MissingGlyphError
        text = json.dumps(documents, ensure_ascii=False)
        absent = [c for c in self.missing if c in text]
        if absent:
            raise MissingGlyphError(absent)

    def split(self, documents: list[dict], assets: dict | None = None) -> list[bytes]:
        """One call for the whole set, one PDF per document (as adapters/renderer.py's `split`)."""
        self(documents, assets)
        return [b"%PDF-fake " + d["kind"].encode() for d in documents]


def letters_runtime(tmp_path, clock=None, renderer=None, real_renderer: bool = False, **env):
    """letters' runtime on a fresh SQLite file under `tmp_path`, `env` as environment variables; the renderer
    is `renderer`, else a FakeRenderer, or WeasyPrint as bootstrap wires it with `real_renderer=True`."""
    from services.letters.adapters.db import Base
    from services.letters.bootstrap import bootstrap
    settings = load_settings("letters", {"JOINTINSPECT_VAR": str(tmp_path), "PUBLIC_BASE_URL": "http://testserver",
                                         **env})
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    renderer = None if real_renderer else renderer or FakeRenderer()
    runtime = bootstrap(settings, clock or FixedClock(ISSUED_AT), render_documents=renderer)
    Base.metadata.create_all(runtime.engine)
    return runtime


def a_letter(**changes) -> dict:
    """A letter's content as the renderer takes it (adapters/pdf.py documents the shape)."""
    letter = {
        "number": "青环西联函〔2026〕1号", "issuer": "青岛市生态环境局西海岸新区分局", "issued_on": "2026-11-28",
        "title": "关于开展联合双随机抽查的函", "recipients": ["青岛市黄岛区市场监督管理局"],
        "plan": {"number": "〔2026〕3号", "name": "2026年第四季度部门联合双随机抽查计划"},
        "company": {"name": "青岛某某化工有限公司", "uscc": "91370211MA3C1234X5", "address": "长江西路88号"},
        "window": {"start": "2026-12-01", "end": "2026-12-05"},
        "scheduled_at": "2026-12-03T01:30:00Z", "visit_time": "2026-12-03 09:30",
        "issuer_code": "青环西联函", "issuer_department": "STHJ",
        "departments": [
            {"code": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "lead": True,
             "items": [{"code": "STHJ-02", "name": "排污单位执行排污许可情况", "basis": "《排污许可管理条例》",
                        "method": "现场"}]},
            {"code": "SCJG", "name": "青岛市黄岛区市场监督管理局", "lead": False,
             "items": [{"code": "SCJG-01", "name": "登记事项检查", "basis": "《市场主体登记管理条例》",
                        "method": "书面"},
                       {"code": "SCJG-02", "name": "企业公示信息检查", "basis": "《企业信息公示暂行条例》",
                        "method": "书面"}]}],
        "inspectors": [
            {"name": "张三", "certificate_no": "37021100123", "department": "青岛市生态环境局西海岸新区分局",
             "leader": True},
            {"name": "王建国", "certificate_no": "37021100124", "department": "青岛市黄岛区市场监督管理局",
             "leader": False}],
        "teams": [
            {"department": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "lead": True,
             "members": [{"name": "张三", "certificate_no": "37021100123", "unit": "第一中队", "leader": True}]},
            {"department": "SCJG", "name": "青岛市黄岛区市场监督管理局", "lead": False,
             "members": [{"name": "王建国", "certificate_no": "37021100124", "unit": "信用监管科",
                          "leader": False}]}],
        "contact": {"name": "李四", "phone": "0532-86888888"},
        "verification": {"code": "ABCD-EFGH-JKLM", "url": "http://127.0.0.1:8000/letters/verify/ABCD-EFGH-JKLM"},
    }
    letter.update(changes)
    if "inspectors" in changes:  # the team as given, grouped by the department each member names
        letter["inspectors"] = [{"leader": False, **i} for i in letter["inspectors"]]
        if "teams" not in changes:
            names = list(dict.fromkeys(i["department"] for i in letter["inspectors"]))
            letter["teams"] = [{"department": name, "name": name, "lead": n == 0,
                                "members": [{"name": i["name"], "certificate_no": i["certificate_no"],
                                             "unit": name, "leader": i["leader"]}
                                            for i in letter["inspectors"] if i["department"] == name]}
                               for n, name in enumerate(names)]
    return letter


def a_set() -> list[dict]:
    """The visit's four documents (S12) around a_letter(), each item with its key points."""
    from services.letters.domain.documents import SET
    base = a_letter()
    for department in base["departments"]:
        for item in department["items"]:
            item["key_points"] = f"{item['name']}的检查要点"
    return [dict(base, kind=kind, label=label, letter_number=base["number"]) for kind, label in SET]


def an_item(code: str, name: str) -> dict:
    return {"code": code, "department": code.split("-")[0], "name": name, "basis": "《环境保护法》",
            "method": "现场", "key_points": f"{name}的要点", "target": "", "class": "一般"}


def an_inspection(inspection_id: str = "insp-1", lead: str = "STHJ", issuers: bool = False) -> dict:
    """A visit of two departments: the eco bureau leads, market supervision joins (N5) — or, with lead="SCJG", the
    other way round. `issuers`: each department carries its `issuer {name, code}` as intake sends it."""
    inspection = {"inspection_id": inspection_id,
            "plan": {"id": "plan-1", "number": "〔2026〕3号", "name": "2026年第四季度部门联合双随机抽查计划",
                     "module": "部门联合"},
            "company": {"uscc": "914403001922038216", "name": "青岛测试化工有限公司", "address": "长江路1号"},
            "window": {"start": "2026-12-01", "end": "2026-12-05"}, "lead_department": "STHJ",
            "departments": [
                {"code": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "lead": True, "task_ids": [],
                 "items": [an_item("STHJ-01", "污染源日常环境监管")]},
                {"code": "SCJG", "name": "青岛市黄岛区市场监督管理局", "lead": False, "task_ids": [],
                 "items": [an_item("SCJG-01", "登记事项检查")]}]}
    codes = {"STHJ": "青环西联函", "SCJG": "黄市监联函"}
    for department in inspection["departments"]:
        department["lead"] = department["code"] == lead
        if issuers:
            department["issuer"] = {"name": department["name"], "code": codes[department["code"]]}
    inspection["lead_department"] = lead
    inspection["departments"].sort(key=lambda d: not d["lead"])
    return inspection


def an_inspector(n: int, name: str, department: tuple[str, str] = ECO) -> dict:
    return {"id": f"INS-{n:03d}", "name": name, "certificate_no": f"370211{n:05d}", "department": department[0],
            "department_name": department[1], "unit": "第一中队" if department == ECO else "信用监管科"}


def a_team(*names: str) -> list[dict]:
    return [an_inspector(n, name) for n, name in enumerate(names or ("王建国", "李海燕"), start=1)]


def a_joint_team(lead: str = "STHJ") -> list[dict]:
    """Two members of each department, the lead department's first member first (the leader)."""
    eco = [an_inspector(1, "王建国"), an_inspector(2, "李海燕")]
    market = [an_inspector(11, "赵市监", MARKET), an_inspector(12, "钱市监", MARKET)]
    team = eco + market if lead == "STHJ" else market + eco
    return [{**member, "leader": n == 0} for n, member in enumerate(team)]


def issue(inspection_id: str = "insp-1", team: list[dict] | None = None, lead: str = "STHJ",
          issuers: bool = False):
    """The command an `inspectors.assigned` event becomes."""
    from services.letters.commands import IssueJointLetter
    team = team or a_team()
    return IssueJointLetter(inspection_id, an_inspection(inspection_id, lead, issuers), team, team[0]["id"])


def schedule(inspection_id: str = "insp-1", at: str = VISIT_AT, version: int = 1, reason: str | None = None):
    """The command a `visit.scheduled` event becomes."""
    from services.letters.commands import RecordVisitTime
    return RecordVisitTime(inspection_id, at, version, reason, "inspector:INS-001")


def assign_and_schedule(runtime, inspection_id: str = "insp-1", team: list[dict] | None = None, **kwargs) -> bool:
    """Both events a set needs, team first; returns what the second answered (True: the set was issued)."""
    runtime.bus.handle(issue(inspection_id, team, **kwargs))
    return runtime.bus.handle(schedule(inspection_id))


def rows(runtime, model: str, **filters) -> list:
    """Rows of one of letters' tables (or its outbox / audit log), read on a read-only unit of work."""
    from services.letters.adapters import db
    table = runtime.models.get(model) or getattr(db, model)
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.query(table).filter_by(**filters).all()


def drawn_visit(system, inspection_id: str = "insp-1") -> dict:
    """A visit through the embedded system as dispatch starts it: `inspection.ready` in intake's outbox (window
    three to six days ahead), then draw draws the team, its time is fixed (`visit.scheduled` in draw's outbox, at
    9:30 on the window's first day) and letters issues the set. Returns the inspection."""
    inspection = assigned_visit(system, inspection_id)
    schedule_visit(system, inspection, f"{inspection['window']['start']}T01:30:00Z")
    return inspection


def assigned_visit(system, inspection_id: str = "insp-1") -> dict:
    """As drawn_visit, without fixing the time: letters knows the team and waits (待定检查时间)."""
    from datetime import timedelta
    intake = system.runtime("intake")
    today = intake.clock.today_local()
    inspection = an_inspection(inspection_id)
    inspection["window"] = {"start": (today + timedelta(days=3)).isoformat(),
                            "end": (today + timedelta(days=6)).isoformat()}
    with intake.unit_of_work() as uow:
        uow.emit("inspection.ready", inspection, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    from tests.support.draw import enter_randomness
    enter_randomness(system)  # issue 13: the committed draw waits for public randomness, entered by script
    return inspection


def schedule_visit(system, inspection: dict, at: str, version: int = 1, reason: str | None = None) -> None:
    """`visit.scheduled` from draw's outbox as draw announces a fixed time, with the team draw assigned."""
    draw = system.runtime("draw")
    assigned = [json.loads(row.body)["data"] for row in rows(draw, "Outbox")
                if row.routing_key == "inspectors.assigned"
                and json.loads(row.body)["data"]["inspection_id"] == inspection["inspection_id"]]
    team = assigned[-1]["inspectors"] if assigned else []
    local = datetime.fromisoformat(at).astimezone(draw.clock.tz).strftime("%Y-%m-%d %H:%M")
    data = {"inspection_id": inspection["inspection_id"], "scheduled_at": at, "local_time": local,
            "version": version, "previous_at": None, "reason": reason, "scheduled_by": "clerk:clerk01",
            "plan": inspection["plan"], "company": inspection["company"], "window": inspection["window"],
            "inspectors": team}
    with draw.unit_of_work() as uow:
        uow.emit("visit.scheduled", data, subject=inspection["inspection_id"])
        uow.commit()
    system.bus.drain()


def eco_logins(system, inspection_id: str) -> tuple[str, str]:
    """(a member, an outsider): login names (insp01…insp18, the eco library's INS-001…INS-018) of an eco officer on
    the visit's team as letters holds it, and of one who is not on it."""
    from services.letters.adapters.db import Visit
    letters = system.runtime("letters")
    with letters.unit_of_work(read_only=True) as uow:
        team = [i["id"] for i in uow.get(Visit, inspection_id).inspectors]
    member = next(i for i in team if i.startswith("INS-"))
    outsider = next(n for n in range(1, 19) if f"INS-{n:03d}" not in team)
    return f"insp{int(member[-3:]):02d}", f"insp{outsider:02d}"
