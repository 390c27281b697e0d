"""PDF rendering of the joint inspection letter, 联合检查函 (design §5, S12, N5, N10), with WeasyPrint 70.

Why each piece is here (design §9, checked on this machine):

* Safety — WeasyPrint's default URL fetcher reads local files (`<a rel=attachment href=/etc/passwd>` embeds the
  whole file) and calls internal addresses. `ProjectAssetFetcher` (on shared/pdf.py's in-memory fetcher, no
  base_url) serves only the letter assets read once from ``templates/letters/``, the pre-subset fonts and an
  uploaded seal, all named ``jiasset:/<name>``; ``data:`` URIs are allowed for the QR code. Every other URL —
  ``file:``, ``http(s):``, ``../`` traversal, unknown names — is refused. Jinja2 autoescaping keeps user text
  from ever becoming markup.
* Fidelity — a character missing from every font prints as an empty box with no error while `pdftotext` still
  shows it, so `check_glyphs` reads the fonts' cmaps with fontTools and raises `MissingGlyphError` first.
* Speed — one `FontConfiguration` per process (~4× less memory, faster); HarfBuzz subsetting
  (Debian `libharfbuzz-subset0`) of the GB2312 font copies (adapters/fonts.py) keeps a warm three-page letter
  near 0.13 s (0.25 s from the full Noto CJK files); the fontTools fallback takes 11–13 s.

The letter dict (built by ``domain.documents.letter_content``; every string in it is user data and is glyph-checked):

    {"number": "青环西联函〔2026〕1号", "issuer": "青岛市生态环境局西海岸新区分局",  # the LEAD department
     "issuer_code": "青环西联函", "issuer_department": "STHJ",
     "issued_on": "2026-11-28",                          # ISO date, printed as 2026年11月28日
     "title": "关于开展联合双随机抽查的函",
     "recipients": ["青岛市黄岛区市场监督管理局"],         # 主送: the partner departments
     "plan": {"number": "〔2026〕3号", "name": "2026年第四季度部门联合双随机抽查计划"},
     "company": {"name": "…有限公司", "uscc": "91370211MA3C1234X5", "address": "…"},
     "window": {"start": "2026-12-01", "end": "2026-12-05"},     # the plan's window (verification page only)
     "scheduled_at": "2026-12-03T01:30:00Z", "visit_time": "2026-12-03 09:30",  # the fixed time, printed
     "departments": [{"code": "SCJG", "name": "…", "lead": True,   # 牵头 (True) or 配合 (False), N5
                      "items": [{"code": "SCJG-01", "name": "登记事项检查", "basis": "《…》", "method": "现场"}]}],
     "inspectors": [{"name": "张三", "certificate_no": "37021100123", "department": "…", "leader": True}],
     "teams": [{"department": "STHJ", "name": "…", "lead": True,           # every department's members
                "members": [{"name": "张三", "certificate_no": "37021100123", "unit": "第一中队", "leader": True}]}],
     "contact": {"name": "李四", "phone": "0532-86888888"},
     "verification": {"code": "ABCD-EFGH-JKLM", "url": "http://…/letters/verify/ABCD-EFGH-JKLM"}}
"""
from __future__ import annotations

import functools
import subprocess
import unicodedata
from datetime import date
from pathlib import Path
from typing import Callable

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shared.clock import chinese_date
from shared.config import PROJECT_ROOT
from shared.numerals import chinese_number
from shared.pdf import Assets, MemoryAssetFetcher, write_pdf, write_pdfs
from shared.text import printable

from ..domain.documents import MissingGlyphError, visit_time_text
from . import coverage, fonts

ASSETS = PROJECT_ROOT / "templates" / "letters"
FONT_FACES_CSS = "fonts.css"
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
               ".otf": "font/otf", ".ttf": "font/ttf", ".woff2": "font/woff2"}
