"""`jointinspect audit …` (S1, issue 13): verify each service's history against the checkpoints it published, sign a
checkpoint now, make a signing key. Output in Chinese; a failed verification exits non-zero."""
from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from shared.config import SERVICES

FETCH_TIMEOUT = 20
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def register(sub) -> None:
    audit = sub.add_parser("audit", help="audit log: verify, checkpoints, signing key")
    actions = audit.add_subparsers(required=True, metavar="action")
    verify = actions.add_parser("verify", help="verify the chain, sealed rows and published checkpoints")
    verify.add_argument("service", nargs="?", choices=SERVICES, help="default: every service")
    verify.add_argument("--service", dest="service_option", choices=SERVICES, default=None)
    verify.add_argument("--checkpoints", default=None, metavar="FILE|URL",
                        help="checkpoints as published (GET /<service>/api/v1/audit/checkpoints), saved earlier")
    verify.set_defaults(func=audit_verify)
    checkpoint = actions.add_parser("checkpoint", help="sign and publish the chain heads now")
    checkpoint.add_argument("--service", choices=SERVICES, default=None, help="default: every service")
    checkpoint.set_defaults(func=audit_checkpoint)
    seal = actions.add_parser("seal-existing", help="once after upgrading: seal business rows written before")
    seal.add_argument("--service", choices=SERVICES, default=None, help="default: every service")
    seal.set_defaults(func=audit_seal_existing)
    actions.add_parser("keygen", help="print a new AUDIT_SIGNING_KEY and its public key").set_defaults(
        func=audit_keygen)


def audit_verify(args) -> int:
    from shared.common_handlers import VerifyAuditChain

    from .. import registry
    services = [args.service_option or args.service] if (args.service_option or args.service) else list(SERVICES)
    try:
        documents = _documents(args.checkpoints) if args.checkpoints else None
    except (OSError, ValueError) as error:
        print(f"无法读取检查点文件 {args.checkpoints}：{error}", file=sys.stderr)
        return 2
    failed = False
    for name in services:
        query = VerifyAuditChain()
        if documents is not None:
            published = [c for d in documents if d.get("service") == name for c in d.get("checkpoints", [])]
            keys = {k["key_id"]: k["public_key"] for d in documents if d.get("service") == name
                    for k in d.get("public_keys", []) if isinstance(k, dict) and "key_id" in k}
            query = VerifyAuditChain(published=tuple(published), public_keys=keys)
        runtime = registry.start(name)
        try:
            report = runtime.bus.handle(query)
        finally:
            runtime.dispose()
        print(report.summary())
        for problem in report.problems:
            print(f"  - {problem}")
        failed = failed or not report.ok
    return 1 if failed else 0


def audit_checkpoint(args) -> int:
    from shared.common_handlers import MakeCheckpoint

    from .. import registry
    for name in [args.service] if args.service else list(SERVICES):
        runtime = registry.start(name)
        try:
            made = runtime.bus.handle(MakeCheckpoint())
        finally:
            runtime.dispose()
        print(f"{name}：" + (f"已签名检查点，第 {made['seq']} 条，哈希 {made['head_hash']}" if made
                             else "审计链没有新记录（自上一个检查点以来，或尚无记录），无需签名"))
    return 0


def audit_seal_existing(args) -> int:
    from shared.common_handlers import SealExistingRows

    from .. import registry
    for name in [args.service] if args.service else list(SERVICES):
        runtime = registry.start(name)
        try:
            counts = runtime.bus.handle(SealExistingRows("cli:audit-seal-existing"))
        finally:
            runtime.dispose()
        done = "，".join(f"{table} {n} 条" for table, n in counts.items()) or "无需封存的表"
        print(f"{name}：补充封存 {done}")
    return 0


def audit_keygen(_args) -> int:
    from shared.signing import Signer, generate_key_text, parse_private_key
    key = generate_key_text()
    signer = Signer(parse_private_key(key))
    print(f"AUDIT_SIGNING_KEY={key}")
    print(f"# 公钥 {signer.public_key}（编号 {signer.key_id}）；私钥请像 SECRET_KEY 一样保密保存")
    return 0


def _documents(source: str) -> list[dict]:
    """A saved public document (or a JSON list of them, one per service), from a file or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (scheme checked)
            raw = response.read(MAX_DOCUMENT_BYTES + 1)
    else:
        raw = Path(source).read_bytes()
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ValueError("文件过大")
    data = json.loads(raw.decode("utf-8"))
    documents = data if isinstance(data, list) else [data]
    if not all(isinstance(d, dict) and isinstance(d.get("checkpoints"), list) for d in documents):
        raise ValueError("不是检查点文件（应为 /api/v1/audit/checkpoints 的 JSON）")
    return documents
