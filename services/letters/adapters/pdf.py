"""PDF rendering of the joint inspection letter (design §5) with WeasyPrint.

Safety: the URL fetcher serves only files under `templates/letters/` (and `data:` URIs for the QR code) —
no `file://`, no network (design §9: the default fetcher reads local files and calls internal addresses).
Fidelity: a character that no configured font has is a loud `MissingGlyphError`, never an empty box.
Speed: one FontConfiguration per process; HarfBuzz subsetting (libharfbuzz-subset0) keeps a letter ~0.2 s.

The letter dict: number, issuer, issued_on (ISO date), title, recipients [names], plan {number, name},
company {name, uscc, address}, window {start, end}, departments [{code, name, lead, items [{code, name, basis,
method}]}], inspectors [{name, certificate_no, department}], contact {name, phone}, verification {code, url}.
"""
from __future__ import annotations

import functools
import subprocess
import threading
import unicodedata
from datetime import date
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from shared.clock import chinese_date
from shared.config import PROJECT_ROOT

ASSETS = PROJECT_ROOT / "templates" / "letters"
ASSET_BASE = "jiasset:/"
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
_font_config: FontConfiguration | None = None
_font_lock = threading.Lock()


class MissingGlyphError(ValueError):
    def __init__(self, characters: list[str]):
        self.characters = characters
        listed = "、".join(f"{c}（U+{ord(c):04X}）" for c in characters)
        super().__init__(f"字库中没有以下字符，无法排版：{listed}")


class ProjectAssetFetcher(URLFetcher):
    """Serves `jiasset:/<name>` from templates/letters and `data:` URIs; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(ASSET_BASE):
            raise ValueError(f"refused to fetch {url!r}: only the project's own assets are served")
        path = (ASSETS / url[len(ASSET_BASE):].split("?")[0]).resolve()
        if ASSETS.resolve() not in path.parents or not path.is_file():
            raise ValueError(f"refused to fetch {url!r}: outside the letter assets")
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _mime(path)})


def _mime(path: Path) -> str:
    types = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}
    return types.get(path.suffix, "application/octet-stream")


def font_config() -> FontConfiguration:
    global _font_config
    with _font_lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        return _font_config


def harfbuzz_subsetter_available() -> bool:
    """WeasyPrint subsets with HarfBuzz when libharfbuzz-subset is loadable and HarfBuzz ≥ 4.1
    (weasyprint/pdf/fonts.py); otherwise it silently falls back to fontTools, 50× slower."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@functools.lru_cache(maxsize=1)
def _font_cmaps() -> tuple[frozenset[int], ...]:
    """Code points each font of the stack covers, read once per process (the CJK cmaps are large)."""
    return tuple(_cmap_of(family) for family in FONT_FAMILIES)


def _cmap_of(family: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont
    path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True).stdout
    container = TTCollection(path) if path.endswith(".ttc") else None
    try:
        fonts = container.fonts if container else [TTFont(path)]
        font = next((f for f in fonts if family in str(f["name"].getDebugName(1))), fonts[0])
        return frozenset(font.getBestCmap())
    finally:
        for f in (container.fonts if container else fonts):
            f.close()


def check_glyphs(text: str) -> None:
    covered = _font_cmaps()
    missing = sorted({ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
                      and not any(ord(ch) in cmap for cmap in covered)})
    if missing:
        raise MissingGlyphError(missing)


def _strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(ASSETS)), autoescape=select_autoescape(["html"]))
    env.filters["cndate"] = lambda iso: chinese_date(date.fromisoformat(iso))
    return env


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)


def render_joint_letters(letters: list[dict]) -> bytes:
    """Many letters as one PDF (an inspector prints a batch), each starting on a new page."""
    for letter in letters:
        check_glyphs("".join(_strings(letter)))
    html = _environment().get_template("joint_letter.html").render(
        letters=[{**letter, "qr": _qr_data_uri(letter["verification"]["url"])} for letter in letters])
    document = HTML(string=html, base_url=ASSET_BASE, url_fetcher=ProjectAssetFetcher())
    return document.write_pdf(font_config=font_config())


def render_joint_letter(letter: dict) -> bytes:
    return render_joint_letters([letter])
