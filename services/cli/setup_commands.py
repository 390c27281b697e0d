"""What an operator runs once to set a distributed installation up (issue 14): accounts, department API tokens and,
for a trial, the demo's reference data. Each goes through the owning service's bus, so its events leave through
that service's outbox and the workers carry them to the others — nothing is written into another service's
database."""
from __future__ import annotations

import getpass
import json
import sys
from datetime import timedelta

from shared.config import load_settings


def accounts_create(args) -> int:
    """A login (draw owns accounts). The password comes from stdin or a prompt, never from argv, which other users
    of the machine can read in the process list."""
    from shared.errors import DomainError

    from .. import registry
    from ..draw.commands import CreateAccount
    password = _password(args.password_stdin)
    if password is None:
        return 2
    runtime = registry.start("draw")
    try:
        runtime.bus.handle(CreateAccount(args.username, args.role, args.name or args.username, password=password,
                                         department_code=args.department, inspector_id=args.inspector_id,
                                         actor="cli:accounts-create"))
    except DomainError as refused:
        print(f"未创建：{_explain(refused)}", file=sys.stderr)
        return 1
    finally:
        runtime.dispose()
    where = f"，部门 {args.department}" if args.department else ""
    print(f"已创建账号 {args.username}（角色 {args.role}{where}）")
    return 0


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != password:
            print("两次输入的密码不一致", file=sys.stderr)
            return None
    if len(password) < 8:
        print("密码至少 8 个字符", file=sys.stderr)
        return None
    return password


def department_token(args) -> int:
    """Issue (or replace) a department's API token and print it once; intake keeps only its hash and emits
    `department.token_rotated`, which the workers relay so draw, letters and results accept it too."""
    from shared.errors import DomainError

    from .. import registry
    from ..intake.commands import RotateDepartmentToken
    runtime = registry.start("intake")
    try:
        token = runtime.bus.handle(RotateDepartmentToken(args.code.upper(), "cli:departments-token"))
    except DomainError as refused:
        print(f"未签发：{_explain(refused)}（先运行 `jointinspect catalog load`？）", file=sys.stderr)
        return 1
    finally:
        runtime.dispose()
    _update_demo_file(args.code.upper(), token)
    if args.quiet:
        print(token)
        return 0
    print(f"部门 {args.code.upper()} 的 API 令牌（只显示这一次，旧令牌已失效）：")
    print(token)
    return 0


def _update_demo_file(code: str, token: str) -> None:
    """The old token stopped working: where `demo seed` wrote the demo's credentials, `demo-info` shows the new one
    instead of a dead one. Nothing happens on an installation without demo data."""
    demo_file = load_settings("intake").var_dir / "demo.json"
    if not demo_file.exists():
        return
    info = json.loads(demo_file.read_text(encoding="utf-8"))
    for department in info.get("departments", []):
        if department.get("code") == code:
            department["token"] = token
    demo_file.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")


def demo_seed(args) -> int:
    """The demo's reference data (departments with tokens, catalog, inspectors with logins, companies) and an open
    plan, in whatever mode the environment describes; credentials go to var/demo.json for `demo-info`. The full
    walked-through plan needs the services' HTTP apps and an in-process drain, so it stays with `jointinspect up`."""
    import types

    from .. import registry
    from ..demo import DEMO_PASSWORD, seed_reference
    from ..intake.commands import CreatePlan
    settings = load_settings("intake")
    demo_file = settings.var_dir / "demo.json"
    if demo_file.exists() and not args.again:
        print(f"已有示范数据（{demo_file}）；`jointinspect demo-info` 查看。", file=sys.stderr)
        return 0
    runtimes = {name: registry.start(name) for name in ("intake", "draw")}
    try:
        operator = types.SimpleNamespace(runtimes=runtimes,
                                         handle=lambda name, message: runtimes[name].bus.handle(message))
        today = runtimes["intake"].clock.today_local()
        info = seed_reference(operator, today)
        plan = operator.handle("intake", CreatePlan(
            number=f"〔{today.year}〕2号", name=f"{today.year}年第二批部门联合双随机抽查计划", module="部门联合",
            lead_department="SCJG", partners=("STHJ", "YJGL"), period_start=today + timedelta(days=7),
            period_end=today + timedelta(days=60), intake_deadline=today + timedelta(days=6), publish=True,
            actor="system:demo"))
    finally:
        for runtime in runtimes.values():
            runtime.dispose()
    first = info["inspectors"][0]
    info.update(open_plan=plan.id, completed_plan=None, completed_inspection=None, draw_id=None,
                example_inspector={"username": first["username"], "password": DEMO_PASSWORD, "name": first["name"]})
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    demo_file.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"示范数据已写入：{len(info['departments'])} 个部门（含令牌）、{len(info['inspectors'])} 名执法人员、"
          f"受理中的计划 {plan.id}；`jointinspect demo-info` 查看令牌与登录账号。")
    return 0


def _explain(refused) -> str:
    details = "；".join(m for messages in (refused.fields or {}).values() for m in messages)
    return refused.message + (f"（{details}）" if details else "")


def register(sub) -> None:
    from shared.auth import ROLES
    accounts = sub.add_parser("accounts", help="logins (draw owns accounts)")
    create = accounts.add_subparsers(required=True, metavar="action").add_parser(
        "create", help="create a login; the password from --password-stdin or a prompt")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--department", default=None, help="department code, e.g. STHJ (required for department)")
    create.add_argument("--name", default=None, help="display name (default: the username)")
    create.add_argument("--inspector-id", default=None, help="inspector accounts: the registered inspector's id")
    create.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    create.set_defaults(func=accounts_create)
    departments = sub.add_parser("departments", help="departments' API tokens")
    token = departments.add_subparsers(required=True, metavar="action").add_parser(
        "token", help="issue a new API token for a department (the old one stops working) and print it once")
    token.add_argument("code", help="department code, e.g. SCJG")
    token.add_argument("--quiet", action="store_true", help="print only the token (for scripts)")
    token.set_defaults(func=department_token)
    demo = sub.add_parser("demo", help="demo data")
    seed = demo.add_subparsers(required=True, metavar="action").add_parser(
        "seed", help="demo departments, catalog, inspectors, accounts and an open plan (any mode)")
    seed.add_argument("--again", action="store_true", help="seed even though var/demo.json exists")
    seed.set_defaults(func=demo_seed)
