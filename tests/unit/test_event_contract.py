"""Design §2 ⚑, issue #10: every event type, built by its one builder, is a valid message of `docs/asyncapi.yaml`;
and the builders stand apart from the HTTP serialisers, so changing an API view cannot change a partner's message.

The events are built as a chain, each from the one before, the way the services hand them on: a visit becomes
`inspection.ready`, its team `inspectors.assigned`, its letter `letter.issued`, its result `result.published`."""
from __future__ import annotations

import ast
import json
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace as Row

import pytest

from shared import events
from shared.config import PROJECT_ROOT
from shared.errors import Invalid
from tests.support.contract import CHANNEL_MESSAGES, contract_errors, contract_validator

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 30, 2, 30, tzinfo=timezone.utc)
SOURCES = {"department.token_rotated": "intake", "account.sessions_revoked": "draw",
           "task.submitted": "partner-SCJG", "task.accepted": "intake", "task.rejected": "intake",
           "inspection.ready": "intake", "targets.drawn": "draw", "inspectors.assigned": "draw",
           "inspectors.replaced": "draw", "letter.issued": "letters", "result.published": "results",
           "rectification.updated": "results", "visit.scheduled": "draw",
           "result.voided": "results", "audit.checkpoint": "results", "draw.committed": "draw"}


def cloud_event(name: str, data: dict, subject: str | None = "insp-1") -> dict:
    _id, body = events.build(SOURCES[name], name, data, subject, NOW, correlation_id="corr-1")
    return json.loads(body)


def a_visit():
    from services.intake.adapters.visits import Visit
    plan = Row(id="plan-1", number="〔2026〕1号", name="2026年第一批部门联合双随机抽查计划", module="部门联合",
               lead_department="SCJG", period_start=date(2026, 11, 30), period_end=date(2026, 12, 31))
    inspection = Row(id="insp-1", company_uscc="91440300708461136T", company_name="青岛示例化工有限公司",
                     company_address="青岛西海岸新区长江路1号")
    tasks = (_task("t-1", "SCJG", ["SCJG-01"]), _task("t-2", "STHJ", ["STHJ-01", "STHJ-02"], "draw-9"))
    items = {code: Row(code=code, department_code=code[:4], name=f"{code} 检查事项", target="企业", key_points="要点",
                       method="现场检查", item_class="一般", basis="《条例》第一条", version=1)
             for code in ("SCJG-01", "STHJ-01", "STHJ-02")}
    return Visit(plan, inspection, tasks, items, {"SCJG": "市场监督管理局", "STHJ": "生态环境分局"})


def _task(task_id, department, items, upstream=None):
    return Row(id=task_id, inspection_id="insp-1", plan_id="plan-1", department_code=department,
               external_id=f"EXT-{task_id}", items=items, status="accepted", channel="http", created_at=NOW,
               window_start=None, window_end=None, upstream_draw_ref=upstream)


def a_team():
    from services.draw import payloads
    people = [Row(id=f"INS-00{n}", name=name, certificate_no=f"37021100{n}", department_code="STHJ",
                  department_name="生态环境分局", unit="第一中队") for n, name in ((1, "王建国"), (2, "李海燕"))]
    return [payloads.inspector(person) for person in people]


def a_team_by_department():
    """The SCJG-led visit's parts: market regulation named its officers (匹配), the eco side's were drawn."""
    people = {f"{d}-{n}": Row(id=f"{d}-{n}", name=f"{d}人员{n}", certificate_no=f"{d}00{n}", department_code=d,
                              department_name=d, unit="") for d in ("SCJG", "STHJ") for n in (1, 2)}
    parts = [Row(department="SCJG", position=0, lead=True, via="named", draw_id=None,
                 inspector_ids=["SCJG-1", "SCJG-2"]),
             Row(department="STHJ", position=1, lead=False, via="draw", draw_id="draw-1",
                 inspector_ids=["STHJ-1", "STHJ-2"])]
    return parts, people


def a_schedule(inspection: dict, team: list[dict]):
    """A visit whose time was fixed, then changed once (version 2)."""
    return Row(inspection_id="insp-1", scheduled_at=datetime(2026, 12, 3, 1, 30, tzinfo=timezone.utc), version=2,
               scheduled_by="inspector:INS-001", plan=inspection["plan"], company=inspection["company"],
               window_start=date(2026, 11, 30), window_end=date(2026, 12, 31),
               team=team)