DOCUMENTS_TEMPLATE = "documents.html"
# Every family letter.css names: GB/T 9704 asks for 仿宋/楷体/黑体; the Noto CJK SC faces (Debian fonts-noto-cjk)
# stand in when those are not installed. A unit test keeps this list and the stylesheet in step.
FONT_FAMILIES = (
    "JI Serif", "JI Sans", "JI Kai",  # GB2312 copies of the Noto / UKai faces below, when built (adapters/fonts.py)
    "FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong",
    "KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "STKaiti", "AR PL UKai CN",
    "SimHei", "黑体",
    "Noto Serif CJK SC", "Noto Sans CJK SC",
)
_IGNORED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Zs"}  # layout controls and spaces draw no glyph


class ProjectAssetFetcher(MemoryAssetFetcher):
    """The letter assets, the pre-subset fonts, and the `extra` assets of one render (an uploaded seal), all
    from memory (shared/pdf.py): nothing is read from disk while rendering."""

    def __init__(self, extra: Assets | None = None, font_dir: Path = fonts.DEFAULT_FONT_DIR, **kwargs):
        super().__init__({**project_assets(Path(font_dir)), **(extra or {})}, **kwargs)


@functools.lru_cache(maxsize=4)
def project_assets(font_dir: Path = fonts.DEFAULT_FONT_DIR) -> Assets:
    """Read once per process (and font folder): templates/letters/*.{css,svg,png}, the font copies built in
    `font_dir` (settings.letter_font_dir) and their @font-face stylesheet (`fonts.css`, empty when the copies are
    not built — letters then use the system fonts)."""
    assets = {path.name: (path.read_bytes(), ASSET_TYPES[path.suffix])
              for path in ASSETS.iterdir() if path.is_file() and path.suffix in ASSET_TYPES}
    faces = fonts.built_faces(font_dir)
    for face in faces:
        assets[f"fonts/{face.file}"] = ((font_dir / face.file).read_bytes(), ASSET_TYPES[Path(face.file).suffix])
    assets[FONT_FACES_CSS] = (fonts.font_face_css(faces).encode(), "text/css")
    return assets


def harfbuzz_subsetter_available() -> bool:
    """Mirrors WeasyPrint 70's own test in `weasyprint/pdf/fonts.py` (`Font.subset`): it subsets with HarfBuzz
    when `weasyprint.text.ffi.harfbuzz_subset` (libharfbuzz-subset, loaded with allow_fail) exists and HarfBuzz is
    ≥ 4.1.0; otherwise it falls back to fontTools with only a log line — 11–13 s per Chinese letter."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _installed_faces(family: str) -> list[tuple[str, int]]:
    """(file, face index) of an installed family. fc-list, not fc-match: fc-match always answers with *some*
    font, which would credit a missing family with another font's coverage."""
    listing = subprocess.run(["fc-list", "-f", "%{file}|%{index}\n", f":family={family}"],
                             capture_output=True, text=True, check=True).stdout
    faces = (line.rsplit("|", 1) for line in listing.splitlines() if line)
    return sorted({(path, int(index)) for path, index in faces})


@functools.lru_cache(maxsize=1)
def covered_code_points() -> coverage.Coverage:
    """Code points some font of the stack maps (`in` tells), once per process from a bitmap the cmaps were read
    into once (adapters/coverage.py: each Noto CJK cmap has ~45,000 entries, 77 MB of RSS if read here).
    In a .ttc the face index from fontconfig picks the SC face; all weights of a family share coverage."""
    return coverage.load([face for family in FONT_FAMILIES for face in _installed_faces(family)[:1]])


def _needs_glyph(ch: str) -> bool:
    variation_selector = "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"
    return not variation_selector and unicodedata.category(ch) not in _IGNORED_CATEGORIES


def check_glyphs(text: str) -> None:
    """Raise MissingGlyphError naming every character of `text` that no font in the stack has."""
    covered = covered_code_points()  # each distinct character once, the cheap coverage test first (issue 15)
    missing = sorted(ch for ch in set(text) if ord(ch) not in covered and _needs_glyph(ch))
    if missing:
        raise MissingGlyphError(missing)


