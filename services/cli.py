"""`jointinspect` — one command for every way of running the system.

  jointinspect up                    all four services embedded in one process, with demo data
  jointinspect demo-info [--json]    the demo's URL, department tokens, logins and a clerk token
  jointinspect serve <service>       one service's HTTP app (distributed mode, gunicorn)
  jointinspect worker <service>      one service's outbox relay and consumers (distributed mode)
  jointinspect migrate [service…]    upgrade databases to the newest schema
  jointinspect draw verify <id>      re-verify a stored draw from its public record
  jointinspect audit verify <service> check the hash chain of a service's audit log
  jointinspect dead-letters list|replay <service>   messages that kept failing
  jointinspect catalog load [--file F]  load departments and the item catalog (idempotent, audited)
  jointinspect fonts build           cut the GB2312 letter fonts into var/fonts (once; letters render ~2× faster)
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from shared.config import SERVICES, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("weasyprint", "fontTools", "alembic", "pika"):
        logging.getLogger(chatty).setLevel(logging.WARNING)  # their INFO lines drown the service's own
    return args.func(args) or 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jointinspect", description="联合双随机协同监管平台")
    sub = parser.add_subparsers(required=True, metavar="command")
    up = sub.add_parser("up", help="run everything embedded with demo data")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000)
    up.add_argument("--reset", action="store_true", help="delete var/ databases and seed the demo again")
    up.set_defaults(func=cmd_up)
    info = sub.add_parser("demo-info", help="print demo credentials")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=cmd_demo_info)
    serve = sub.add_parser("serve", help="run one service's HTTP app")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--bind", default=None, help="host:port (default from PORT or 8000)")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="run one service's relay and consumers")
    worker.add_argument("service", choices=SERVICES)
    worker.set_defaults(func=cmd_worker)
    migrate = sub.add_parser("migrate", help="upgrade databases")
    migrate.add_argument("services", nargs="*", choices=SERVICES, default=list(SERVICES))
    migrate.set_defaults(func=cmd_migrate)
    draw = sub.add_parser("draw", help="draw records")
    draw_sub = draw.add_subparsers(required=True, metavar="action")
    verify = draw_sub.add_parser("verify", help="re-verify a draw")
    verify.add_argument("draw_id")
    verify.set_defaults(func=cmd_draw_verify)
    catalog = sub.add_parser("catalog", help="the item catalog (intake)")
    catalog_sub = catalog.add_subparsers(required=True, metavar="action")
    load = catalog_sub.add_parser("load", help="load departments and items from a YAML file (idempotent)")
    load.add_argument("--file", default=None, help="default: services/intake/data/catalog.yaml")
    load.add_argument("--reason", default="载入抽查事项清单")
    load.set_defaults(func=cmd_catalog_load)
    dead = sub.add_parser("dead-letters", help="messages that kept failing")
    dead_sub = dead.add_subparsers(required=True, metavar="action")
    for action, func in (("list", cmd_dead_list), ("replay", cmd_dead_replay)):
        command = dead_sub.add_parser(action, help=f"{action} a service's dead letters")
        command.add_argument("service", choices=SERVICES)
        command.set_defaults(func=func)
    font_cmd = sub.add_parser("fonts", help="letter fonts")
    font_sub = font_cmd.add_subparsers(required=True, metavar="action")
    font_sub.add_parser("build", help="pre-subset the letter fonts into var/fonts").set_defaults(func=cmd_fonts_build)
    audit = sub.add_parser("audit", help="audit log")
    audit_sub = audit.add_subparsers(required=True, metavar="action")
    chain = audit_sub.add_parser("verify", help="verify a service's audit hash chain")
    chain.add_argument("service", choices=SERVICES)
    chain.set_defaults(func=cmd_audit_verify)
    return parser


def cmd_up(args) -> int:
    from sqlalchemy.engine import make_url
    from werkzeug.serving import run_simple

    from .demo import seed
    from .embedded import EmbeddedSystem
    settings = load_settings("intake")
    if settings.distributed:
        print("AMQP_URL 已设置：`up` 只运行嵌入模式，请使用 `serve`/`worker` 运行分布式模式。", file=sys.stderr)
        return 2
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{args.host}:{args.port}")  # QR codes point at this server
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
    system = EmbeddedSystem()
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


def _print_welcome(base: str, info: dict) -> None:
    dept = info["departments"][0]
    company = json.dumps(info["companies"][2], ensure_ascii=False)
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
按 Ctrl+C 停止。""", flush=True)


