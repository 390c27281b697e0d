"""Issue 13 hardening, the rules without a server: text (shared/text.py) and the shared schema fields, JSON limits
(shared/json_limits.py), images measured before decoding (shared/uploads.py), xlsx cells that stay text
(shared/xlsx.py). Over HTTP, service by service: tests/integration/test_input_hardening.py."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from marshmallow import ValidationError

from shared import text
from shared.errors import Invalid
from shared.json_limits import MalformedJSON, loads
from shared.schemas import BaseSchema, Integer, PageQuery, String, Text, page_number
from shared.uploads import check_upload, header_size

pytestmark = pytest.mark.unit


# --- text ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, words", [
    ("青岛\u202e公司", "U+202E"),       # right-to-left override: printed the letter reversed
    ("青岛\u2067公司", "U+2067"),       # an isolate
    ("青岛\u200f公司", "U+200F"),       # a right-to-left mark
    ("张\x0b三", "U+000B"),             # made inspectors.xlsx answer 500
    ("张\x00三", "U+0000"),
    ("张\x85三", "U+0085"),             # a C1 control
    ("张\u2028三", "U+2028"),
    ("张\ud800三", "代理项"),
    ("第一行\n第二行", "换行"),
    ("甲\t乙", "制表符"),
])
def test_single_line_text_refuses_controls_direction_marks_and_line_breaks(value, words):
    assert words in text.problem(value)
    with pytest.raises(text.TextRefused):
        text.clean(value)


def test_multi_line_text_allows_line_breaks_and_tabs_but_not_the_rest():
    assert text.problem("第一行\r\n第二行\t备注", multiline=True) is None
    assert "U+202E" in text.problem("第一行\n\u202e第二行", multiline=True)


def test_text_is_nfc_normalised_so_one_name_is_stored_one_way():
    assert text.clean("Cafe\u0301") == "Caf\u00e9"


def test_output_strips_direction_controls_and_keeps_markup_safe():
    from markupsafe import Markup
    assert text.strip_unsafe("ABC\u202eDEF\x0b\n") == "ABCDEF\n"
    printed = text.printable(Markup("<b>\u202e某公司</b>"))
    assert printed == Markup("<b>某公司</b>") and isinstance(printed, Markup)
    assert text.printable(3) == 3


class _Sample(BaseSchema):
    name = String()
    reason = Text()
    count = Integer()


@pytest.mark.parametrize("body, field", [
    ({"name": "某\u202e公司"}, "name"), ({"name": "两行\n名称"}, "name"), ({"reason": "原因\x00"}, "reason"),
    ({"count": 10 ** 30}, "count"), ({"count": -(2 ** 63)}, "count"),
])
def test_the_shared_fields_refuse_what_the_rules_refuse(body, field):
    with pytest.raises(ValidationError) as refused:
        _Sample().load(body)
    assert list(refused.value.messages) == [field]


def test_the_shared_fields_normalise_and_keep_line_breaks_where_multi_line():
    assert _Sample().load({"name": "e\u0301", "reason": "一\n二", "count": 2 ** 62}) == {
        "name": "\u00e9", "reason": "一\n二", "count": 2 ** 62}


def test_strings_inside_a_free_form_object_obey_the_text_rules_unless_checked_later():
    from shared.schemas import Dict, List

    class Draft(BaseSchema):
        items = List(Dict())
        tasks = List(Dict(text_rules=False))
    assert "U+0000" in Draft().validate({"items": [{"findings": ["现场\x00"]}]})["items"][0][0]
    assert "U+202E" in Draft().validate({"items": [{"\u202e": "键名也算"}]})["items"][0][0]
    assert Draft().validate({"items": [{"findings": "第一行\n第二行"}], "tasks": [{"name": "\u202e"}]}) == {}


@pytest.mark.parametrize("raw, expected", [
    ("3", 3), (None, 1), ("", 1), ("0", None), ("²", None), ("99999999999999999999", None), ("9" * 5000, None),
    ("-1", None), ("1e3", None),
])
def test_a_page_number_read_by_hand_is_a_small_positive_number_or_none(raw, expected):
    assert page_number(raw) == expected


def test_an_enormous_page_is_refused_by_the_page_query():
    assert "page" in PageQuery().validate({"page": "99999999999999999999"})


# --- JSON --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, words", [
    ("[" * 33 + "]" * 33, "嵌套"),
    ("[" * 100_000 + "]" * 100_000, "嵌套"),       # deeper than Python's recursion limit
    ('{"n": ' + "9" * 5000 + "}", "位数"),          # Python refuses to parse beyond 4300 digits: 500 before
    ('{"n": ' + "9" * 31 + "}", "位数"),
    ('{"name": "\\ud800"}', "代理项"),
    ('{"\\udfff": 1}', "代理项"),
    ('{"n": NaN}', "NaN"),
])
def test_malformed_json_is_refused_with_a_chinese_reason(body, words):
    with pytest.raises(MalformedJSON) as refused:
        loads(body)
    assert words in str(refused.value)


def test_ordinary_json_parses_as_usual():
    assert loads(b'{"a": [1, 2.5, "\\u9752\\ud83d\\ude00", {"b": null}], "n": -123}') == {
        "a": [1, 2.5, "青😀", {"b": None}], "n": -123}
    assert loads("[" * 32 + "]" * 32) is not None


# --- images ------------------------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 13000, height: int = 13000) -> bytes:
    """A PNG whose header claims width×height pixels, with a few bytes of (too little) image data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _chunk(b"IEND", b""))


