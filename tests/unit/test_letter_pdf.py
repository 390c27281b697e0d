"""The joint inspection letter as a PDF (design §5, §9; S12, N5, N10): real Chinese text, embedded CJK subsets,
A4 geometry, HarfBuzz subsetting, a loud error for a glyph no font has, escaped user text, and a URL fetcher that
serves only the letter's own assets.

Glyph coverage below is what fontTools reads from Debian's fonts-noto-cjk here: 䶮 堃 喆 and even 𠮷 (U+20BB7)
are in Noto Serif/Sans CJK SC; 𪚥 (U+2A6A5, CJK Ext. B) and the private-use U+E000 are in no font of the stack.
"""
from __future__ import annotations

import json
import re
import subprocess

import pytest

from services.letters.adapters import fonts, pdf
from shared.pdf import AssetRefused
from tests.support.letters import a_letter

pytestmark = pytest.mark.unit

IN_NOTO = "䶮堃喆𠮷"
IN_NO_FONT = ("\U0002a6a5", "\ue000")  # 𪚥, and a private-use code point


def poppler(tool: str, document: bytes, directory) -> str:
    path = directory / "letter.pdf"
    path.write_bytes(document)
    # -raw: content-stream order, which is reading order for WeasyPrint; the default reorders nearby lines.
    options, output = (["-raw"], ["-"]) if tool == "pdftotext" else ([], [])
    return subprocess.run([tool, *options, str(path), *output], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """pdftotext breaks lines where the layout does; compare without any whitespace."""
    return "".join(text.split())


def page_count(document: bytes, directory) -> int:
    return int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", document, directory)).group(1))


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return pdf.render_joint_letter(a_letter())


@pytest.fixture(scope="module")
def letter_text(letter_pdf, tmp_path_factory) -> str:
    return squeezed(poppler("pdftotext", letter_pdf, tmp_path_factory.mktemp("text")))


def test_harfbuzz_subsets_the_fonts():
    """Guards the silent fontTools fallback: without libharfbuzz-subset0 WeasyPrint 70 still works but a Chinese
    letter takes 11–13 s instead of ~0.2 s (design §9)."""
    assert pdf.harfbuzz_subsetter_available()


def test_the_letter_names_the_company_with_its_numbered_letter(letter_text):
    for expected in ("青环西联函〔2026〕1号", "青岛某某化工有限公司", "91370211MA3C1234X5",
                     "关于开展联合双随机抽查的函"):
        assert expected in letter_text, expected


def test_every_departments_items_are_in_the_one_letter(letter_text):
    for expected in ("排污单位执行排污许可情况", "登记事项检查", "企业公示信息检查", "《企业信息公示暂行条例》",
                     "青岛市生态环境局西海岸新区分局（牵头）", "青岛市黄岛区市场监督管理局（配合）",
                     "进一次门、查多项事"):
        assert expected in letter_text, expected


def test_the_inspectors_are_named_with_their_certificates(letter_text):
    for expected in ("张三", "37021100123", "王建国", "37021100124"):
        assert expected in letter_text, expected


def test_dates_are_chinese_without_leading_zeros(letter_text):
    assert "2026年12月3日9:30" in letter_text and "2026年11月28日" in letter_text


def test_the_verification_code_and_url_are_printed(letter_text):
    assert "ABCD-EFGH-JKLM" in letter_text
    assert "http://127.0.0.1:8000/letters/verify/ABCD-EFGH-JKLM" in letter_text


CJK_FACE = re.compile(r"[A-Z]{6}\+(Noto-(Serif|Sans)-CJK-SC|JI-(Serif|Sans|Kai)|AR-PL-UKai-CN)(-Bold)?$")


def test_only_embedded_cjk_subsets_are_in_the_pdf(letter_pdf, tmp_path):
    rows = [line.split() for line in poppler("pdffonts", letter_pdf, tmp_path).splitlines()[2:]]
    assert rows
    for row in rows:
        assert CJK_FACE.match(row[0]), row  # a subset (ABCDEF+ prefix) of one of our CJK faces, nothing else
        assert row[-5:-3] == ["yes", "yes"], row  # emb, sub


def test_the_letter_is_set_in_the_presubset_fonts(letter_pdf, tmp_path):
    """`make setup` builds them (jointinspect fonts build): without them a letter takes twice as long."""
    assert fonts.built_faces() == list(fonts.FACES), "run `jointinspect fonts build` (make setup does)"
    names = {line.split()[0].split("+")[1] for line in poppler("pdffonts", letter_pdf, tmp_path).splitlines()[2:]}
    assert {"JI-Serif", "JI-Serif-Bold", "JI-Sans", "JI-Kai"} <= names, names


def test_a_face_is_cut_to_gb2312_once_and_rebuilt_when_its_source_changes(tmp_path, monkeypatch):
    kai = next(face for face in fonts.FACES if face.family == "JI Kai")  # the smallest: ~4 s to cut
    monkeypatch.setattr(fonts, "FACES", (kai,))
    assert fonts.build(tmp_path) == [kai.file] and fonts.build(tmp_path) == []
    assert fonts.built_faces(tmp_path) == [kai]
    from fontTools.ttLib import TTFont
    with TTFont(tmp_path / kai.file) as cut:
        cmap = cut.getBestCmap()
    assert ord("检") in cmap and ord("—") in cmap and ord("〔") in cmap and ord("堃") not in cmap  # GBK-only
    manifest = json.loads((tmp_path / fonts.MANIFEST).read_text())
    manifest[kai.file]["mtime"] -= 1  # as if Debian updated the font package
    (tmp_path / fonts.MANIFEST).write_text(json.dumps(manifest))
    assert fonts.built_faces(tmp_path) == []  # a stale copy is never used


def test_a_name_outside_gb2312_prints_from_the_full_font_behind_the_copy(tmp_path):
    document = pdf.render_joint_letter(a_letter(inspectors=[
        {"name": "王堃", "certificate_no": "1", "department": "青岛市生态环境局西海岸新区分局"}]))
    assert "王堃" in squeezed(poppler("pdftotext", document, tmp_path))
    names = {line.split()[0].split("+")[1] for line in poppler("pdffonts", document, tmp_path).splitlines()[2:]}
    assert "Noto-Serif-CJK-SC" in names, names


def test_the_page_is_a4(letter_pdf, tmp_path):
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts",
                                         poppler("pdfinfo", letter_pdf, tmp_path)).groups())
    assert 595 < width < 596 and 841 < height < 842


