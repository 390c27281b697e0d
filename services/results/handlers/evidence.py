"""Evidence files of a visit — photos, scans of the signed record or of a correction application (S9, S14).

Content-addressed: stored once under the SHA-256 of the bytes, so the same photo uploaded twice is one row and
a result that names a hash names exactly those bytes. Type is read from the bytes (JPEG, PNG, PDF), size is
bounded, and nothing is written before every check has passed (shared/uploads.py).
"""
from __future__ import annotations

from shared.errors import Invalid
from shared.uow import UnitOfWork
from shared.uploads import Upload, check_upload

from ..adapters.db import Evidence
from ..adapters.records import assignment_for
from ..commands import AddEvidence
from ..domain.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES


def add_evidence(cmd: AddEvidence, uow: UnitOfWork) -> Evidence:
    """Only the visit's team (or staff) uploads; the file is checked from its bytes before anything is kept."""
    assignment_for(uow.session, cmd.inspection_id, cmd.inspector_id)
    if cmd.body is None or not cmd.filename:
        raise Invalid("缺少上传文件", fields={"file": ["请选择要上传的文件"]})
    upload = check_upload(cmd.body, cmd.filename, "file", EVIDENCE_TYPES, MAX_EVIDENCE_BYTES,
                          max_pixels=uow.settings.upload_max_pixels)
    return store(uow, cmd.inspection_id, upload, cmd.actor)


def store(uow: UnitOfWork, inspection_id: str, upload: Upload, actor: str) -> Evidence:
    evidence = uow.get(Evidence, upload.sha256)
    if evidence is None:
        evidence = Evidence(sha256=upload.sha256, content_type=upload.content_type, size=upload.size,
                            filename=upload.filename[:255], body=upload.body, inspection_id=inspection_id,
                            uploaded_by=actor, uploaded_at=uow.now)
        uow.add(evidence)
        uow.audit(actor, "evidence.uploaded", f"evidence:{upload.sha256}",
                  after={"inspection": inspection_id, "type": upload.content_type, "bytes": upload.size})
    return evidence
