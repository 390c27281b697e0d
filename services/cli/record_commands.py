"""Records an auditor or clerk checks from a shell: draws, the item catalog (audit chains: audit_commands.py)."""
from __future__ import annotations

import sys
from pathlib import Path


def draw_verify(args) -> int:
    from shared.errors import NotFound

    from .. import registry
    from ..draw.queries import VerifyDraw
    runtime = registry.start("draw")
    try:
        result = runtime.bus.handle(VerifyDraw(args.draw_id))
    except NotFound:
        print(f"抽取记录 {args.draw_id} 不存在", file=sys.stderr)
        return 2
    print("验证通过 / VERIFIED" if result.verified else "验证失败 / FAILED")
    for problem in result.problems:
        print(f"  - {problem}")
    return 0 if result.verified else 1


def draw_randomness_enter(args) -> int:
    """Issue 13: one entry of public randomness draws every commitment made before the lottery's draw time."""
    from shared.errors import DomainError

    from .. import registry
    from ..draw.commands import EnterRandomness
    try:
        numbers = tuple(int(n) for n in args.numbers.replace("，", ",").replace(" ", ",").split(",") if n)
    except ValueError:
        print("开奖号码应为以逗号分隔的整数，如 03,09,15,22,27,31,12", file=sys.stderr)
        return 2
    runtime = registry.start("draw")
    try:
        entered = runtime.bus.handle(EnterRandomness(numbers, args.source, args.issue, args.drawn_at, args.actor))
    except DomainError as refused:
        details = "；".join(m for messages in (refused.fields or {}).values() for m in messages)
        print(f"未录入：{refused.message}" + (f"（{details}）" if details else ""), file=sys.stderr)
        return 1
    print(f"已录入「{args.source}」第 {args.issue} 期开奖号码，完成抽取 {len(entered.draws)} 项：")
    for record in entered.draws:
        print(f"  {record.id}  {record.purpose}  {record.department or ''}")
    return 0


def catalog_load(args) -> int:
    from .. import registry
    from ..intake.catalog import read_catalog
    from ..intake.commands import LoadCatalog
    runtime = registry.start("intake")
    data = read_catalog(Path(args.file)) if args.file else read_catalog()
    counts = runtime.bus.handle(LoadCatalog(data, "cli:catalog-load", reason=args.reason))
    created, changed = counts["items_created"], counts["items_changed"]
    print(f"部门新增 {counts['departments']} 个，事项新增 {created} 项、变更 {changed} 项")
    return 0
