"""Seal images in letters' database: the newest upload of an issuer, and the images documents name."""
from __future__ import annotations

from sqlalchemy import select

from ..domain.seal import asset_name, sha_of
from .db import Seal


def current_seal(session, issuer_code: str) -> Seal | None:
    return session.execute(select(Seal).where(Seal.issuer_code == issuer_code)
                           .order_by(Seal.uploaded_at.desc()).limit(1)).scalar()


def assets_for(session, contents: list[dict]) -> dict[str, tuple[bytes, str]]:
    """The seal images the given documents name, for the renderer's fetcher (renderings.py)."""
    shas = sorted({sha_of(c["seal"]) for c in contents if c.get("seal")})
    rows = session.execute(select(Seal).where(Seal.sha256.in_(shas))).scalars() if shas else []
    return {asset_name(seal.sha256): (seal.image, "image/png") for seal in rows}