def user_strings(value):
    """Every string inside a letter dict — all of it is user data (names, addresses, item bases)."""
    if isinstance(value, dict):
        for inner in value.values():
            yield from user_strings(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from user_strings(inner)
    elif isinstance(value, str):
        yield value


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    """Autoescape on for every template: user text is text, never markup. Strict: a missing field is an error,
    not a blank on a legal document."""
    # finalize: no direction control can reverse a printed name, even one stored before input was checked
    env = Environment(loader=FileSystemLoader(str(ASSETS)), autoescape=True, undefined=StrictUndefined,
                      finalize=printable)
    env.filters["cndate"] = lambda iso: chinese_date(date.fromisoformat(iso))
    env.filters["cnnumber"] = chinese_number
    env.filters["cntime"] = visit_time_text  # "2026-12-03 09:30" (Beijing) → 2026年12月3日 9:30
    return env


def qr_data_uri(url: str) -> str:
    """The verification URL as an SVG QR code (vector: sharp at any print resolution), inline as `data:`."""
    return segno.make(url, error="m").svg_data_uri(scale=1, border=0, dark="#000")


def _checked_views(documents: list[dict]) -> list[dict]:
    """Glyph-check every user string first (fail before layout), then add each document's QR code."""
    check_documents(documents)
    return [{**document, "qr": qr_data_uri(document["verification"]["url"])} for document in documents]


def documents_html(documents: list[dict]) -> str:
    """The document set: `kind` picks `parts/<kind>.html` inside documents.html; a missing field is an error."""
    return _environment().get_template(DOCUMENTS_TEMPLATE).render(documents=_checked_views(documents))


def render_documents(documents: list[dict], assets: Assets | None = None,
                     font_dir: Path = fonts.DEFAULT_FONT_DIR) -> bytes:
    """Any mix of the set's documents (letter, notice, checklist, field record) as one PDF; each document starts
    on a new page. `assets` are extra in-memory assets the documents name (an uploaded seal:
    ``{"seal/<sha256>.png": (png, "image/png")}``). Raises MissingGlyphError before any layout work."""
    return write_pdf(documents_html(documents), ProjectAssetFetcher(assets, font_dir=Path(font_dir)))


def render_each(documents: list[dict], assets: Assets | None = None,
                font_dir: Path = fonts.DEFAULT_FONT_DIR) -> list[bytes]:
    """The set laid out ONCE and cut into one PDF per document, in order (issue 15): the same pages as
    `render_documents` of each document alone, for about 80 % of the time of four separate renders."""
    pdfs = write_pdfs(documents_html(documents), "section.letter",
                      ProjectAssetFetcher(assets, font_dir=Path(font_dir)))
    if len(pdfs) != len(documents):
        raise RuntimeError(f"cut the set into {len(pdfs)} PDFs for {len(documents)} documents")
    return pdfs


def check_documents(documents: list[dict]) -> None:
    """N10: the glyph check alone, before a number is taken (issuing); raises MissingGlyphError."""
    check_glyphs("".join(text for document in documents for text in user_strings(document)))


def renderer(font_dir: Path) -> Callable[[list[dict], Assets | None], bytes]:
    """The `render_documents` dependency bootstrap wires: `(documents, assets) -> PDF` with the fonts built in
    `settings.letter_font_dir`. Handler tests inject a fake with the same signature."""
    return functools.partial(render_documents, font_dir=Path(font_dir))


def render_joint_letters(letters: list[dict]) -> bytes:
    """Many letters as one PDF (an inspector prints a batch); each starts on a new page with its own page
    numbers. Raises MissingGlyphError before any layout work."""
    return render_documents([{**letter, "kind": "joint_letter"} for letter in letters])


def render_joint_letter(letter: dict) -> bytes:
    return render_joint_letters([letter])