def cmd_demo_info(args) -> int:
    from shared.auth import Principal, issue_token
    settings = load_settings("intake")
    demo_file = settings.var_dir / "demo.json"
    if not demo_file.exists():
        print("尚无示范数据：请先运行 `jointinspect up`（或 `make run`）。", file=sys.stderr)
        return 1
    info = json.loads(demo_file.read_text(encoding="utf-8"))
    base = os.environ.get("PUBLIC_BASE_URL", settings.public_base_url)
    clerk_token = issue_token(settings.secret_key, Principal("clerk", "clerk01", "STHJ", "综合科 刘敏"))
    out = {"base_url": base, "departments": info["departments"], "clerk": info["clerk"],
           "approver": info["approver"], "inspector": info["example_inspector"], "clerk_token": clerk_token,
           "open_plan": info["open_plan"], "completed_plan": info["completed_plan"],
           "completed_inspection": info["completed_inspection"], "draw_id": info["draw_id"]}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"地址：{base}")
    for d in out["departments"]:
        print(f"部门 {d['code']} {d['name']}：令牌 {d['token']}")
    print(f"综合科登录：{out['clerk']['username']} / {out['clerk']['password']}")
    inspector = out["inspector"]
    print(f"检查人员登录：{inspector['username']} / {inspector['password']}（{inspector['name']}）")
    print(f"综合科令牌（Bearer）：{clerk_token}")
    print(f"受理中的计划：{out['open_plan']}")
    return 0


def cmd_serve(args) -> int:
    from gunicorn.app.base import BaseApplication

    from . import registry
    settings = load_settings(args.service)
    registry.migrate(args.service, settings)
    bind = args.bind or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", args.workers)
            self.cfg.set("accesslog", "-")

        def load(self):
            return registry.build(args.service, settings)

    Server().run()
    return 0


def cmd_worker(args) -> int:
    from shared.worker import Worker

    from . import registry
    settings = load_settings(args.service)
    if not settings.distributed:
        print("worker 需要 AMQP_URL（分布式模式）。", file=sys.stderr)
        return 2
    Worker(registry.start(args.service, settings)).run_forever()
    return 0


def cmd_migrate(args) -> int:
    from . import registry
    for name in args.services:
        registry.migrate(name)
        print(f"{name}: migrated")
    return 0


def cmd_draw_verify(args) -> int:
    from . import registry
    from .draw import handlers
    from .draw.adapters.db import DrawRecord, SeedCommitment, db
    app = registry.build("draw")
    with app.app_context():
        record = db.session.get(DrawRecord, args.draw_id)
        if record is None:
            print(f"抽取记录 {args.draw_id} 不存在", file=sys.stderr)
            return 2
        public = handlers.public_record(record, db.session.get(SeedCommitment, record.commitment_id), False)
    ok, problems = handlers.verify_record(public)
    print("验证通过 / VERIFIED" if ok else "验证失败 / FAILED")
    for problem in problems:
        print(f"  - {problem}")
    return 0 if ok else 1


def cmd_catalog_load(args) -> int:
    from pathlib import Path

    from shared.web import runtime_of

    from . import registry
    from .intake import catalog
    app = registry.build("intake")
    data = catalog.read_catalog(Path(args.file)) if args.file else catalog.read_catalog()
    with app.app_context():
        uow = runtime_of(app).unit_of_work()
        counts = catalog.load_catalog(uow, data, "cli:catalog-load", args.reason)
        uow.commit()
    created, changed = counts["items_created"], counts["items_changed"]
    print(f"部门新增 {counts['departments']} 个，事项新增 {created} 项、变更 {changed} 项")
    return 0


def cmd_dead_list(args) -> int:
    from shared import dead_letters

    from . import registry
    runtime = registry.start(args.service)
    if runtime.settings.distributed:
        for queue, depth in dead_letters.broker_depths(runtime, runtime.settings.amqp_url).items():
            print(f"{queue}: {depth}")
        return 0
    for row in dead_letters.pending_embedded(runtime):
        print(f"{row.queue} {row.event_id} 尝试 {row.attempts} 次：{row.error.strip().splitlines()[-1]}")
    return 0


def cmd_dead_replay(args) -> int:
    from shared import dead_letters

    from . import registry
    runtime = registry.start(args.service)
    if runtime.settings.distributed:
        moved = sum(dead_letters.replay_broker(runtime.settings.amqp_url, q) for q in runtime.queues())
    else:
        moved = dead_letters.replay_embedded(runtime)
    print(f"{args.service}: 已重新投递 {moved} 条消息")
    return 0


def cmd_audit_verify(args) -> int:
    from shared.audit import verify_chain

    from . import registry
    runtime = registry.start(args.service)
    with runtime.unit_of_work(read_only=True) as uow:
        ok, count, problem = verify_chain(uow.session, runtime.models["AuditEntry"])
    print(f"{args.service}: {count} 条审计记录，" + ("哈希链完整" if ok else f"哈希链断裂：{problem}"))
    return 0 if ok else 1


def cmd_fonts_build(args) -> int:
    from services.letters.adapters import fonts
    written = fonts.build()
    built = fonts.built_faces()
    print(f"letter fonts in {fonts.FONT_DIR}: {len(built)} of {len(fonts.FACES)} ready"
          + (f", built now: {', '.join(written)}" if written else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())


