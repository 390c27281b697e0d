"""Demo data for `jointinspect up` (embedded mode): departments, the item catalog, ~20 inspectors, ~50 companies
with valid USCCs, one joint plan carried through every stage and one open plan to try.

Reference data goes in through each service's own commands (as `jointinspect catalog load` and an
administrator would); the flow itself (tasks, dispatch, draw, letter, result) runs through the real HTTP API and
the real event handlers, so the demo shows the system working rather than a picture of it."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from werkzeug.security import generate_password_hash

from shared.auth import Principal, issue_token
from shared.uscc import random_uscc

from .embedded import EmbeddedSystem

DEMO_PASSWORD = "jointinspect"
BUREAU = "青岛市生态环境局西海岸新区分局"
SQUADRONS = ("第一中队", "第二中队", "第三中队", "第四中队")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建国", "海燕", "志强", "丽娟", "晓东", "红梅", "立新", "文静", "国栋", "雪莲", "鹏飞", "秀英", "振华",
         "春生", "海涛", "玉兰", "永刚", "淑芬", "宏伟", "慧敏")
COMPANY_WORDS = ("海晨化工", "西港涂装", "黄岛精细化学", "琅琊印务", "珠山热电", "灵山湾制药", "金沙滩食品",
                 "凤凰岛汽修", "薛家岛船舶", "隐珠机械", "胶南纺织", "大珠山建材", "藏马山环保", "泊里橡胶",
                 "铁山冶金", "王台电子", "张家楼包装", "宝山水泥", "六汪农化", "海青印染", "大场物流",
                 "红石崖钢构", "辛安医疗器械", "长江路检测", "前湾港石化")


def seed(system: EmbeddedSystem, var_dir: Path, today: date) -> dict:
    info = seed_reference(system, today)
    info.update(_run_flow(system, info, today))
    (var_dir / "demo.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return info


def seed_reference(system, today: date) -> dict:
    """Departments with API tokens, the catalog, inspectors with accounts, companies: no flow yet.
    Also used by the tests, so the demo and the tests stand on the same data."""
    rng = random.Random(20200408)
    from .intake.catalog import read_catalog
    catalog = read_catalog()
    tokens = _seed_intake(system, catalog)
    inspectors = _seed_draw(system, rng, today)
    partners = _seed_partner_officers(system, catalog, today)
    return {"departments": [{"code": d["code"], "name": d["name"], "token": tokens[d["code"]]}
                            for d in catalog["departments"]],
            "clerk": {"username": "clerk01", "password": DEMO_PASSWORD},
            "approver": {"username": "approver01", "password": DEMO_PASSWORD},
            "detachment": {"username": "zhidui01", "password": DEMO_PASSWORD},
            "department_users": [{"department": d["code"], "username": f"{d['code'].lower()}_dept",
                                  "password": DEMO_PASSWORD} for d in catalog["departments"]],
            "inspectors": inspectors, "partner_inspectors": partners,
            "companies": [_company(rng, i) for i in range(50)]}


def _seed_intake(system, data: dict) -> dict[str, str]:
    """The catalog through its real loader; each department gets an API token (only the hash is stored)."""
    from .intake.commands import LoadCatalog, RotateDepartmentToken
    system.handle("intake", LoadCatalog(data, "system:demo"))
    return {d["code"]: system.handle("intake", RotateDepartmentToken(d["code"], "system:demo"))
            for d in data["departments"]}


def _seed_draw(system, rng: random.Random, today: date) -> list[dict]:
    """Twenty officers of the sub-bureau (one certificate expired, one off duty, so the demo shows both
    exclusions) with their logins, and the clerk, approver and administrator — all through draw's own commands."""
    from .draw.commands import CreateAccount, RegisterInspector
    people = []
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one shared demo password: hash it once, not 23 times
    for n in range(20):
        name, inspector_id, username = SURNAMES[n] + GIVEN[n], f"INS-{n + 1:03d}", f"insp{n + 1:02d}"
        expiry = today - timedelta(days=30) if n == 19 else today + timedelta(days=365 * 2 + n)
        system.handle("draw", RegisterInspector(
            id=inspector_id, name=name, unit=SQUADRONS[n % 4], certificate_no=f"3702110{rng.randrange(10**6, 10**7)}",
            certificate_expiry=expiry, actor="system:demo", reason="示范数据", certificate_issuer="青岛市人民政府",
            on_duty=n != 18, phone=f"1380532{n:04d}", department_code="STHJ", department_name=BUREAU))
        system.handle("draw", CreateAccount(username, "inspector", name, password_hash=password_hash,
                                            department_code="STHJ", inspector_id=inspector_id, actor="system:demo"))
        people.append({"id": inspector_id, "name": name, "username": username, "unit": SQUADRONS[n % 4]})
    staff = (("clerk01", "clerk", "综合科 刘敏"), ("approver01", "approver", "分管负责人 孙强"),
             ("admin", "admin", "系统管理员"))
    for username, role, display in staff:
        system.handle("draw", CreateAccount(username, role, display, password_hash=password_hash,
                                            department_code="STHJ", actor="system:demo"))
    return people