def test_rare_name_characters_are_in_the_fonts_and_render(tmp_path):
    """pdftotext shows a character even when it printed as an empty box, so coverage is asserted on the cmaps."""
    assert all(ord(ch) in pdf.covered_code_points() for ch in IN_NOTO)
    inspectors = [{"name": "李䶮", "certificate_no": "1", "department": "第一中队"},
                  {"name": "王堃", "certificate_no": "2", "department": "第一中队"},
                  {"name": "张喆𠮷", "certificate_no": "3", "department": "第一中队"}]
    text = squeezed(poppler("pdftotext", pdf.render_joint_letter(a_letter(inspectors=inspectors)), tmp_path))
    assert all(name in text for name in ("李䶮", "王堃", "张喆𠮷"))


def test_a_character_no_font_has_is_refused_by_name():
    assert not any(ord(ch) in pdf.covered_code_points() for ch in IN_NO_FONT)
    company = {"name": "青岛\U0002a6a5有限公司", "uscc": "91370211MA3C1234X5", "address": "长江西路\ue000号"}
    with pytest.raises(pdf.MissingGlyphError) as raised:
        pdf.render_joint_letter(a_letter(company=company))
    assert raised.value.characters == sorted(IN_NO_FONT)
    assert "字库中没有以下字符" in str(raised.value) and "\U0002a6a5（U+2A6A5）" in str(raised.value)


def test_spaces_and_control_characters_need_no_glyph():
    pdf.check_glyphs("张三 \t\n\u3000\u200b李四\ufeff")


