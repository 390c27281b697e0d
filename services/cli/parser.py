"""The command line's shape: every subcommand, its arguments and the function that runs it."""
from __future__ import annotations

import argparse

from shared.config import SERVICES

from . import (
    audit_commands,
    dead_letter_commands,
    demo_commands,
    operator_commands,
    partner_commands,
    record_commands,
    setup_commands,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jointinspect", description="联合双随机协同监管平台")
    sub = parser.add_subparsers(required=True, metavar="command")
    up = sub.add_parser("up", help="run everything embedded with demo data")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000)
    up.add_argument("--reset", action="store_true", help="delete var/ databases and seed the demo again")
    up.set_defaults(func=demo_commands.up)
    info = sub.add_parser("demo-info", help="print demo credentials")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=demo_commands.demo_info)
    serve = sub.add_parser("serve", help="run one service's HTTP app")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--bind", default=None, help="host:port (default from PORT or 8000)")
    serve.add_argument("--workers", type=int, default=None, help="default from WEB_CONCURRENCY or 2")
    serve.set_defaults(func=operator_commands.serve)
    worker = sub.add_parser("worker", help="run one service's relay and consumers")
    worker.add_argument("service", choices=SERVICES)
    worker.set_defaults(func=operator_commands.worker)
    migrate = sub.add_parser("migrate", help="create missing databases and upgrade them (default: every service)")
    migrate.add_argument("services", nargs="*", type=_service, metavar="service",  # choices= refuses an empty
                         help=f"any of {', '.join(SERVICES)}; default: all")   # list on Python 3.11
    migrate.set_defaults(func=operator_commands.migrate)
    _records(sub)
    partner_commands.register(sub)
    setup_commands.register(sub)
    return parser


def _service(name: str) -> str:
    if name not in SERVICES:
        raise argparse.ArgumentTypeError(f"invalid choice: {name!r} (choose from {', '.join(SERVICES)})")
    return name


def _records(sub) -> None:
    draw = sub.add_parser("draw", help="draw records")
    draw_actions = draw.add_subparsers(required=True, metavar="action")
    verify = draw_actions.add_parser("verify", help="re-verify a draw")
    verify.add_argument("draw_id")
    verify.set_defaults(func=record_commands.draw_verify)
    randomness = draw_actions.add_parser("randomness", help="external public randomness (issue 13)")
    enter = randomness.add_subparsers(required=True, metavar="action").add_parser(
        "enter", help="enter a lottery's winning numbers: every draw committed before its draw time is drawn")
    enter.add_argument("--numbers", required=True, help="winning numbers, e.g. 03,09,15,22,27,31,12")
    enter.add_argument("--source", required=True, help="e.g. 中国福利彩票双色球 (scripts: 演示数据（非真实开奖）)")
    enter.add_argument("--issue", required=True, help="the lottery's issue (期号), e.g. 2026137")
    enter.add_argument("--drawn-at", required=True, help="its draw time, Beijing time: 'YYYY-MM-DD HH:MM'")
    enter.add_argument("--actor", default="cli:operator")
    enter.set_defaults(func=record_commands.draw_randomness_enter)
    catalog = sub.add_parser("catalog", help="the item catalog (intake)")
    load = catalog.add_subparsers(required=True, metavar="action").add_parser(
        "load", help="load departments and items from a YAML file (idempotent)")
    load.add_argument("--file", default=None, help="default: services/intake/data/catalog.yaml")
    load.add_argument("--reason", default="载入抽查事项清单")
    load.set_defaults(func=record_commands.catalog_load)
    dead_letter_commands.register(sub)
    fonts = sub.add_parser("fonts", help="letter fonts")
    fonts.add_subparsers(required=True, metavar="action").add_parser(
        "build", help="pre-subset the letter fonts into var/fonts").set_defaults(func=operator_commands.fonts_build)
    audit_commands.register(sub)
