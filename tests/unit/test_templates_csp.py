"""Issue 13: the pages run under a Content-Security-Policy that allows only nonce'd inline blocks, so no template of
a served page may use an inline event handler, a `style="…"` attribute, a `javascript:` URL or a `<style>`/`<script>`
block without the request's nonce — the browser would silently ignore it. PDF templates (letters/, *_pdf.html) are
rendered by WeasyPrint, never served as pages, and are not checked."""
from __future__ import annotations

import re

import pytest

from shared.config import PROJECT_ROOT

pytestmark = pytest.mark.unit
TEMPLATES = PROJECT_ROOT / "templates"
FORBIDDEN = {"inline event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
             "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
             "javascript: URL": re.compile(r"javascript:", re.I),
             "block without the nonce": re.compile(r"<(?:style|script)\b(?![^>]*nonce=\"\{\{ csp_nonce \}\}\")"
                                                   r"(?![^>]*\bsrc=)[^>]*>", re.I)}


PDF_ONLY = ("letters/documents.html",)


def page_templates():
    return sorted(p for p in TEMPLATES.rglob("*.html") if p.relative_to(TEMPLATES).as_posix() not in PDF_ONLY
                  and p.parent.name != "parts" and not p.name.endswith("_pdf.html"))


def test_there_are_page_templates_to_check():
    assert len(page_templates()) >= 15


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_page_template_has_nothing_the_policy_would_block(template):
    text = template.read_text(encoding="utf-8")
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert not found, f"{template.name}: {found}"


def test_the_checker_finds_what_it_looks_for():
    samples = ['<button onclick="x()">', '<div style="color:red">', '<a href="javascript:x()">', "<style>",
               "<script>alert(1)</script>"]
    assert all(any(p.search(s) for p in FORBIDDEN.values()) for s in samples)
    assert not any(p.search('<style nonce="{{ csp_nonce }}">') for p in FORBIDDEN.values())