PARTNER_OFFICERS = {"SCJG": ("于海波", "曲晓燕", "宋立军", "姜文华"), "YJGL": ("孔德胜", "邵春燕", "牟国庆", "綦建华")}


def _seed_partner_officers(system, catalog: dict, today: date) -> list[dict]:
    """N2 (issue #11): the partner departments bring their own certified officers, drawn from their own part of the
    library; each has a login to record that department's items. Also the detachment's (支队) account."""
    from .draw.commands import CreateAccount, RegisterInspector
    rng, names = random.Random(20201015), {d["code"]: d["name"] for d in catalog["departments"]}
    password_hash = generate_password_hash(DEMO_PASSWORD)
    people = []
    for code, officers in PARTNER_OFFICERS.items():
        for n, name in enumerate(officers, start=1):
            inspector_id, username = f"{code}-{n:03d}", f"{code.lower()}{n:02d}"
            system.handle("draw", RegisterInspector(
                id=inspector_id, name=name, unit="执法科", certificate_no=f"3702112{rng.randrange(10**6, 10**7)}",
                certificate_expiry=today + timedelta(days=900 + n), actor="system:demo", reason="示范数据",
                certificate_issuer="青岛市人民政府", phone=f"1390532{n:04d}", department_code=code,
                department_name=names[code]))
            system.handle("draw", CreateAccount(username, "inspector", name, password_hash=password_hash,
                                                department_code=code, inspector_id=inspector_id, actor="system:demo"))
            people.append({"id": inspector_id, "name": name, "username": username, "department": code})
    system.handle("draw", CreateAccount("zhidui01", "detachment", "支队 法制科 綦明", password_hash=password_hash,
                                        department_code="STHJ", actor="system:demo"))
    for code, name in names.items():  # 部门用户: each department's own login for its pages
        system.handle("draw", CreateAccount(f"{code.lower()}_dept", "department", name, password_hash=password_hash,
                                            department_code=code, actor="system:demo"))
    return people


def _company(rng: random.Random, n: int) -> dict:
    word = COMPANY_WORDS[n % len(COMPANY_WORDS)]
    suffix = "有限公司" if n < len(COMPANY_WORDS) else "二分厂有限公司"
    road = rng.choice(["长江西路", "江山中路", "珠江路", "前湾港路", "滨海大道"])
    return {"uscc": random_uscc(rng), "name": f"青岛{word}{suffix}",
            "address": f"青岛西海岸新区{road}{rng.randrange(1, 900)}号"}


