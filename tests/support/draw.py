"""draw without Flask: its runtime on a temporary SQLite file, the demo's inspector library registered through
the bus, inspections as `inspection.ready` carries them; plus the embedded-system helpers the system tests of
draw (and results') share."""
from __future__ import annotations

import functools
from datetime import date, datetime, timedelta, timezone

from shared.clock import Clock
from shared.config import load_settings

START = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing, Saturday 28 November 2026
DEPARTMENT_NAME = "青岛市生态环境局西海岸新区分局"
SQUADRONS = ("第一中队", "第二中队", "第三中队", "第四中队")
NAMES = ("王建国", "李海燕", "张志强", "刘丽娟", "陈晓东", "杨红梅", "赵立新", "黄文静", "周国栋", "吴雪莲",
         "徐鹏飞", "孙秀英", "胡振华", "朱春生", "高海涛", "林玉兰", "何永刚", "郭淑芬", "马宏伟", "罗慧敏")
UNIT_USCC = "914403001922038216"


class TickingClock(Clock):
    """Each reading is one second later than the last: seeds committed at start-up precede every draw, as on a
    real clock, and the test stays deterministic."""

    def __init__(self, start: datetime = START):
        super().__init__()
        self.at = start

    def now(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def draw_runtime(tmp_path, clock: Clock | None = None, **env):
    """draw alone, migrated, prepared (seed commitments made): its bus, no Flask app."""
    from services import registry
    from services.draw.bootstrap import bootstrap, prepare
    settings = load_settings("draw", {"JOINTINSPECT_VAR": str(tmp_path / "var"), "SECRET_KEY": "test-secret",
                                      **env})
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    registry.migrate("draw", settings)
    runtime = bootstrap(settings, clock or TickingClock())
    prepare(runtime)
    return runtime


@functools.cache
def password_hash() -> str:
    """The demo password hashed once (werkzeug's scrypt is slow on purpose)."""
    from werkzeug.security import generate_password_hash
    return generate_password_hash("jointinspect")


def register_library(runtime, today: date | None = None) -> list[str]:
    """The demo's 20 officers (INS-001…INS-020): INS-019 off duty, INS-020's certificate expired; with the
    accounts insp01…insp20, clerk01, approver01, admin. Returns the inspector ids."""
    from services.draw.commands import CreateAccount, RegisterInspector
    today = today or runtime.clock.today_local()
    ids = []
    for n, name in enumerate(NAMES):
        expiry = today - timedelta(days=30) if n == 19 else today + timedelta(days=365 * 2 + n)
        inspector = runtime.bus.handle(RegisterInspector(
            id=f"INS-{n + 1:03d}", name=name, unit=SQUADRONS[n % 4], certificate_no=f"37021100{n + 1:03d}",
            certificate_expiry=expiry, certificate_issuer="青岛市人民政府", on_duty=n != 18, phone=f"1380532{n:04d}",
            department_code="STHJ", department_name=DEPARTMENT_NAME, actor="system:test", reason="建库"))
        runtime.bus.handle(CreateAccount(f"insp{n + 1:02d}", "inspector", name, password_hash=password_hash(),
                                         department_code="STHJ", inspector_id=inspector.id))
        ids.append(inspector.id)
    for username, role, display in (("clerk01", "clerk", "综合科 刘敏"), ("approver01", "approver", "分管负责人 孙强"),
                                    ("admin", "admin", "系统管理员")):
        runtime.bus.handle(CreateAccount(username, role, display, password_hash=password_hash(),
                                         department_code="STHJ"))
    return ids


def an_inspection(inspection_id: str = "insp-r", uscc: str = UNIT_USCC, start: date | None = None,
                  end: date | None = None, module: str = "部门联合", today: date | None = None) -> dict:
    """An inspection as `inspection.ready` carries it (docs/asyncapi.yaml `Inspection`)."""
    today = today or START.date()
    item = {"code": "STHJ-01", "department": "STHJ", "name": "污染源日常环境监管", "basis": "《环境保护法》",
            "method": "现场", "key_points": "", "target": "", "class": "一般"}
    return {"inspection_id": inspection_id,
            "plan": {"id": "p", "number": "〔2026〕1号", "name": "计划", "module": module},
            "company": {"uscc": uscc, "name": "青岛测试化工有限公司", "address": "长江路1号"},
            "window": {"start": (start or today + timedelta(days=3)).isoformat(),
                       "end": (end or today + timedelta(days=6)).isoformat()},
            "lead_department": "STHJ",
            "departments": [{"code": "STHJ", "name": DEPARTMENT_NAME, "lead": True, "task_ids": [], "items": [item]}]}


PARTNERS = {"SCJG": "青岛西海岸新区市场监督管理局", "YJGL": "青岛西海岸新区应急管理局"}


def a_joint_inspection(inspection_id: str = "insp-j", staffing: dict | None = None, lead: str = "STHJ",
                       today: date | None = None, uscc: str = UNIT_USCC) -> dict:
    """A three-department visit (eco, market regulation, emergency management) as `inspection.ready` carries it;
    `staffing` maps a department code to "library" or "named" (library when absent)."""
    inspection = an_inspection(inspection_id, uscc=uscc, today=today)
    inspection["lead_department"] = lead
    eco = inspection["departments"][0]
    departments = [eco, *({"code": code, "name": name, "task_ids": [],
                           "items": [{**eco["items"][0], "code": f"{code}-01", "department": code}]}
                          for code, name in PARTNERS.items())]
    for department in departments:
        department["lead"] = department["code"] == lead
        department["staffing"] = (staffing or {}).get(department["code"], "library")
    inspection["departments"] = departments
    return inspection


def register_partner(runtime, department: str, count: int = 3, start: int = 1, jurisdiction: str = "370200",
                     today: date | None = None) -> list[str]:
    """`count` officers of a partner department in the platform's library (SCJG-001…), with an account each
    (scjg01…) and the department's own account (`scjg`, role department)."""
    from services.draw.commands import CreateAccount, RegisterInspector
    today = today or runtime.clock.today_local()
    ids = []
    for n in range(start, start + count):
        inspector = runtime.bus.handle(RegisterInspector(
            id=f"{department}-{n:03d}", name=NAMES[(n + 9) % 20] + "（" + department + "）", unit="执法大队",
            certificate_no=f"{department}{n:06d}", certificate_expiry=today + timedelta(days=700),
            certificate_issuer="青岛市人民政府", jurisdiction=jurisdiction, department_code=department,
            department_name=PARTNERS[department], actor="system:test", reason="建库"))
        runtime.bus.handle(CreateAccount(f"{department.lower()}{n:02d}", "inspector", inspector.name,
                                         password_hash=password_hash(), department_code=department,
                                         inspector_id=inspector.id))
        ids.append(inspector.id)
    return ids


def department_account(runtime, department: str) -> None:
    from services.draw.commands import CreateAccount
    runtime.bus.handle(CreateAccount(department.lower(), "department", PARTNERS[department],
                                     password_hash=password_hash(), department_code=department))


def named_officers(today: date, prefix: str = "YJ", count: int = 2) -> tuple:
    return tuple({"name": f"应急执法{n}", "certificate_no": f"{prefix}3702{n:06d}",
                  "certificate_expiry": today + timedelta(days=365), "unit": "应急管理执法大队"}
                 for n in range(1, count + 1))


def audit_count(runtime, action: str) -> int:
    from sqlalchemy import func, select
    audit = runtime.models["AuditEntry"]
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.execute(select(func.count()).select_from(audit).where(audit.action == action)).scalar_one()


def staff(role: str = "clerk", subject: str = "clerk01"):
    from shared.auth import Principal
    return Principal(role, subject, "STHJ", subject)


# --- the embedded system (tests that need the other services too) ---------------------------------------------

def ready(system, inspection_id="insp-r", uscc=UNIT_USCC, start=None, end=None, module="部门联合") -> dict:
    """Put an `inspection.ready` in intake's outbox (as dispatch would) and let the bus deliver it."""
    runtime = system.runtime("intake")
    inspection = an_inspection(inspection_id, uscc, start, end, module, runtime.clock.today_local())
    with runtime.unit_of_work() as uow:
        uow.emit("inspection.ready", inspection, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    return inspection


def ready_joint(system, inspection_id="insp-j", staffing: dict | None = None, lead: str = "STHJ") -> dict:
    """A three-department `inspection.ready` (a_joint_inspection) through the embedded system."""
    runtime = system.runtime("intake")
    inspection = a_joint_inspection(inspection_id, staffing, lead, runtime.clock.today_local())
    with runtime.unit_of_work() as uow:
        uow.emit("inspection.ready", inspection, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    return inspection


def fix_time(system, http, token, inspection: dict, at: str = "09:30") -> None:
    """Fix the visit's time on its window's first day (letters issues the set once the time is fixed)."""
    from tests.flow import ok
    ok(http.call("PUT", f"/draw/api/v1/inspections/{inspection['inspection_id']}/schedule", token,
                 {"time": f"{inspection['window']['start']} {at}"}))
    system.bus.drain()


def draws(http, token=None) -> list[dict]:
    from tests.flow import ok
    return ok(http.call("GET", "/draw/api/v1/draws?per_page=200", token))["items"]