def test_user_markup_prints_as_text_and_fetches_nothing(monkeypatch, tmp_path):
    fetched = []

    class RecordingFetcher(pdf.ProjectAssetFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(pdf, "ProjectAssetFetcher", RecordingFetcher)
    company = {"name": "<script>alert(1)</script>", "uscc": "91370211MA3C1234X5",
               "address": "<img src=file:///etc/passwd>"}
    attachment = {"name": "张三", "certificate_no": "1",
                  "department": '<a rel="attachment" href="file:///etc/passwd">x</a>'}
    document = pdf.render_joint_letter(a_letter(company=company, inspectors=[attachment]))
    text = squeezed(poppler("pdftotext", document, tmp_path))
    assert "<script>alert(1)</script>" in text and "<imgsrc=file:///etc/passwd>" in text
    assert b"root:x:0:0" not in document and b"/EmbeddedFile" not in document
    assert all(url in ("jiasset:/letter.css", "jiasset:/fonts.css") or url.startswith(("data:image/svg+xml",
               "jiasset:/fonts/ji-")) for url in fetched), fetched


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://127.0.0.1/", "https://example.com/letter.css", "ftp://127.0.0.1/x",
    "jiasset:/../../pyproject.toml", "jiasset:/%2e%2e/%2e%2e/pyproject.toml", "jiasset:///etc/passwd",
    "jiasset:/joint_letter.html", "jiasset:/missing.css", "/etc/passwd", "letter.css",
])
def test_the_fetcher_refuses_anything_but_a_letter_asset(url):
    with pytest.raises(AssetRefused):
        pdf.ProjectAssetFetcher().fetch(url)


def test_the_fetcher_serves_the_stylesheet():
    response = pdf.ProjectAssetFetcher().fetch("jiasset:/letter.css")
    assert response.content_type == "text/css" and b"@page" in response.read()


def test_the_fetcher_serves_data_uris_for_the_qr_code():
    response = pdf.ProjectAssetFetcher().fetch(pdf.qr_data_uri("http://127.0.0.1:8000/letters/verify/X"))
    assert response.read().startswith(b"<svg")


def test_the_glyph_check_reads_every_font_the_stylesheet_names():
    css = (pdf.ASSETS / "letter.css").read_text(encoding="utf-8")
    declarations = re.findall(r"font(?:-family)?\s*:([^;]*);", css)
    named = {family for value in declarations for family in re.findall(r'"([^"]+)"', value)}
    assert named and named <= set(pdf.FONT_FAMILIES), named - set(pdf.FONT_FAMILIES)


def test_a_batch_is_one_pdf_with_each_letter_on_its_own_pages(letter_pdf, tmp_path):
    numbers = ("青环西联函〔2026〕1号", "青环西联函〔2026〕2号", "青环西联函〔2026〕3号")
    batch = pdf.render_joint_letters([a_letter(number=number) for number in numbers])
    assert page_count(batch, tmp_path) == 3 * page_count(letter_pdf, tmp_path)
    text = squeezed(poppler("pdftotext", batch, tmp_path))
    assert all(number in text for number in numbers)




def test_the_renderer_reads_the_font_copies_from_the_configured_folder(tmp_path, monkeypatch):
    """LETTER_FONT_DIR (settings.letter_font_dir) is where bootstrap's renderer looks for the GB2312 copies: with
    an empty folder the letter is given no copies and no @font-face (it prints from the full system fonts).
    Read from the fetcher, not the PDF: a process keeps every @font-face it ever loaded (one FontConfiguration)."""
    from services.letters.queries import DocumentPdf, DocumentsOfInspection
    from shared.auth import Principal
    from tests.support.letters import assign_and_schedule, letters_runtime
    fetchers = []
    monkeypatch.setattr(pdf, "write_pdf", lambda html, fetcher: fetchers.append(fetcher) or b"%PDF-")
    monkeypatch.setattr(pdf, "write_pdfs", lambda html, selector, fetcher: fetchers.append(fetcher) or [b"%PDF-"] * 4)
    clerk = Principal("clerk", "clerk01")
    for folder, expected in ((tmp_path / "no-fonts", set()), (fonts.DEFAULT_FONT_DIR, {f.file for f in fonts.FACES})):
        runtime = letters_runtime(tmp_path / folder.name, real_renderer=True, LETTER_FONT_DIR=str(folder))
        try:
            assign_and_schedule(runtime)
            letter = runtime.bus.handle(DocumentsOfInspection("insp-1", clerk))[0]
            assert runtime.bus.handle(DocumentPdf(letter.id, clerk))[1] == b"%PDF-"
        finally:
            runtime.dispose()
        assets = fetchers[-1].assets
        assert {name.removeprefix("fonts/") for name in assets if name.startswith("fonts/")} == expected
        assert bool(assets["fonts.css"][0]) == bool(expected)
