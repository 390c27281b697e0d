"""`up` and `demo-info`: the embedded demo a newcomer starts with `make run`."""
from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from shared.config import SERVICES, load_settings


def up(args) -> int:
    from sqlalchemy.engine import make_url
    from werkzeug.serving import run_simple

    from ..demo import seed
    from ..embedded import EmbeddedSystem
    defaults = {"PUBLIC_BASE_URL": f"http://{args.host}:{args.port}"}  # QR codes point at this server
    settings = load_settings("intake", defaults=defaults)
    if not settings.secret_key:
        defaults["SECRET_KEY"] = demo_secret_key(settings.var_dir)
    if settings.distributed:
        print("AMQP_URL 已设置：`up` 只运行嵌入模式，请使用 `serve`/`worker` 运行分布式模式。", file=sys.stderr)
        return 2
    demo_file = settings.var_dir / "demo.json"
    urls = [make_url(load_settings(name).database_url) for name in SERVICES]
    sqlite_files = [Path(url.database) for url in urls if url.get_backend_name() == "sqlite" and url.database]
    stale = demo_file.exists() and not all(path.exists() for path in sqlite_files)
    if stale:  # the printed tokens and ids would point at nothing: start the demo again, whole
        print("示范数据不完整（有数据库文件已被删除），重新生成全部示范数据。", file=sys.stderr)
    if args.reset or stale:
        for path in sqlite_files:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        demo_file.unlink(missing_ok=True)
    system = EmbeddedSystem(defaults=defaults)
    if not demo_file.exists():
        seed(system, settings.var_dir, system.runtime("intake").clock.today_local())
    system.bus.start()
    system.periodic.start()
    _print_welcome(f"http://{args.host}:{args.port}", json.loads(demo_file.read_text(encoding="utf-8")))
    try:
        run_simple(args.host, args.port, system.wsgi, threaded=True, use_reloader=False)
    finally:
        system.close()
    return 0


def demo_secret_key(var_dir: Path) -> str:
    """The embedded demo's SECRET_KEY when none is set: random, written once to var/secret_key readable by its owner
    only (0600) and reused, so logins survive a restart and no two machines share a key (there is no fixed one)."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another `up` wrote it first: use theirs
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text(encoding="ascii").strip()


def _print_welcome(base: str, info: dict) -> None:
    dept = info["departments"][0]
    company = json.dumps(info["companies"][2], ensure_ascii=False)
    feed = f"{base}/intake/api/v1/departments/{dept['code']}/events?after=0&limit=100"
    print(f"""
联合双随机协同监管平台（嵌入模式）已启动：{base}
  首页                 {base}/
  公开抽查事项清单      {base}/intake/api/v1/items
  公开抽取记录          {base}/draw/api/v1/draws
  接口文档（OpenAPI）   {base}/intake/docs/openapi.json
示范数据：`jointinspect demo-info` 查看各部门令牌与登录账号。试一试：
  curl -s {base}/draw/api/v1/draws/{info['draw_id']}/verify
  curl -s -X POST {base}/intake/api/v1/joint-tasks -H 'Authorization: Bearer {dept['token']}' \\
       -H 'Content-Type: application/json' \\
       -d '{{"plan_id":"{info['open_plan']}","external_id":"TRY-1","company":{company},"items":["SCJG-01"]}}'
部门读取本部门的事件（拉取方式；Webhook 与消息队列见 docs/partners.md）：
  curl -s -H 'Authorization: Bearer {dept['token']}' '{feed}'
按 Ctrl+C 停止。""", flush=True)


def demo_info(args) -> int:
    from shared.auth import Principal, issue_token
    settings = load_settings("intake")
    demo_file = settings.var_dir / "demo.json"
    if not settings.secret_key and demo_file.exists():
        settings = settings.with_(secret_key=demo_secret_key(settings.var_dir))
    if not demo_file.exists():
        print("尚无示范数据：请先运行 `jointinspect up`（或 `make run`；分布式：`jointinspect demo seed`）。",
              file=sys.stderr)
        return 1
    info = json.loads(demo_file.read_text(encoding="utf-8"))
    clerk_token = issue_token(settings.secret_key, Principal("clerk", "clerk01", "STHJ", "综合科 刘敏"))
    out = {"base_url": settings.public_base_url, "departments": info["departments"], "clerk": info["clerk"],
           "approver": info["approver"], "inspector": info["example_inspector"], "clerk_token": clerk_token,
           "department_users": info.get("department_users", []),
           "open_plan": info["open_plan"], "completed_plan": info.get("completed_plan"),  # `demo seed`: none
           "completed_inspection": info.get("completed_inspection"), "draw_id": info.get("draw_id")}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"地址：{out['base_url']}")
    for d in out["departments"]:
        print(f"部门 {d['code']} {d['name']}：令牌 {d['token']}")
    print(f"综合科登录：{out['clerk']['username']} / {out['clerk']['password']}")
    for user in info.get("department_users", []):
        print(f"部门用户登录（{user['department']}）：{user['username']} / {user['password']}")
    inspector = out["inspector"]
    print(f"检查人员登录：{inspector['username']} / {inspector['password']}（{inspector['name']}）")
    print(f"综合科令牌（Bearer）：{clerk_token}")
    print(f"受理中的计划：{out['open_plan']}")
    return 0
