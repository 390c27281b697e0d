"""The document set beyond the letter itself (issue 5): notice, checklist and field record; no attachment or
outside image ever reaches a PDF; the portal's batch is one PDF. The letter's own rendering, fonts and fetcher
are tested in test_letter_pdf.py."""
from __future__ import annotations

import subprocess

import pytest

from services.letters.adapters import pdf
from services.letters.handlers import SET
from tests.unit.test_letter_pdf import a_letter

pytestmark = pytest.mark.unit



def _tool(name: str, data: bytes, tmp_path, *args) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run([name, *args, str(path), *(["-"] if name == "pdftotext" else [])], capture_output=True,
                          text=True, check=True).stdout


def _pages(data: bytes, tmp_path) -> int:
    return int(_tool("pdfinfo", data, tmp_path).split("Pages:")[1].split()[0])


def a_set() -> list[dict]:
    base = a_letter()
    for department in base["departments"]:
        for item in department["items"]:
            item["key_points"] = f"{item['name']}的检查要点"
    return [dict(base, kind=kind, label=label, letter_number=base["number"]) for kind, label in SET]


@pytest.mark.parametrize("kind, expected", [
    ("notice", ["检查告知单", "申请回避", "不配合检查情节严重", "请准备的材料"]),
    ("checklist", ["联合检查表", "检查要点", "未发现问题", "不涉及"]),
    ("field_record", ["现场检查记录表", "现场检查情况", "采取的措施"]),
])
def test_each_document_of_the_set_carries_its_own_text_and_verification(kind, expected, tmp_path):
    document = next(d for d in a_set() if d["kind"] == kind)
    text = "".join(_tool("pdftotext", pdf.render_documents([document]), tmp_path).split())
    for words in expected + [document["company"]["name"], document["verification"]["code"]]:
        assert words in text, words


def test_a_document_with_a_missing_field_is_an_error_not_a_blank():
    document = a_set()[2]
    del document["departments"][0]["items"][0]["key_points"]
    with pytest.raises(Exception, match="key_points"):
        pdf.render_documents([document])


def test_attachment_file_and_network_urls_leave_no_trace_in_the_pdf(tmp_path):
    """No attachment (`pdfdetach -list`), no image but the QR code (`pdfimages -list`)."""
    hostile = ('<a rel="attachment" href="file:///etc/passwd">附件</a><img src="http://10.255.255.1/x.png">'
               '<img src="file:///usr/share/pixmaps/debian-logo.png">')
    company = {"name": hostile, "uscc": "914403001922038216", "address": hostile}
    data = pdf.render_documents([dict(d, title=hostile, company=company) for d in a_set()])
    assert _tool("pdfdetach", data, tmp_path, "-list").strip().startswith("0 embedded files")
    assert len(_tool("pdfimages", data, tmp_path, "-list").splitlines()[2:]) == 0  # the QR codes are vectors


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


def test_a_name_no_font_can_print_leaves_a_visible_failure_and_no_gap_in_the_numbers(system, reference):
    """Issue 5: a clear error, never a blank box — and the visit is not lost: the clerk sees it and retries."""
    from tests.flow import WsgiHttp, login, ok
    from tests.unit.test_draw_rules import _ready
    http = WsgiHttp(system.wsgi)
    clerk = login(http, "clerk01")
    ok(http.call("PATCH", "/draw/api/v1/inspectors/INS-001", clerk, {"name": "王\U0002a6a5", "reason": "测试生僻字"}))
    for n in range(1, 19):
        if n > 2:
            ok(http.call("PATCH", f"/draw/api/v1/inspectors/INS-{n:03d}", clerk, {"on_duty": False, "reason": "测试"}))
    _ready(system, inspection_id="insp-glyph")
    failures = ok(http.call("GET", "/letters/api/v1/failures", clerk))["items"]
    assert failures[0]["inspection_id"] == "insp-glyph" and "U+2A6A5" in failures[0]["reason"]
    assert ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-glyph", clerk))["items"] == []
    retried = ok(http.call("POST", "/letters/api/v1/failures/insp-glyph/retry", clerk))
    assert retried["issued"] is False, "still no font for it: it stays visible, nothing half-issued"
    ok(http.call("PATCH", "/draw/api/v1/inspectors/INS-001", clerk, {"name": "王建国", "reason": "更正姓名"}))
    _ready(system, inspection_id="insp-next")
    numbers = [d["number"] for d in ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-next",
                                                 clerk))["items"]]
    assert numbers[0].endswith("〕1号"), "the failed set took no number"


