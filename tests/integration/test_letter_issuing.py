"""The document set as the running system issues it (issue 5, S12, N10): the portal's batch is one PDF, a name no
font can print leaves a visible failure and no gap in the numbers, the bureau's uploaded seal is printed on the
letter and the notice. Handler-level rules are in tests/unit/test_letter_handlers.py."""
from __future__ import annotations

import subprocess

import pytest

from tests.flow import WsgiHttp, login, ok
from tests.support.letters import drawn_visit, eco_logins
from tests.support.login import page_login

pytestmark = pytest.mark.integration


def _tool(name: str, data: bytes, tmp_path, *args) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run([name, *args, str(path), *(["-"] if name == "pdftotext" else [])], capture_output=True,
                          text=True, check=True).stdout


def _pages(data: bytes, tmp_path) -> int:
    return int(_tool("pdfinfo", data, tmp_path).split("Pages:")[1].split()[0])


def test_the_portal_batch_is_one_pdf_of_the_chosen_letters(system, reference, tmp_path):
    from werkzeug.test import Client
    for n in range(3):
        drawn_visit(system, f"insp-b{n}")
    http = WsgiHttp(system.wsgi)
    documents = [ok(http.call("GET", f"/letters/api/v1/documents?inspection=insp-b{n}", login(http, "clerk01")))[
        "items"][0]["id"] for n in range(2)]
    client = Client(system.wsgi)
    page_login(client, "clerk01")
    response = client.post("/letters/portal/batch", data={"document": documents},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    single = client.get(f"/letters/api/v1/documents/{documents[0]}/pdf").data
    assert _pages(response.data, tmp_path) == 2 * _pages(single, tmp_path)


def test_a_name_no_font_can_print_leaves_a_visible_failure_and_no_gap_in_the_numbers(system, reference):
    """Issue 5: a clear error, never a blank box — and the visit is not lost: the clerk sees it and retries."""
    http = WsgiHttp(system.wsgi)
    clerk = login(http, "clerk01")
    ok(http.call("PATCH", "/draw/api/v1/inspectors/INS-001", clerk, {"name": "王\U0002a6a5", "reason": "测试生僻字"}))
    for n in range(1, 19):
        if n > 2:
            ok(http.call("PATCH", f"/draw/api/v1/inspectors/INS-{n:03d}", clerk, {"on_duty": False, "reason": "测试"}))
    drawn_visit(system, "insp-glyph")
    failures = ok(http.call("GET", "/letters/api/v1/failures", clerk))["items"]
    assert failures[0]["inspection_id"] == "insp-glyph" and "U+2A6A5" in failures[0]["reason"]
    assert ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-glyph", clerk))["items"] == []
    retried = ok(http.call("POST", "/letters/api/v1/failures/insp-glyph/retry", clerk))
    assert retried["issued"] is False, "still no font for it: it stays visible, nothing half-issued"
    ok(http.call("PATCH", "/draw/api/v1/inspectors/INS-001", clerk, {"name": "王建国", "reason": "更正姓名"}))
    drawn_visit(system, "insp-next")
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
    http = WsgiHttp(system.wsgi)
    admin, clerk = login(http, "admin"), login(http, "clerk01")
    drawn_visit(system, "insp-unsealed")
    before = ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-unsealed", clerk))["items"]
    letter = http.call("GET", before[0]["pdf_url"], clerk, raw=True)[1]
    assert len(_tool("pdfimages", letter, tmp_path, "-list").splitlines()[2:]) == 0

    image = seal_png()
    uploaded = ok(_put_seal(system, admin, image))
    assert uploaded["width"] == 600 and ok(http.call("GET", "/letters/api/v1/seal", clerk))["sha256"] == uploaded[
        "sha256"]
    drawn_visit(system, "insp-sealed")
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
    with runtime.unit_of_work(read_only=True) as uow:
        entry = uow.session.query(runtime.models["AuditEntry"]).filter_by(action="seal.uploaded").one()
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
    http = WsgiHttp(system.wsgi)
    status, error = _put_seal(system, login(http, "admin"), body, name)
    assert status == 422 and field_message in error["error"]["fields"]["image"][0], error
    assert http.call("GET", "/letters/api/v1/seal", login(http, "clerk01"))[0] == 404


def test_only_the_bureau_admin_uploads_a_seal(system, reference):
    status, _ = _put_seal(system, login(WsgiHttp(system.wsgi), "clerk01"), seal_png())
    assert status == 403


def test_the_portal_lists_an_inspectors_own_letters_and_nothing_of_other_teams(system, reference):
    """N4, without a browser (tests/browser has the Chromium walk-through): the page shows the assigned
    inspector the visit with a link per document, another inspector nothing."""
    from werkzeug.test import Client
    inspection = drawn_visit(system, "insp-portal")
    member, outsider = eco_logins(system, "insp-portal")
    pages = {}
    for username in (member, outsider):
        client = Client(system.wsgi)
        page_login(client, username)
        pages[username] = client.get("/letters/portal").get_data(as_text=True)
    own = pages[member]
    assert inspection["company"]["name"] in own and 'class="download joint_letter"' in own
    assert "联合检查函 PDF" in own and "检查告知单 PDF" in own
    assert inspection["company"]["name"] not in pages[outsider] and "暂无分配给您的检查" in pages[outsider]