def _run_flow(system: EmbeddedSystem, info: dict, today: date) -> dict:
    """Plan 1 goes through every stage — each department's officers drawn from its own library, the leader fixes
    the time, the lead (market regulation) issues the letter, each department records its own items (eco finds a
    problem, the others do not); plan 2 stays open for a newcomer to try."""
    client = system.client()
    secret = system.runtime("intake").settings.secret_key
    clerk = {"Authorization": "Bearer " + issue_token(secret, Principal("clerk", "clerk01", "STHJ", "综合科 刘敏"))}
    token = {d["code"]: {"Authorization": f"Bearer {d['token']}"} for d in info["departments"]}
    done = _plan(client, clerk, f"〔{today.year}〕1号", f"{today.year}年第一批部门联合双随机抽查计划",
                 today - timedelta(days=10), today + timedelta(days=5), today)
    company = info["companies"][0]
    for dept, items in DEMO_ITEMS.items():
        response = client.post("/intake/api/v1/joint-tasks", headers=token[dept], json={
            "plan_id": done["id"], "external_id": f"DEMO-{dept}-1", "company": company, "items": items})
        inspection_id = _ok(response)["inspection_id"]
    _ok(client.post(f"/intake/api/v1/plans/{done['id']}/dispatch", headers=token["SCJG"]))
    system.bus.drain()  # each department's draw committed, its pool frozen: waiting for public randomness
    _ok(client.post("/draw/api/v1/randomness", headers=clerk, json={  # issue 13: visibly not a real lottery
        "numbers": [3, 9, 15, 22, 27, 31, 12], "source": DEMO_RANDOMNESS, "issue": f"DEMO-{today.isoformat()}",
        "drawn_at": system.runtime("draw").clock.now().isoformat()}))
    system.bus.drain()
    progress = _ok(client.get(f"/results/api/v1/inspections/{inspection_id}/progress", headers=clerk))
    draw = next(d for d in _ok(client.get("/draw/api/v1/draws", headers=clerk))["items"]
                if d.get("inspection_id") == inspection_id and d.get("department") == "STHJ")
    leader = _bearer(client, _username(info, progress["leader_id"]))
    visited = today - timedelta(days=1)  # issue 13: the completed visit is past, so its records are public
    _ok(client.put(f"/draw/api/v1/inspections/{inspection_id}/schedule", headers=leader,
                   json={"time": f"{visited.isoformat()} 09:30"}))
    system.bus.drain()
    _ok(client.post(f"/results/api/v1/inspections/{inspection_id}/confirmation", headers=leader,
                    json={"name": "王经理", "confirmed_at": f"{visited.isoformat()} 16:30"}))
    for part in progress["parts"]:
        member = _bearer(client, _username(info, part["inspector_ids"][0]))
        clean = {"outcome": "未发现问题", "findings": "现场检查未发现问题"}
        answers = [DEMO_FINDINGS.get(code, {"item_code": code, **clean}) for code in DEMO_ITEMS[part["department"]]]
        body = {"department": part["department"], "visit_date": visited.isoformat(), "items": answers}
        if part["department"] == "STHJ":
            body["category"] = "发现问题经责令已改正"  # corrected on the spot; the others' category follows their items
        submitted = _ok(client.post(f"/results/api/v1/inspections/{inspection_id}/results", headers=member, json=body))
        if part["department"] == "STHJ":  # issue 13: findings are public only as the approver's released summary
            approver = {"Authorization": "Bearer " + issue_token(secret, Principal("approver", "approver01", "STHJ",
                                                                                  "分管负责人 孙强"))}
            _ok(client.put(f"/results/api/v1/results/{submitted['id']}/summary", headers=approver,
                           json={"text": DEMO_SUMMARY, "release": True}))
    system.bus.drain()
    inspector = next(p for p in info["inspectors"] if p["id"] in draw["selected"])
    open_plan = _plan(client, clerk, f"〔{today.year}〕2号", f"{today.year}年第二批部门联合双随机抽查计划",
                      today + timedelta(days=7), today + timedelta(days=60), today + timedelta(days=6))
    for n, dept in enumerate(("SCJG", "STHJ")):
        _ok(client.post("/intake/api/v1/joint-tasks", headers=token[dept], json={
            "plan_id": open_plan["id"], "external_id": f"DEMO-{dept}-2", "company": info["companies"][1],
            "items": ["SCJG-02"] if dept == "SCJG" else ["STHJ-09"]}))
    return {"completed_plan": done["id"], "completed_inspection": inspection_id, "draw_id": draw["id"],
            "open_plan": open_plan["id"], "example_inspector": {"username": inspector["username"],
                                                                 "password": DEMO_PASSWORD, "name": inspector["name"]}}


DEMO_RANDOMNESS = "演示数据（非真实开奖）"
DEMO_SUMMARY = "危险废物暂存间标识不规范，已责令整改。"
DEMO_ITEMS = {"SCJG": ["SCJG-01", "SCJG-03"], "STHJ": ["STHJ-01", "STHJ-02"], "YJGL": ["YJGL-01"]}
DEMO_FINDINGS = {"STHJ-01": {"item_code": "STHJ-01", "outcome": "发现问题", "findings": "危废暂存间标识不规范",
                             "measures": "责令当场整改"}}  # eco found a problem; market regulation and YJGL did not


def _username(info: dict, inspector_id: str) -> str:
    return next(p["username"] for p in info["inspectors"] + info["partner_inspectors"] if p["id"] == inspector_id)


def _bearer(client, username: str) -> dict:
    login = _ok(client.post("/draw/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}))
    return {"Authorization": f"Bearer {login['token']}"}


def _plan(client, clerk: dict, number: str, name: str, start: date, end: date, deadline: date) -> dict:
    return _ok(client.post("/intake/api/v1/plans", headers=clerk, json={
        "number": number, "name": name, "module": "部门联合", "lead_department": "SCJG",
        "partners": ["STHJ", "YJGL"], "period_start": start.isoformat(), "period_end": end.isoformat(),
        "intake_deadline": deadline.isoformat()}))


def _ok(response) -> dict:
    if response.status_code >= 300:
        raise RuntimeError(f"demo step failed: {response.status_code} {response.get_data(as_text=True)}")
    return response.json
