"""Uploaded files (a bureau's seal image, result evidence): the type is read from the bytes, not from the name or
the browser's Content-Type; images must decode; the size is bounded; the file is named by its SHA-256 so the same
scan uploaded twice is stored once and a stored file can be checked against its name.

Refusals are `Invalid` with a Chinese message naming the field — and nothing is stored before the checks pass.
An image is measured from its header before a pixel is decoded: a 0.65 MB PNG claiming 13000×13000 px once took
926 MB to decode (a decompression bomb); now it is refused by its dimensions (UPLOAD_MAX_PIXELS).
"""
from __future__ import annotations

import hashlib
import io
import warnings
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


def read_upload(storage, field: str, allowed: tuple[str, ...], max_bytes: int, *, max_pixels: int) -> Upload:
    """Read a werkzeug FileStorage fully (bounded) and check it; `field` names the form field in errors."""
    if storage is None or not storage.filename:
        raise Invalid("缺少上传文件", fields={field: ["请选择要上传的文件"]})
    try:
        body = storage.stream.read(max_bytes + 1)
    finally:
        storage.close()  # a large upload is spooled to a temporary file: release it now, whatever happens next
    return check_upload(body, storage.filename, field, allowed, max_bytes, max_pixels=max_pixels)


def check_upload(body: bytes, filename: str, field: str, allowed: tuple[str, ...], max_bytes: int, *,
                 max_pixels: int) -> Upload:
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
        width, height, has_alpha = _decode_image(body, filename, field, max_pixels)
    elif b"%%EOF" not in body[-1024:]:
        raise Invalid("上传的 PDF 不完整", fields={field: [f"文件 {filename} 不是完整的 PDF 文件"]})
    return Upload(body, mime, hashlib.sha256(body).hexdigest(), filename, width, height, has_alpha)


def _decode_image(body: bytes, filename: str, field: str, max_pixels: int) -> tuple[int, int, bool]:
    """Pillow (already a WeasyPrint dependency) opens lazily: the header gives the dimensions, which are checked
    before `load()` decodes a pixel. Then the whole image decodes, so a truncated or forged file is refused here,
    not when a letter or a page later tries to show it."""
    from PIL import Image, UnidentifiedImageError
    unreadable = Invalid("图片无法读取", fields={field: [f"文件 {filename} 已损坏或不是有效图片"]})
    if (size := header_size(body)) is not None:
        _check_dimensions(size, max_pixels, filename, field)  # before Pillow's own guard, for the clearer message
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns above MAX_IMAGE_PIXELS and raises above twice that: both are refusals
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(body)) as image:
                _check_dimensions(image.size, max_pixels, filename, field)
                image.verify()  # chunk checksums and the end marker: a truncated or altered file fails here
            with Image.open(io.BytesIO(body)) as image:
                image.load()  # and the pixels decode
                alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                return image.width, image.height, alpha
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid("图片像素过多", fields={field: [f"文件 {filename} 的像素数超过 Pillow 的安全上限"]}) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise unreadable from None


def _check_dimensions(size: tuple[int, int], max_pixels: int, filename: str, field: str) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise Invalid("图片无法读取", fields={field: [f"文件 {filename} 的宽或高为 0"]})
    if width * height > max_pixels:
        raise Invalid("图片像素过多", fields={field: [
            f"文件 {filename} 为 {width}×{height} 像素（约 {_megapixels(width * height)}），超过 "
            f"{_megapixels(max_pixels)} 的上限；请缩小后再上传"]})


def header_size(body: bytes) -> tuple[int, int] | None:
    """(width, height) as the file's header declares it, read without Pillow: PNG's IHDR, JPEG's SOFn marker."""
    if body.startswith(b"\x89PNG\r\n\x1a\n") and body[12:16] == b"IHDR" and len(body) >= 24:
        return int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")
    if body.startswith(b"\xff\xd8"):
        return _jpeg_size(body)
    return None


def _jpeg_size(body: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 <= len(body):
        if body[at] != 0xFF:
            return None
        marker = body[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame: P, Y, X
            return int.from_bytes(body[at + 7:at + 9], "big"), int.from_bytes(body[at + 5:at + 7], "big")
        at += 2 + int.from_bytes(body[at + 2:at + 4], "big")
    return None


def configure_decoder(max_pixels: int) -> None:
    """Pillow's process-wide guard follows the setting too, for images decoded elsewhere (WeasyPrint printing a
    seal). Called by the app factory, never at import."""
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = max_pixels


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f} 百万像素" if pixels < 10_000_000 else f"{pixels // 1_000_000} 百万像素"


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"
