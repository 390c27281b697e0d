"""Safe PDF rendering with WeasyPrint 70, for every service that prints (letters, results' reports).

WeasyPrint's default URL fetcher reads local files (`<a rel=attachment href=/etc/passwd>` embeds the whole file)
and calls internal addresses (design §9). `MemoryAssetFetcher` serves only in-memory assets named
``jiasset:/<name>`` and ``data:`` URIs and refuses everything else; documents are rendered from a string with no
base_url, so nothing relative resolves anywhere. One FontConfiguration per process (a fresh one per render costs
~4× the memory), and renders are serialised because Pango's font map is not thread-safe — parallel rendering
comes from several processes (design §3.6, issue 15: a process pool renders letters outside any transaction lock).
`write_pdfs` lays several documents out once and cuts the result into one PDF per document (issue 15: one layout
of a letter set costs 0.29 s against 0.36 s for four).
"""
from __future__ import annotations

import threading
from urllib.parse import unquote

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_BASE = "jiasset:/"
Assets = dict[str, tuple[bytes, str]]  # name → (body, content type)

_font_config: FontConfiguration | None = None
_font_config_lock = threading.Lock()
_render_lock = threading.Lock()
_PART_MARK = "jointinspect-part-start"  # a bookmark label no document uses: where write_pdfs cuts


class AssetRefused(ValueError):
    """The fetcher was asked for something other than one of the document's own assets."""


class MemoryAssetFetcher(URLFetcher):
    """Serves `jiasset:/<name>` from the given in-memory assets and `data:` URIs; refuses everything else."""

    def __init__(self, assets: Assets | None = None, **kwargs):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)
        self.assets = assets or {}

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        body, content_type = self.asset(url)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def asset(self, url: str) -> tuple[bytes, str]:
        """(body, content type) of a `jiasset:/` URL, or AssetRefused — any other scheme, `../`, unknown names."""
        if not url.startswith(ASSET_BASE):
            raise AssetRefused(f"refused to fetch {url!r}: only the document's own assets are served")
        name = unquote(url[len(ASSET_BASE):].split("?")[0].split("#")[0])
        found = self.assets.get(name)
        if found is None:
            raise AssetRefused(f"refused to fetch {url!r}: not an asset of this document")
        return found


def font_config() -> FontConfiguration:
    """The process's one FontConfiguration, created on first render (nothing happens at import)."""
    global _font_config
    with _font_config_lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        return _font_config


def write_pdf(html: str, fetcher: URLFetcher | None = None) -> bytes:
    document = HTML(string=html, url_fetcher=fetcher or MemoryAssetFetcher())
    fonts = font_config()
    with _render_lock:
        return document.write_pdf(font_config=fonts)


def write_pdfs(html: str, selector: str, fetcher: URLFetcher | None = None) -> list[bytes]:
    """One layout of `html`, cut into one PDF per element matching `selector` (each must start a new page).

    Where each part starts is found with public WeasyPrint API only: a bookmark with a label of our own on the parts
    marks their first pages (`Page.bookmarks`); those marks are removed again, so each PDF has the outline (its
    headings) a render of that document alone has."""
    marker = CSS(string=f"{selector} {{ bookmark-level: 1; bookmark-label: '{_PART_MARK}'; }}")
    document = HTML(string=html, url_fetcher=fetcher or MemoryAssetFetcher())
    fonts = font_config()
    with _render_lock:
        rendered = document.render(font_config=fonts, stylesheets=[marker])
        starts = [n for n, page in enumerate(rendered.pages) if any(b[1] == _PART_MARK for b in page.bookmarks)]
        for page in rendered.pages:
            page.bookmarks = [b for b in page.bookmarks if b[1] != _PART_MARK]
        ends = starts[1:] + [len(rendered.pages)]
        return [rendered.copy(rendered.pages[start:end]).write_pdf() for start, end in zip(starts, ends)]
