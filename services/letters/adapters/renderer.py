"""The letters' renderer as the rest of the service sees it (issue 15): one picklable object, so the same renderer
runs in the web process (a PDF asked for before the render loop got to it) and in the render loop's child processes.

    renderer(documents, assets)        -> one PDF of all of them (a batch print)
    renderer.split(documents, assets)  -> one PDF per document from ONE layout (a visit's set)
    renderer.check(documents)          -> MissingGlyphError when a character has no font (before numbering, N10)
    renderer.version                   -> what else decides the bytes (templates, fonts, WeasyPrint): part of the
                                          content hash that caches rendered PDFs

Handler tests inject a fake with the same four members (tests/support/letters.py); a bare callable still works
(`split` then renders one document at a time, `check` is the real glyph check)."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import fonts, pdf


@dataclass(frozen=True)
class LetterRenderer:
    font_dir: Path = fonts.DEFAULT_FONT_DIR

    def __call__(self, documents: list[dict], assets: pdf.Assets | None = None) -> bytes:
        return pdf.render_documents(documents, assets, font_dir=self.font_dir)

    def split(self, documents: list[dict], assets: pdf.Assets | None = None) -> list[bytes]:
        return pdf.render_each(documents, assets, font_dir=self.font_dir)

    def check(self, documents: list[dict]) -> None:
        pdf.check_documents(documents)

    @property
    def version(self) -> str:
        return _assets_version(Path(self.font_dir))


@functools.lru_cache(maxsize=4)
def _assets_version(font_dir: Path) -> str:
    """Templates, stylesheets, images, the built fonts and the WeasyPrint release: a change to any of them renders
    anew. The font copies (15 MB) are known by name, size and time, so the worker never reads them."""
    import weasyprint
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for path in sorted(p for p in pdf.ASSETS.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(pdf.ASSETS)).encode() + hashlib.sha256(path.read_bytes()).digest())
    for path in sorted(p for p in font_dir.glob("*") if p.is_file()) if font_dir.is_dir() else ():
        stat = path.stat()
        digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def split(renderer, documents: list[dict], assets: dict | None = None) -> list[bytes]:
    """One PDF per document, from one layout when the renderer can."""
    if hasattr(renderer, "split"):
        return renderer.split(documents, assets)
    return [renderer([document], assets) for document in documents]


def check(renderer, documents: list[dict]) -> None:
    getattr(renderer, "check", pdf.check_documents)(documents)


def version(renderer) -> str:
    return getattr(renderer, "version", None) or "unversioned"
