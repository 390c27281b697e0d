"""Records an auditor or clerk checks from a shell: draws, audit chains, the item catalog."""
from __future__ import annotations

import sys
from pathlib import Path


def draw_verify(args) -> int:
    from .. import registry
    from ..draw import handlers
    from ..draw.adapters.db import DrawRecord, SeedCommitment, db
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


def catalog_load(args) -> int:
    from .. import registry
    from ..intake import catalog
    runtime = registry.start("intake")
    data = catalog.read_catalog(Path(args.file)) if args.file else catalog.read_catalog()
    with runtime.unit_of_work() as uow:
        counts = catalog.load_catalog(uow, data, "cli:catalog-load", args.reason)
        uow.commit()
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
