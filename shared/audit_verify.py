"""The one check of a service's history (S1, issue 13), used by `jointinspect audit verify`, the VerifyAuditChain
query and anything that says "哈希链完整":

1. every entry links to the one before and hashes to itself (an edited entry);
2. every sealed business row still hashes to its seal, and every row of a sealed table has one (a changed
   category, a deleted draw record, a row written behind the system's back);
3. every published checkpoint is signed by a trusted key, names an entry that exists with exactly that hash
   (rewrite-and-rehash), and the chain reaches the latest one (truncation).
Problems are written for people, in Chinese; the first few of each kind are listed and the rest counted."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from . import checkpoints as checkpoint_rules
from . import signing
from .audit import GENESIS, entry_hash
from .sealing import SEALED, content_hash, object_name, row_key, sealed_columns

MAX_LISTED = 20


@dataclass
class AuditVerification:
    service: str
    entries: int = 0
    sealed_rows: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    hidden: int = 0  # problems found beyond MAX_LISTED

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(text)
        else:
            self.hidden += 1

    def summary(self) -> str:
        counts = (f"{self.service}：{self.entries} 条审计记录，{self.sealed_rows} 条封存业务记录，"
                  f"{self.checkpoints} 个已签名检查点，")
        if self.ok and self.entries and not self.checkpoints:
            return counts + "哈希链完整（尚无已签名检查点：整链改写重算或删除链尾仍无法发现）"
        if self.ok:
            return counts + "哈希链完整"
        more = f"（另有 {self.hidden} 处未列出）" if self.hidden else ""
        return counts + f"发现 {len(self.problems) + self.hidden} 处问题{more}"

    def as_dict(self) -> dict:
        return {"service": self.service, "ok": self.ok, "entries": self.entries, "sealed_rows": self.sealed_rows,
                "checkpoints": self.checkpoints, "problems": list(self.problems), "more_problems": self.hidden,
                "summary": self.summary()}


def verify_history(session, models: dict, service: str, checkpoints: list[dict] | None = None,
                   trusted_keys: dict[str, str] | None = None) -> AuditVerification:
    """`checkpoints` are published ones (as the public API lists them); None: the service's own stored ones.
    `trusted_keys` (key id → base64 public key) are the keys whose signatures count."""
    report = AuditVerification(service)
    if checkpoints is None:
        checkpoints = checkpoint_rules.listing(session, models["AuditCheckpoint"], service)
    wanted = {c.get("seq") for c in checkpoints}
    hashes, seals, last_seq = _walk_chain(session, models["AuditEntry"], wanted, report)
    _check_seals(session, models["AuditEntry"], seals, report)
    _check_checkpoints(service, checkpoints, hashes, last_seq, trusted_keys or {}, report)
    return report


def _walk_chain(session, model, wanted: set, report: AuditVerification):
    prev, last_seq, hashes, seals = GENESIS, 0, {}, []
    for row in session.execute(select(model).order_by(model.seq)).scalars():
        report.entries += 1
        expected = entry_hash(prev, row.actor, row.action, row.object, row.before, row.after, row.reason, row.at)
        if row.prev_hash != prev:
            report.problem(f"审计记录第 {row.seq} 条与前一条不衔接（其前的记录被删除或改写）")
        elif row.hash != expected:
            report.problem(f"审计记录第 {row.seq} 条的内容与其哈希不符（记录被改动）")
        prev, last_seq = row.hash, row.seq  # go on from the stored hash: each break is reported once
        if row.seq in wanted:
            hashes[row.seq] = row.hash
        if row.action == SEALED and isinstance(row.after, dict):
            seals.append(row.after)
    return hashes, seals, last_seq


def _check_seals(session, audit_model, seals: list[dict], report: AuditVerification) -> None:
    by_table = defaultdict(list)
    for seal in seals:
        by_table[seal.get("table")].append(seal)
    models = {m.local_table.name: m.class_ for m in audit_model.registry.mappers if m.local_table is not None}
    sealed_tables = {name for name, cls in models.items() if sealed_columns(cls)}
    for table in sorted(set(by_table) | sealed_tables, key=str):
        model = models.get(table)
        if model is None:
            report.problem(f"封存记录所在的表 {table} 不存在")
            continue
        rows = {tuple(row_key(row)): row for row in session.execute(select(model)).scalars()}
        seen = set()
        for seal in by_table.get(table, []):
            key = tuple(seal.get("key") or ())
            seen.add(key)
            report.sealed_rows += 1
            name = object_name(table, list(key))
            row = rows.get(key)
            if row is None:
                report.problem(f"封存的业务记录 {name} 已被删除")
            elif any(not hasattr(model, c) for c in seal.get("columns", [])):
                report.problem(f"封存的业务记录 {name} 缺少被封存的字段")
            elif content_hash(row, seal.get("columns", [])) != seal.get("sha256"):
                report.problem(f"封存的业务记录 {name} 的内容已被改动（与封存时的哈希不符）")
        for key in sorted(set(rows) - seen):
            report.problem(f"业务记录 {object_name(table, list(key))} 没有封存记录（未经系统写入）")


def _check_checkpoints(service: str, checkpoints: list[dict], hashes: dict, last_seq: int,
                       trusted_keys: dict[str, str], report: AuditVerification) -> None:
    for checkpoint in sorted(checkpoints, key=lambda c: c.get("seq") or 0):
        report.checkpoints += 1
        seq, label = checkpoint.get("seq"), f"检查点（第 {checkpoint.get('seq')} 条）"
        if not _signed(service, checkpoint, trusted_keys):
            report.problem(f"{label}签名无效或签名公钥不受信任")
        if seq in hashes and hashes[seq] != checkpoint.get("head_hash"):
            report.problem(f"{label}记录的哈希与审计链不符（链被改写后重新计算了哈希）")
        elif seq not in hashes and isinstance(seq, int) and seq <= last_seq:
            report.problem(f"{label}对应的审计记录不存在（记录被删除）")
    latest = max((c.get("seq") for c in checkpoints if isinstance(c.get("seq"), int)), default=0)
    if latest > last_seq:
        report.problem(f"审计链只到第 {last_seq} 条，而已发布的检查点已到第 {latest} 条（链尾记录被删除）")


def _signed(service: str, checkpoint: dict, trusted_keys: dict[str, str]) -> bool:
    key = trusted_keys.get(checkpoint.get("key_id"))
    if key is None or checkpoint.get("service", service) != service:
        return False
    try:
        message = checkpoint_rules.signed_message(service, checkpoint["seq"], checkpoint["head_hash"],
                                                  checkpoint["at"], checkpoint["key_id"])
    except (KeyError, TypeError):
        return False
    return signing.verify(key, message, str(checkpoint.get("signature", "")))