def every_event() -> dict[str, dict]:
    from services.draw import payloads as draw
    from services.intake import payloads as intake
    from services.letters import payloads as letters
    from services.results import payloads as results
    from services.results.adapters.records import RectificationRecord
    from shared import checkpoints
    inspection = intake.inspection_ready(a_visit())
    team = a_team()
    scjg = inspection["departments"][0]
    document = Row(inspection_id="insp-1", id="doc-1", number="黄市监联函〔2026〕1号", verification_code="ABCD2345",
                   content={"verification": {"url": "https://jc.example.gov.cn/letters/verify/ABCD2345"}})
    result = Row(inspection_id="insp-1", id="res-1", department="SCJG", visit_date=date(2026, 12, 1),
                 category="发现问题待后续处理",  # SCJG's own result: its own items, its own category
                 items=[{"item_code": "SCJG-01", "outcome": "发现问题", "method": "现场检查",
                         "findings": "登记住所与实际经营地不一致", "measures": "责令限期改正",
                         "follow_up": "责令改正"}],
                 round=1, publication_due=date(2026, 12, 29), published_late=False)
    correction = Row(id="corr-1", reason="SCJG-01 误录为发现问题")
    rectification = Row(id="rect-1", inspection_id="insp-1", result_id="res-1", department="SCJG",
                        item_code="SCJG-01", item_name="SCJG-01 检查事项", company=inspection["company"],
                        problem="登记住所与实际经营地不一致", deadline=date(2027, 3, 1), status="open",
                        completed_at=None)
    progress = Row(note="已提交整改方案", delay_reason=None, completed=False, evidence=[], recorded_by="clerk:clerk01",
                   recorded_at=NOW)
    draw_record = Row(inspection_id="insp-1", id="draw-1", inspection=inspection)
    replacement = Row(id="rep-1", reason="执法回避", text="与被检查单位存在利害关系，申请回避")
    target_draw = Row(id="td-1", plan_id="plan-1", items=["STHJ-01"],
                      targets=[{"uscc": "91440300708461136T", "name": "青岛示例化工有限公司", "address": "长江路1号",
                                "stratum": "重点排污单位", "draw_id": "draw-7"}])
    submitted = {"plan_id": "plan-1", "external_id": "SCJG-2026-001", "items": ["SCJG-01"],
                 "company": {"uscc": "91440300708461136T", "name": "青岛示例化工有限公司"}}
    return {
        "task.submitted": submitted,
        "task.accepted": intake.task_accepted(_task("t-1", "SCJG", ["SCJG-01"]), created=True),
        "task.rejected": intake.task_rejected(submitted, "evt-1", Invalid(
            "任务内容校验未通过", fields={"company.uscc": ["统一社会信用代码校验位不正确"]})),
        "inspection.ready": inspection,
        "department.token_rotated": intake.department_token_rotated("SCJG", "0" * 64, NOW),
        "account.sessions_revoked": draw.sessions_revoked(Row(revocation_id="rev-1", subject="clerk01",
                                                               session_id="", before="2026-11-30T02:30:00.123456Z")),
        "targets.drawn": draw.targets_drawn(target_draw, "STHJ"),
        "inspectors.assigned": draw.inspectors_assigned(inspection, *a_team_by_department()),
        "visit.scheduled": draw.visit_scheduled(a_schedule(inspection, draw.team(*a_team_by_department())),
                                                "2026-12-03 09:30",
                                                "2026-12-02T01:30:00Z", "企业负责人当日外出", department="SCJG"),
        "inspectors.replaced": draw.inspectors_replaced(draw_record, replacement, team[0], {**team[0], "id": "INS-003",
                                                        "name": "张志强"}, "approver:approver01", team),
        "letter.issued": letters.letter_issued(document, inspection, scjg, team,
                                               {"department": "SCJG", "name": "市场监督管理局", "code": "黄市监联函"},
                                               "2026-12-03T01:30:00Z"),
        "result.published": results.result_published(inspection, scjg, result, "2027-03-01", None),
        "result.voided": results.result_voided(result, correction, NOW),
        "rectification.updated": results.rectification_updated(
            RectificationRecord(rectification, (progress,), "第一中队", False)),
        "draw.committed": draw.draw_committed(Row(
            id=7, seed_hash="c" * 64, committed_at=NOW, subject_kind="inspection", subject_id="insp-1",
            purpose="inspectors", department="STHJ", algorithm="sha256", count=2,
            pool=["INS-001", "INS-002", "INS-003"], pool_hash="d" * 64,
            pool_frozen_at=NOW + timedelta(microseconds=1))),
        "audit.checkpoint": checkpoints.payload("results", Row(seq=42, head_hash="ab" * 32, at=NOW,
                                                               key_id="0123456789abcdef", public_key="A" * 44,
                                                               signature="B" * 88)),
    }


@pytest.mark.parametrize("name", sorted(CHANNEL_MESSAGES))
def test_every_event_type_built_by_its_builder_obeys_the_contract(name):
    message = cloud_event(name, every_event()[name])
    assert contract_errors(CHANNEL_MESSAGES[name], message) == []


def test_the_contract_check_can_fail():
    message = cloud_event("result.published", every_event()["result.published"])
    del message["data"]["items"]
    assert list(contract_validator("ResultPublished").iter_errors(message))


def test_every_channel_of_the_contract_has_a_builder_here():
    import yaml
    doc = yaml.safe_load((PROJECT_ROOT / "docs" / "asyncapi.yaml").read_text(encoding="utf-8"))
    channels = {name.split(".{")[0] for name in doc["channels"]}
    assert channels == set(CHANNEL_MESSAGES) == set(every_event())


def test_a_partner_sees_only_its_own_items():
    data = every_event()
    assert [i["code"] for i in data["result.published"]["items"]] == ["SCJG-01"]
    assert [i["code"] for i in data["letter.issued"]["items"]] == ["SCJG-01"]


@pytest.mark.parametrize("service", ["intake", "draw", "letters", "results"])
def test_event_builders_never_use_the_http_serialisers(service):
    """An API view may change its fields; a partner's message changes only when its builder does."""
    tree = ast.parse((PROJECT_ROOT / "services" / service / "payloads.py").read_text(encoding="utf-8"))
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | \
               {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not [m for m in imported if m.split(".")[-1] in ("views", "http", "pages", "schemas")]


def test_changing_an_http_view_does_not_change_the_event(monkeypatch):
    from services.intake import payloads, views
    before = payloads.task_accepted(_task("t-1", "SCJG", ["SCJG-01"]), created=True)
    monkeypatch.setattr(views, "task_view", lambda task: {"renamed": True})
    assert payloads.task_accepted(_task("t-1", "SCJG", ["SCJG-01"]), created=True) == before
