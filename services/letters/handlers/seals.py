"""The bureau's seal image (GB/T 9704 §7.3.5): uploaded once per content, audited, used from then on."""
from __future__ import annotations

from shared.uow import UnitOfWork

from ..adapters import seals
from ..adapters.db import Seal
from ..commands import UploadSeal
from ..domain.issuer import Issuer
from ..domain.seal import check_seal
from ..queries import CurrentSeal


def upload_seal(cmd: UploadSeal, uow: UnitOfWork, issuer: Issuer) -> Seal:
    """Store (once per content) and audit a new seal; earlier documents keep the seal they were issued with."""
    upload = cmd.upload
    check_seal(upload)
    seal = uow.get(Seal, upload.sha256)
    if seal is None:
        seal = Seal(sha256=upload.sha256, issuer_code=issuer.code, image=upload.body, width=upload.width,
                    height=upload.height, uploaded_by=cmd.actor, uploaded_at=uow.now)
        uow.add(seal)
    else:
        seal.uploaded_at = uow.now  # the same image again becomes the current one; its bytes never change
    uow.audit(cmd.actor, "seal.uploaded", f"seal:{upload.sha256}",
              after={"issuer": issuer.code, "width": upload.width, "height": upload.height, "bytes": upload.size})
    return seal


def current_seal(_query: CurrentSeal, uow: UnitOfWork, issuer: Issuer) -> Seal | None:
    return seals.current_seal(uow.session, issuer.code)
