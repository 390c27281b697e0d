"""Uploaded files (a bureau's seal image, result evidence): the type is read from the bytes, not from the name or
the browser's Content-Type; images must decode; the size is bounded; the file is named by its SHA-256 so the same
scan uploaded twice is stored once and a stored file can be checked against its name.

Refusals are `Invalid` with a Chinese message naming the field — and nothing is stored before the checks pass.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from .errors import Invalid

SIGNATURES = (  # (magic prefix, MIME type, label shown to users)
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG 图片"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG 图片"),
    (b"%PDF-", "application/pdf", "PDF 文件"),
)
LABELS = {mime: label for _, mime, label in SIGNATURES}


@dataclass(frozen=True)
class Upload:
    body: bytes
    content_type: str
    sha256: str
    filename: str
    width: int | None = None
    height: int | None = None
    has_alpha: bool = False

    @property
    def size(self) -> int:
        return len(self.body)


def sniff(body: bytes) -> str | None:
    return next((mime for magic, mime, _ in SIGNATURES if body.startswith(magic)), None)


def read_upload(storage, field: str, allowed: tuple[str, ...], max_bytes: int) -> Upload:
    """Read a werkzeug FileStorage fully (bounded) and check it; `field` names the form field in errors."""
    if storage is None or not storage.filename:
        raise Invalid("缺少上传文件", fields={field: ["请选择要上传的文件"]})
    try:
        body = storage.stream.read(max_bytes + 1)
    finally:
        storage.close()  # a large upload is spooled to a temporary file: release it now, whatever happens next
    return check_upload(body, storage.filename, field, allowed, max_bytes)


def check_upload(body: bytes, filename: str, field: str, allowed: tuple[str, ...], max_bytes: int) -> Upload:
    kinds = "、".join(LABELS[mime] for mime in allowed)
    if not body:
        raise Invalid("上传的文件是空的", fields={field: [f"文件 {filename} 没有内容"]})
    if len(body) > max_bytes:
        raise Invalid("上传的文件过大", fields={field: [f"文件 {filename} 超过 {_size(max_bytes)} 的上限"]})
    mime = sniff(body)
    if mime not in allowed:
        raise Invalid("上传的文件类型不允许", fields={field: [f"文件 {filename} 不是允许的类型（{kinds}）"]})
    width = height = None
    has_alpha = False
    if mime.startswith("image/"):
        width, height, has_alpha = _decode_image(body, filename, field)
    elif b"%%EOF" not in body[-1024:]:
        raise Invalid("上传的 PDF 不完整", fields={field: [f"文件 {filename} 不是完整的 PDF 文件"]})
    return Upload(body, mime, hashlib.sha256(body).hexdigest(), filename, width, height, has_alpha)


def _decode_image(body: bytes, filename: str, field: str) -> tuple[int, int, bool]:
    """Pillow (already a WeasyPrint dependency) decodes the whole image: a truncated or forged file is refused
    here, not when a letter or a page later tries to show it."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(body)) as image:
            image.verify()  # chunk checksums and the end marker: a truncated or altered file fails here
        with Image.open(io.BytesIO(body)) as image:
            image.load()  # and the pixels decode
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            return image.width, image.height, alpha
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Invalid("图片无法读取", fields={field: [f"文件 {filename} 已损坏或不是有效图片"]}) from None


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"