def small_png(width: int, height: int) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def no_decoding(monkeypatch):
    """Any attempt by Pillow to open or decode fails the test."""
    from PIL import Image, ImageFile

    def refuse(*args, **kwargs):
        raise AssertionError("the image was handed to Pillow")
    monkeypatch.setattr(Image, "open", refuse)
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_a_png_claiming_13000_by_13000_pixels_is_refused_from_its_header_without_decoding(no_decoding):
    body = bomb_png()
    assert len(body) < 200 and header_size(body) == (13000, 13000)
    with pytest.raises(Invalid) as refused:
        check_upload(body, "bomb.png", "file", ("image/png",), 10 * 1024 * 1024, max_pixels=40_000_000)
    assert "13000×13000" in refused.value.fields["file"][0] and "40 百万像素" in refused.value.fields["file"][0]


def test_a_real_compressed_bomb_is_refused_before_load(monkeypatch):
    """A genuine 1-bit 13000×13000 PNG (a few KB on the wire, 169 MP decoded)."""
    from PIL import Image, ImageFile
    out = io.BytesIO()
    Image.new("1", (13000, 13000)).save(out, format="PNG")
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    with pytest.raises(Invalid) as refused:
        check_upload(out.getvalue(), "bomb.png", "file", ("image/png",), 10 * 1024 * 1024, max_pixels=40_000_000)
    assert refused.value.message == "图片像素过多"


def test_a_jpeg_is_measured_from_its_frame_header():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (321, 123), "white").save(out, format="JPEG")
    assert header_size(out.getvalue()) == (321, 123)


def test_the_pixel_limit_is_a_setting_and_an_image_within_it_still_decodes():
    body = small_png(200, 100)
    with pytest.raises(Invalid):
        check_upload(body, "a.png", "file", ("image/png",), 1024 * 1024, max_pixels=19_999)
    upload = check_upload(body, "a.png", "file", ("image/png",), 1024 * 1024, max_pixels=20_000)
    assert (upload.width, upload.height) == (200, 100)


# --- xlsx --------------------------------------------------------------------------------------------------

def test_xlsx_cells_that_look_like_formulas_stay_text_and_control_characters_go():
    from openpyxl import Workbook, load_workbook

    from shared.xlsx import append_row
    book = Workbook()
    append_row(book.active, ['=HYPERLINK("http://evil.example","点击")', "+1", "-2", "@SUM(A1)", "张\x0b三",
                             "某\u202e公司", 7])
    out = io.BytesIO()
    book.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).active[1])
    assert [c.data_type for c in cells[:4]] == ["s"] * 4 and all(c.quotePrefix for c in cells[:4])
    assert cells[0].value == '=HYPERLINK("http://evil.example","点击")'
    assert [c.value for c in cells[4:]] == ["张三", "某公司", 7]


# --- letters ------------------------------------------------------------------------------------------------

def test_a_letter_never_prints_a_direction_control_even_one_stored_before_the_rules():
    """U+202E in a company name once printed the official letter reversed: the renderer strips it."""
    from services.letters.adapters import pdf
    from tests.support.letters import a_letter
    company = {"name": "青岛\u202e司公限有易贸", "uscc": "91370211MA3C1234X5",
               "address": "黄岛区\u2066长江路\u2069 1 号"}
    html = pdf.documents_html([{**a_letter(company=company), "kind": "joint_letter"}])
    assert "青岛司公限有易贸" in html and "黄岛区长江路 1 号" in html
    assert not any(mark in html for mark in text.BIDI_CONTROLS)


def test_a_partner_message_with_a_lone_surrogate_or_deep_nesting_is_poison_not_a_handler_failure():
    """Over AMQP the same limits hold: `events.parse` raises ValueError, so the consumer dead-letters it."""
    from shared import events
    base = ('{"specversion": "1.0", "id": "e1", "source": "/SCJG", "type": "cn.gov.jointinspect.task.submitted.v1", '
            '"datacontenttype": "application/json", "data": %s}')
    for data in ('{"name": "\\ud800"}', '{"a": ' + "[" * 40 + "]" * 40 + "}"):
        with pytest.raises(ValueError):
            events.parse((base % data).encode())
    assert events.parse((base % '{"name": "青岛"}').encode()).data == {"name": "青岛"}
