"""The document set beyond the letter itself (issue 5): notice, checklist and field record; no attachment or
outside image ever reaches a PDF. The letter's own rendering, fonts and fetcher are tested in test_letter_pdf.py;
the set as the running system issues it (batch, seal, failures) in tests/integration/test_letter_issuing.py."""
from __future__ import annotations

import subprocess

import pytest

from services.letters.adapters import pdf
from tests.support.letters import a_set

pytestmark = pytest.mark.unit


def _tool(name: str, data: bytes, tmp_path, *args) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run([name, *args, str(path), *(["-"] if name == "pdftotext" else [])], capture_output=True,
                          text=True, check=True).stdout


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
