"""draw without Flask: its runtime on a temporary SQLite file, the demo's inspector library registered through
the bus, inspections as `inspection.ready` carries them; plus the embedded-system helpers the system tests of
draw (and results') share."""
from __future__ import annotations

import functools
from datetime import date, datetime, timedelta, timezone

from shared.clock import Clock, FixedClock
from shared.config import load_settings

START = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing, Saturday 28 November 2026
DEPARTMENT_NAME = "青岛市生态环境局西海岸新区分局"
SQUADRONS = ("第一中队", "第二中队", "第三中队", "第四中队")
NAMES = ("王建国", "李海燕", "张志强", "刘丽娟", "陈晓东", "杨红梅", "赵立新", "黄文静", "周国栋", "吴雪莲",
         "徐鹏飞", "孙秀英", "胡振华", "朱春生", "高海涛", "林玉兰", "何永刚", "郭淑芬", "马宏伟", "罗慧敏")
UNIT_USCC = "914403001922038216"


class TickingClock(Clock):
    """Each reading is one second later than the last: a commitment precedes the randomness entered after it, which
    precedes the draw, as on a real clock, and the test stays deterministic."""

    def __init__(self, start: datetime = START):
        super().__init__()
        self.at = start

    def now(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def draw_runtime(tmp_path, clock: Clock | None = None, **env):
    """draw alone, migrated: its bus, no Flask app."""
    from services import registry
    from services.draw.bootstrap import bootstrap
    settings = load_settings("draw", {"JOINTINSPECT_VAR": str(tmp_path / "var"), "SECRET_KEY": "test-secret",
                                      **env})
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    registry.migrate("draw", settings)
    return bootstrap(settings, clock or TickingClock())


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

def ready(system, inspection_id="insp-r", uscc=UNIT_USCC, start=None, end=None, module="部门联合",
          randomness: bool = True) -> dict:
    """Put an `inspection.ready` in intake's outbox (as dispatch would) and let the bus deliver it; then, unless
    `randomness` is False, enter scripted public randomness so the committed parts are drawn (issue 13)."""
    runtime = system.runtime("intake")
    inspection = an_inspection(inspection_id, uscc, start, end, module, runtime.clock.today_local())
    with runtime.unit_of_work() as uow:
        uow.emit("inspection.ready", inspection, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    if randomness:
        enter_randomness(system)
    return inspection


def ready_joint(system, inspection_id="insp-j", staffing: dict | None = None, lead: str = "STHJ",
                randomness: bool = True) -> dict:
    """A three-department `inspection.ready` (a_joint_inspection) through the embedded system; then scripted public
    randomness unless `randomness` is False."""
    runtime = system.runtime("intake")
    inspection = a_joint_inspection(inspection_id, staffing, lead, runtime.clock.today_local())
    with runtime.unit_of_work() as uow:
        uow.emit("inspection.ready", inspection, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    if randomness:
        enter_randomness(system)
    return inspection


def fix_time(system, http, token, inspection: dict, at: str = "09:30") -> None:
    """Fix the visit's time on its window's first day (letters issues the set once the time is fixed)."""
    from tests.flow import ok
    ok(http.call("PUT", f"/draw/api/v1/inspections/{inspection['inspection_id']}/schedule", token,
                 {"time": f"{inspection['window']['start']} {at}"}))
    system.bus.drain()


# --- public randomness (issue 13): teams are drawn only once it is entered -------------------------------------

SCRIPTED_SOURCE = "测试脚本录入（非真实开奖）"  # visibly not a real lottery
SCRIPTED_NUMBERS = (3, 9, 15, 22, 27, 31, 12)


def enter_randomness(target, token: str | None = None, numbers=SCRIPTED_NUMBERS, source: str = SCRIPTED_SOURCE,
                     drawn_at: datetime | None = None) -> dict | None:
    """Enter scripted public randomness (drawn "now") so every draw committed before it is drawn — what a clerk does
    with the evening's lottery numbers. `target` is draw's runtime (its bus), the embedded system (draw's bus, then
    the system's bus drained so `inspectors.assigned` / `targets.drawn` reach the other services) or an HTTP client
    (WsgiHttp/UrlHttp; `token` a clerk's, clerk01 logged in when None). A draw runtime on a stopped clock
    (FixedClock) gets the lottery one second after it and the draw two, the clock put back afterwards. Answers the
    entry with the draws it made ({"id", "draws": [{"id", "purpose", "department", "subject_kind"}], ...}), or None
    when nothing was waiting."""
    import uuid
    issue = f"TEST-{uuid.uuid4().hex[:10]}"
    if hasattr(target, "call"):
        from tests.flow import login
        moment = drawn_at or datetime.now(timezone.utc)
        status, body = target.call("POST", "/draw/api/v1/randomness", token or login(target, "clerk01"),
                                   {"numbers": list(numbers), "source": source, "issue": issue,
                                    "drawn_at": moment.isoformat()})
        if status == 409 and body["error"]["code"] == "nothing_pending":
            return None
        assert status == 201, f"HTTP {status}: {body}"
        return body
    from services.draw.commands import EnterRandomness
    from services.draw.views import randomness_view
    from shared.errors import Conflict
    system = target if hasattr(target, "runtime") else None
    runtime = system.runtime("draw") if system else target
    stopped = runtime.clock if isinstance(runtime.clock, FixedClock) else None
    if stopped is not None:  # a stopped clock: the lottery is drawn a second after, the draw made a second later
        runtime.clock = FixedClock(stopped.at + timedelta(seconds=2), stopped.tz)
    moment = drawn_at or (stopped.at + timedelta(seconds=1) if stopped else runtime.clock.now())
    try:
        entered = runtime.bus.handle(EnterRandomness(tuple(numbers), source, issue, moment.isoformat(),
                                                     "system:test-script"))
    except Conflict as refused:
        if refused.code == "nothing_pending":
            return None
        raise
    finally:
        if stopped is not None:
            runtime.clock = stopped
    if system:
        system.bus.drain()
    return randomness_view(entered)


def draw_team(runtime, inspection: dict):
    """`inspection.ready` handled by draw's bus (phase one: commitments, frozen pools), then scripted public
    randomness (phase two: the draws). Answers the lead department's draw record, or None when it was not drawn."""
    from services.draw.commands import DrawInspectors
    runtime.bus.handle(DrawInspectors(inspection))
    enter_randomness(runtime)
    return lead_record(runtime, inspection["inspection_id"], inspection.get("lead_department"))


def draw_targets(runtime, command):
    """A target draw (`DrawTargets`: phase one, each stratum committed) then scripted public randomness (phase two:
    the strata drawn, `targets.drawn` emitted). Answers the target draw as it now is."""
    from services.draw.adapters.db import TargetDraw
    committed = runtime.bus.handle(command)
    enter_randomness(runtime)
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.get(TargetDraw, committed.id)


def lead_record(runtime, inspection_id: str, department: str | None = None):
    """The draw record of a visit's lead department (its only one for a one-department visit), or None."""
    from sqlalchemy import select

    from services.draw.adapters.db import DrawRecord
    query = select(DrawRecord).where(DrawRecord.inspection_id == inspection_id)
    if department:
        query = query.where(DrawRecord.department == department)
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.execute(query.order_by(DrawRecord.created_at)).scalars().first()


def draws(http, token=None) -> list[dict]:
    from tests.flow import ok
    return ok(http.call("GET", "/draw/api/v1/draws?per_page=200", token))["items"]
