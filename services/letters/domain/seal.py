"""The bureau's seal image on the letter and the notice (GB/T 9704 §7.3.5.1: the seal presses over the issuer
line and the date). Only an image the bureau uploaded is ever printed — the software never draws an imitation
seal; without an upload the seal area stays empty for a hand-applied seal."""
from __future__ import annotations

from shared.errors import Invalid
from shared.uploads import Upload

MAX_SEAL_BYTES = 1024 * 1024
SEAL_PIXELS = (300, 3000)  # 42 mm printed at 180–1800 dpi: smaller looks blurred, larger is a scan of a page
SEAL_MAX_PIXELS = SEAL_PIXELS[1] ** 2  # refused from the header, before decoding (a 12000² PNG once decoded first)


def check_seal(upload: Upload) -> None:
    """A seal is a transparent PNG of a printable size: it must not hide the issuer line it presses on."""
    low, high = SEAL_PIXELS
    if not (low <= upload.width <= high and low <= upload.height <= high):
        raise Invalid("印章图片尺寸不合适", fields={"image": [f"宽和高须在 {low}–{high} 像素之间（当前 "
                                                             f"{upload.width}×{upload.height}）"]})
    if not upload.has_alpha:
        raise Invalid("印章图片须为透明背景", fields={"image": ["请上传透明背景的 PNG，印章压在署名和日期上时"
                                                               "不能遮住文字"]})


def asset_name(sha256: str | None) -> str | None:
    """How a document's content names its seal: an in-memory asset of the renderer, never a file or URL."""
    return f"seal/{sha256}.png" if sha256 else None


def sha_of(name: str) -> str:
    return name.removeprefix("seal/").removesuffix(".png")
