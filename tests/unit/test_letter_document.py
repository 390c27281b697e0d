"""The joint inspection letter as a document (design §5): real Chinese text, embedded CJK subsets, A4, HarfBuzz
subsetting, loud failure on a missing glyph, escaped user text, and a fetcher that serves only our assets."""
from __future__ import annotations

import subprocess

import pytest

from services.letters.adapters import pdf

pytestmark = pytest.mark.unit


def a_letter(**changes) -> dict:
    letter = {
        "number": "青环西联函〔2026〕7号", "issuer": "青岛市生态环境局西海岸新区分局", "issued_on": "2026-11-28",
        "title": "关于开展部门联合双随机抽查的函", "recipients": ["青岛市黄岛区市场监督管理局"],
        "plan": {"number": "〔2026〕1号", "name": "部门联合双随机抽查计划"},
        "company": {"name": "青岛海晨化工有限公司", "uscc": "914403001922038216", "address": "长江西路88号"},
        "window": {"start": "2026-12-01", "end": "2026-12-05"},
        "departments": [
            {"code": "SCJG", "name": "青岛市黄岛区市场监督管理局", "lead": True,
             "items": [{"code": "SCJG-01", "name": "登记事项检查", "basis": "《市场主体登记管理条例》",
                        "method": "书面"}]},
            {"code": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "lead": False,
             "items": [{"code": "STHJ-02", "name": "排污单位执行排污许可情况", "basis": "《排污许可管理条例》",
                        "method": "现场"}]}],
        "inspectors": [{"name": "王建国", "certificate_no": "37021100001", "department": "第一中队"},
                       {"name": "李喆", "certificate_no": "37021100002", "department": "第二中队"}],
        "contact": {"name": "综合科", "phone": "0532-86988000"},
        "verification": {"code": "ABCD-EFGH-JKLM", "url": "http://127.0.0.1:8000/letters/verify/ABCD-EFGH-JKLM"},
    }
    letter.update(changes)
    return letter


def _tool(name: str, data: bytes, tmp_path, *args) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run([name, *args, str(path), *(["-"] if name == "pdftotext" else [])], capture_output=True,
                          text=True, check=True).stdout


def test_harfbuzz_subsetting_is_in_use():
    """Without libharfbuzz-subset0 WeasyPrint silently falls back to fontTools: 11–13 s per letter (design §9)."""
    assert pdf.harfbuzz_subsetter_available()


def test_the_letter_carries_every_departments_items_in_real_chinese_text(tmp_path):
    text = _tool("pdftotext", pdf.render_joint_letter(a_letter()), tmp_path).replace(" ", "")
    for expected in ("青环西联函〔2026〕7号", "青岛海晨化工有限公司", "登记事项检查", "排污单位执行排污许可情况",
                     "王建国", "李喆", "（牵头）", "（配合）", "2026年12月1日至2026年12月5日", "ABCD-EFGH-JKLM"):
        assert expected in text, expected


def test_cjk_fonts_are_embedded_as_subsets(tmp_path):
    fonts = _tool("pdffonts", pdf.render_joint_letter(a_letter()), tmp_path).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk and all(line.split()[-5:-3] == ["yes", "yes"] for line in cjk), fonts  # emb, sub


def test_the_page_is_a4(tmp_path):
    assert "595.276 x 841.89 pts (A4)" in _tool("pdfinfo", pdf.render_joint_letter(a_letter()), tmp_path)


def test_rare_name_characters_render(tmp_path):
    letter = a_letter(inspectors=[{"name": "李䶮", "certificate_no": "1", "department": "第一中队"},
                                  {"name": "张堃𠮷", "certificate_no": "2", "department": "第一中队"}])
    assert "张堃𠮷" in _tool("pdftotext", pdf.render_joint_letter(letter), tmp_path).replace(" ", "")


def test_a_character_no_font_has_is_a_clear_error_not_a_blank_box():
    letter = a_letter(company={"name": "青岛\ue000有限公司", "uscc": "914403001922038216", "address": ""})
    with pytest.raises(pdf.MissingGlyphError) as raised:
        pdf.render_joint_letter(letter)
    assert raised.value.characters == ["\ue000"] and "U+E000" in str(raised.value)


def test_user_text_is_escaped_and_nothing_outside_is_fetched(tmp_path):
    hostile = '<img src="file:///etc/passwd"><a rel="attachment" href="file:///etc/passwd">x</a>'
    data = pdf.render_joint_letter(a_letter(company={"name": hostile, "uscc": "914403001922038216", "address": ""}))
    assert b"root:x:0:0" not in data
    assert '<img src="file:///etc/passwd">' in _tool("pdftotext", data, tmp_path).replace("\n", "")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:5672/", "jiasset:/../../pyproject.toml",
                                 "jiasset:/../verify.html"])
def test_the_fetcher_refuses_anything_but_the_letter_assets(url):
    with pytest.raises(ValueError):
        pdf.ProjectAssetFetcher().fetch(url)


def test_the_fetcher_serves_the_stylesheet():
    response = pdf.ProjectAssetFetcher().fetch("jiasset:/letter.css")
    assert b"@page" in response.read()


def test_a_batch_of_letters_is_one_pdf_with_each_letter_on_its_own_pages(tmp_path):
    one = int(_tool("pdfinfo", pdf.render_joint_letter(a_letter()), tmp_path).split("Pages:")[1].split()[0])
    three = pdf.render_joint_letters([a_letter(), a_letter(number="青环西联函〔2026〕8号"), a_letter()])
    assert int(_tool("pdfinfo", three, tmp_path).split("Pages:")[1].split()[0]) == 3 * one


def test_attachment_file_and_network_urls_leave_no_trace_in_the_pdf(tmp_path):
    """No attachment (`pdfdetach -list`), no image but the QR code (`pdfimages -list`)."""
    hostile = ('<a rel="attachment" href="file:///etc/passwd">附件</a><img src="http://10.255.255.1/x.png">'
               '<img src="file:///usr/share/pixmaps/debian-logo.png">')
    data = pdf.render_joint_letter(a_letter(title=hostile, company={"name": hostile, "uscc": "914403001922038216",
                                                                   "address": hostile}))
    attachments = _tool("pdfdetach", data, tmp_path, "-list")
    assert attachments.strip().startswith("0 embedded files")
    images = _tool("pdfimages", data, tmp_path, "-list").splitlines()[2:]
    assert len(images) <= 1  # at most the QR code, if rendered as an image


def _pages(data: bytes, tmp_path) -> int:
    return int(_tool("pdfinfo", data, tmp_path).split("Pages:")[1].split()[0])


def test_the_portal_batch_is_one_pdf_of_the_chosen_letters(system, reference, tmp_path):
    from werkzeug.test import Client

    from tests.flow import WsgiHttp, login, ok
    from tests.unit.test_draw_rules import _ready
    for n in range(3):
        _ready(system, inspection_id=f"insp-b{n}")
    http = WsgiHttp(system.wsgi)
    documents = [ok(http.call("GET", f"/letters/api/v1/documents?inspection=insp-b{n}", login(http, "clerk01")))[
        "items"][0]["id"] for n in range(2)]
    client = Client(system.wsgi)
    client.post("/draw/login", data={"username": "clerk01", "password": "jointinspect"})
    response = client.post("/letters/portal/batch", data={"document": documents},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    single = client.get(f"/letters/api/v1/documents/{documents[0]}/pdf").data
    assert _pages(response.data, tmp_path) == 2 * _pages(single, tmp_path)