def seal_png(size: int = 600, transparent: bool = True) -> bytes:
    """A test image standing in for the bureau's scanned seal (the product never draws one itself)."""
    import io

    from PIL import Image, ImageDraw
    image = Image.new("RGBA" if transparent else "RGB", (size, size), (0, 0, 0, 0) if transparent else "white")
    ImageDraw.Draw(image).ellipse((10, 10, size - 10, size - 10), outline=(230, 0, 18, 255), width=size // 25)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _put_seal(system, token: str, body: bytes, name: str = "seal.png"):
    from tests.flow import upload_file
    return upload_file(system.wsgi, "PUT", "/letters/api/v1/seal", token, "image", body, name)


def test_the_uploaded_seal_is_printed_on_the_letter_and_notice_only_after_upload(system, reference, tmp_path):
    """GB/T 9704 §7.3.5: the seal is the bureau's uploaded image, pressed over the issuer line; before any upload
    no seal-like image is in the PDF at all (never a drawn imitation)."""
    from tests.flow import WsgiHttp, login, ok
    from tests.unit.test_draw_rules import _ready
    http = WsgiHttp(system.wsgi)
    admin, clerk = login(http, "admin"), login(http, "clerk01")
    _ready(system, inspection_id="insp-unsealed")
    before = ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-unsealed", clerk))["items"]
    letter = http.call("GET", before[0]["pdf_url"], clerk, raw=True)[1]
    assert len(_tool("pdfimages", letter, tmp_path, "-list").splitlines()[2:]) == 0

    image = seal_png()
    uploaded = ok(_put_seal(system, admin, image))
    assert uploaded["width"] == 600 and ok(http.call("GET", "/letters/api/v1/seal", clerk))["sha256"] == uploaded[
        "sha256"]
    _ready(system, inspection_id="insp-sealed")
    documents = ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-sealed", clerk))["items"]
    for document in documents:
        data = http.call("GET", document["pdf_url"], clerk, raw=True)[1]
        images = [row for row in (line.split() for line in _tool("pdfimages", data, tmp_path, "-list").splitlines()[2:])
                  if row[2] == "image"]  # its alpha channel is listed apart as an smask
        expected = 1 if document["kind"] in ("joint_letter", "notice") else 0
        assert len(images) == expected, (document["kind"], images)
        if images:
            assert images[0][3:5] == ["600", "600"]  # the uploaded pixels, unchanged
    runtime = system.runtime("letters")
    with runtime.app.app_context():
        entry = runtime.db.session.query(runtime.models["AuditEntry"]).filter_by(action="seal.uploaded").one()
        assert "admin" in entry.actor and entry.object == f"seal:{uploaded['sha256']}"


@pytest.mark.parametrize("body, name, field_message", [
    (b"GIF89a" + b"\0" * 100, "seal.gif", "不是允许的类型"),
    (seal_png(transparent=False), "seal.png", "透明背景"),
    (seal_png(size=120), "seal.png", "300–3000 像素"),
    (seal_png()[:-60], "seal.png", "已损坏"),  # truncated
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 1), "big.png", "超过 1 MB"),
])
def test_a_seal_that_is_not_a_clean_transparent_png_is_refused_and_nothing_is_stored(system, reference, body, name,
                                                                                      field_message):
    from tests.flow import WsgiHttp, login
    http = WsgiHttp(system.wsgi)
    status, error = _put_seal(system, login(http, "admin"), body, name)
    assert status == 422 and field_message in error["error"]["fields"]["image"][0], error
    assert http.call("GET", "/letters/api/v1/seal", login(http, "clerk01"))[0] == 404


def test_only_the_bureau_admin_uploads_a_seal(system, reference):
    from tests.flow import WsgiHttp, login
    status, _ = _put_seal(system, login(WsgiHttp(system.wsgi), "clerk01"), seal_png())
    assert status == 403
