"""Records an auditor or clerk checks from a shell: draws, audit chains, the item catalog."""
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


def audit_verify(args) -> int:
    from shared.common_handlers import VerifyAuditChain

    from .. import registry
    runtime = registry.start(args.service)
    ok, count, problem = runtime.bus.handle(VerifyAuditChain())
    print(f"{args.service}: {count} 条审计记录，" + ("哈希链完整" if ok else f"哈希链断裂：{problem}"))
    return 0 if ok else 1
