"""Issue 13 (N8): ID-card and mobile numbers are masked in anything public; what only looks like one (a USCC, a
letter number, a date, a landline, an account number) is left as it is."""
from __future__ import annotations

import random

import pytest

from shared.masking import ID_CHECK, ID_WEIGHTS, is_id_card_15, is_id_card_18, mask_text, mask_value
from shared.uscc import check_character

pytestmark = pytest.mark.unit


def id_card(body17: str) -> str:
    """A real-looking 18-character number: its check character computed as GB 11643-1999 says."""
    return body17 + ID_CHECK[sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS)) % 11]


ID_X = "11010519491231002X"  # the standard's own example, check character X
ID_DIGIT = id_card("37021119900307123")  # Huangdao, 7 March 1990
ID_LEAP = id_card("11010520000229301")  # born on 29 February 2000


def test_the_test_numbers_are_valid_id_cards():
    for number in (ID_X, ID_DIGIT, ID_LEAP):
        assert is_id_card_18(number), number
    assert ID_DIGIT == "37021119900307123X" and ID_LEAP == "110105200002293011"


@pytest.mark.parametrize("text, masked", [
    (f"负责人身份证号{ID_X}，已核实", "负责人身份证号110105********002X，已核实"),
    (f"身份证 {ID_DIGIT.lower()}", "身份证 370211********123x"),
    (f"{ID_LEAP}", "110105********3011"),
    ("证件 110105 19491231 002X 已复印", "证件 110105********002X 已复印"),
    ("老身份证370211900307123", "老身份证370211******123"),
    ("联系电话13800138000。", "联系电话138****8000。"),
    ("手机：+86 139-0532-1234", "手机：+86 139****1234"),
    ("手机0086 150 1234 5678", "手机0086 150****5678"),
    ("（+86）18605321234", "（+86）186****1234"),
    ("电话138 0013 8000或13912345678", "电话138****8000或139****5678"),
])
def test_id_card_and_mobile_numbers_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    "统一社会信用代码 914403001922038216",
    "91440300708461136T、91512081MA62K0260E",
    "青环西联函〔2026〕12号",
    "黄市监联函〔2026〕1203号",
    "检查日期 2026-11-29 09:30，20261129",
    "固定电话 0532-86988000",
    "12345678901",  # 11 digits but 12… is no mobile prefix
    "账号 6222021303000012345",  # a mobile-looking run inside a longer number
    "编号 A13800138000",  # glued to a letter: part of something else
    "执法证号 37021100123",
])
def test_what_only_looks_like_a_personal_number_is_left_alone(text):
    assert mask_text(text) == text


def test_an_id_number_with_a_wrong_check_character_or_impossible_date_is_not_an_id_card():
    assert not is_id_card_18(ID_X[:-1] + "1")
    assert not is_id_card_18(id_card("11010519490231002"))  # 31 February
    assert not is_id_card_18(id_card("99010519491231002"))  # no province 99
    assert not is_id_card_15("370211901307123")  # month 13


def test_credit_codes_are_not_masked_even_when_their_first_digits_are_a_province_code():
    """机关 (11), 事业单位 (12), 社会团体 (51) … share their first two digits with province codes; the date
    position of an ID card holds the end of the USCC's region code, which is no birth year."""
    rng = random.Random(13)
    for prefix in ("11", "12", "13", "51", "52", "53", "91", "92", "93"):
        for _ in range(100):
            body = prefix + "370211" + "".join(rng.choice("0123456789") for _ in range(9))
            code = body + check_character(body)
            assert mask_text(f"代码{code}。") == f"代码{code}。"


def test_nested_public_values_are_masked_and_other_types_kept():
    value = {"summary": "电话13800138000", "items": [{"note": ID_X, "count": 3}], "none": None}
    assert mask_value(value) == {"summary": "电话138****8000", "items": [{"note": "110105********002X", "count": 3}],
                                 "none": None}
    assert mask_text(None) is None and mask_text("") == ""


def test_the_letters_public_verification_masks_free_text_but_not_the_officers_it_vouches_for():
    """The page a company opens with its letter's code names the inspectors (that is its purpose); a revocation
    reason typed by staff may carry a number, and is masked."""
    from types import SimpleNamespace

    from services.letters.views import verification_view
    content = {"issuer": "青岛市生态环境局西海岸新区分局", "issued_on": "2026-11-30",
               "company": {"name": "青岛测试化工有限公司", "uscc": "914403001922038216"},
               "window": {"start": "2026-12-01", "end": "2026-12-03"}, "visit_time": "2026-12-02 09:30",
               "scheduled_at": "2026-12-02T01:30:00Z",
               "inspectors": [{"name": "王建国", "certificate_no": "37021100123", "department": "生态环境",
                               "leader": True}]}
    document = SimpleNamespace(status="revoked", number="青环西联函〔2026〕12号", kind="letter", content=content,
                               revoked_reason=f"检查人员更换，原组长手机13800138000，身份证{ID_X}")
    view = verification_view(document)
    assert view["revoked_reason"] == "检查人员更换，原组长手机138****8000，身份证110105********002X"
    assert view["number"] == "青环西联函〔2026〕12号" and view["company"]["uscc"] == "914403001922038216"
    assert view["inspectors"][0]["certificate_no"] == "37021100123"
