"""letters without Flask: its runtime on a temporary SQLite file with a fake renderer, and the data an
`inspectors.assigned` event carries (docs/asyncapi.yaml), for handler tests that run in milliseconds."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from shared.clock import FixedClock
from shared.config import load_settings

NO_FONT_HAS = "\U0002a6a5"  # 𪚥: in no font of the stack (see test_letter_pdf.py)
ISSUED_AT = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


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
            {"name": "张三", "certificate_no": "37021100123", "department": "青岛市生态环境局西海岸新区分局"},
            {"name": "王建国", "certificate_no": "37021100124", "department": "青岛市黄岛区市场监督管理局"}],
        "contact": {"name": "李四", "phone": "0532-86888888"},
        "verification": {"code": "ABCD-EFGH-JKLM", "url": "http://127.0.0.1:8000/letters/verify/ABCD-EFGH-JKLM"},
    }
    letter.update(changes)
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


def an_inspection(inspection_id: str = "insp-1") -> dict:
    """A visit of two departments: the eco bureau leads, market supervision joins (N5)."""
    return {"inspection_id": inspection_id,
            "plan": {"id": "plan-1", "number": "〔2026〕3号", "name": "2026年第四季度部门联合双随机抽查计划",
                     "module": "部门联合"},
            "company": {"uscc": "914403001922038216", "name": "青岛测试化工有限公司", "address": "长江路1号"},
            "window": {"start": "2026-12-01", "end": "2026-12-05"}, "lead_department": "STHJ",
            "departments": [
                {"code": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "lead": True, "task_ids": [],
                 "items": [an_item("STHJ-01", "污染源日常环境监管")]},
                {"code": "SCJG", "name": "青岛市黄岛区市场监督管理局", "lead": False, "task_ids": [],
                 "items": [an_item("SCJG-01", "登记事项检查")]}]}


def an_inspector(n: int, name: str) -> dict:
    return {"id": f"INS-{n:03d}", "name": name, "certificate_no": f"370211{n:05d}", "department": "STHJ",
            "department_name": "青岛市生态环境局西海岸新区分局", "unit": "第一中队"}


def a_team(*names: str) -> list[dict]:
    return [an_inspector(n, name) for n, name in enumerate(names or ("王建国", "李海燕"), start=1)]


def issue(inspection_id: str = "insp-1", team: list[dict] | None = None):
    """The command an `inspectors.assigned` event becomes."""
    from services.letters.commands import IssueJointLetter
    return IssueJointLetter(inspection_id, an_inspection(inspection_id), team or a_team())


def rows(runtime, model: str, **filters) -> list:
    """Rows of one of letters' tables (or its outbox / audit log), read on a read-only unit of work."""
    from services.letters.adapters import db
    table = runtime.models.get(model) or getattr(db, model)
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.query(table).filter_by(**filters).all()


def drawn_visit(system, inspection_id: str = "insp-1") -> dict:
    """A visit through the embedded system as dispatch starts it: `inspection.ready` in intake's outbox (window
    three to six days ahead), then draw draws the team and letters issues the set. Returns the inspection."""
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
    return inspection
