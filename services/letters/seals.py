"""The bureau's seal image on the letter and the notice (GB/T 9704 §7.3.5.1: the seal presses over the issuer
line and the date). Only an image the bureau uploaded is ever printed — the software never draws an imitation
seal; without an upload the seal area stays empty for a hand-applied seal."""
from __future__ import annotations

from sqlalchemy import select

from shared.uow import UnitOfWork
from shared.uploads import Upload

from .adapters.db import Seal

MAX_SEAL_BYTES = 1024 * 1024
SEAL_PIXELS = (300, 3000)  # 42 mm printed at 180–1800 dpi: smaller looks blurred, larger is a scan of a page


def upload_seal(uow: UnitOfWork, issuer_code: str, upload: Upload, actor: str) -> Seal:
    """Store (once per content) and audit a new seal; it is used for documents issued from now on."""
    from shared.errors import Invalid
    low, high = SEAL_PIXELS
    if not (low <= upload.width <= high and low <= upload.height <= high):
        raise Invalid("印章图片尺寸不合适", fields={"image": [f"宽和高须在 {low}–{high} 像素之间（当前 "
                                                             f"{upload.width}×{upload.height}）"]})
    if not upload.has_alpha:
        raise Invalid("印章图片须为透明背景", fields={"image": ["请上传透明背景的 PNG，印章压在署名和日期上时"
                                                               "不能遮住文字"]})
    seal = uow.session.get(Seal, upload.sha256)
    if seal is None:
        seal = Seal(sha256=upload.sha256, issuer_code=issuer_code, image=upload.body, width=upload.width,
                    height=upload.height, uploaded_by=actor, uploaded_at=uow.now)
        uow.session.add(seal)
    else:
        seal.uploaded_at = uow.now  # the same image again becomes the current one; its bytes never change
    uow.audit(actor, "seal.uploaded", f"seal:{upload.sha256}",
              after={"issuer": issuer_code, "width": upload.width, "height": upload.height, "bytes": upload.size})
    return seal


def current_seal(session, issuer_code: str) -> Seal | None:
    return session.execute(select(Seal).where(Seal.issuer_code == issuer_code)
                           .order_by(Seal.uploaded_at.desc()).limit(1)).scalar()


def asset_name(seal: Seal | None) -> str | None:
    """How a document's content names its seal: an in-memory asset of the renderer, never a file or URL."""
    return f"seal/{seal.sha256}.png" if seal else None


def assets_for(session, contents: list[dict]) -> dict[str, tuple[bytes, str]]:
    """The seal images the given documents name, for the renderer's fetcher."""
    names = {c["seal"] for c in contents if c.get("seal")}
    shas = [name.removeprefix("seal/").removesuffix(".png") for name in names]
    rows = session.execute(select(Seal).where(Seal.sha256.in_(shas))).scalars() if shas else []
    return {asset_name(seal): (seal.image, "image/png") for seal in rows}


def render(session, deps: dict, contents: list[dict]) -> bytes:
    """The one way documents become a PDF: the renderer with the seals they name."""
    return deps["render_documents"](contents, assets_for(session, contents))
