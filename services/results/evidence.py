"""Evidence files of a visit — photos, scans of the signed record or of a correction application (S9, S14).

Content-addressed: stored once under the SHA-256 of the bytes, so the same photo uploaded twice is one row and
a result that names a hash names exactly those bytes. Type is read from the bytes (JPEG, PNG, PDF), size is
bounded, and nothing is written before every check has passed (shared/uploads.py).
"""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Forbidden, Invalid, NotFound
from shared.uow import UnitOfWork
from shared.uploads import Upload

from .adapters.db import Assignment, Evidence

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf")


def assignment_for(session, inspection_id: str, inspector_id: str | None) -> Assignment:
    """The visit's assignment; with `inspector_id`, only if that inspector is on the team."""
    assignment = session.get(Assignment, inspection_id)
    if assignment is None:
        raise NotFound("该检查尚未抽取检查人员或不存在")
    if inspector_id is not None and inspector_id not in assignment.inspector_ids:
        raise Forbidden("只有被抽中的检查人员可以录入该检查的结果和证据")
    return assignment


def store(uow: UnitOfWork, inspection_id: str, upload: Upload, actor: str) -> Evidence:
    evidence = uow.session.get(Evidence, upload.sha256)
    if evidence is None:
        evidence = Evidence(sha256=upload.sha256, content_type=upload.content_type, size=upload.size,
                            filename=upload.filename[:255], body=upload.body, inspection_id=inspection_id,
                            uploaded_by=actor, uploaded_at=uow.now)
        uow.session.add(evidence)
        uow.audit(actor, "evidence.uploaded", f"evidence:{upload.sha256}",
                  after={"inspection": inspection_id, "type": upload.content_type, "bytes": upload.size})
    return evidence


def check_refs(session, inspection_id: str, refs: dict[str, list[str]]) -> None:
    """Every hash a result names was uploaded for this visit; `refs` maps a field name to its hashes."""
    wanted = {sha for shas in refs.values() for sha in shas}
    if not wanted:
        return
    known = set(session.execute(select(Evidence.sha256).where(Evidence.sha256.in_(wanted),
                                                              Evidence.inspection_id == inspection_id)).scalars())
    problems = {field: [f"证据文件 {sha[:12]}… 未上传到本次检查" for sha in shas if sha not in known]
                for field, shas in refs.items()}
    problems = {field: messages for field, messages in problems.items() if messages}
    if problems:
        raise Invalid("引用的证据文件不存在", fields=problems)


def view(evidence: Evidence) -> dict:
    return {"sha256": evidence.sha256, "content_type": evidence.content_type, "size": evidence.size,
            "filename": evidence.filename, "url": f"/results/api/v1/evidence/{evidence.sha256}"}
