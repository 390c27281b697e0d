"""Unified social credit codes, GB 32100-2015 (N9): valid codes pass, each kind of error says why in Chinese."""
from __future__ import annotations

import random

import pytest

from shared.uscc import ALPHABET, check_character, is_valid, random_uscc, validation_error

pytestmark = pytest.mark.unit

VALID = ["914403001922038216", "91440300708461136T", "91512081MA62K0260E"]


@pytest.mark.parametrize("code", VALID)
def test_known_real_codes_are_valid_whatever_their_region(code):
    """N9: the handbook's test codes pass; their regions are not 370211."""
    assert is_valid(code)
    assert validation_error(code) is None
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID)
def test_a_changed_check_character_names_the_expected_one(code):
    wrong = "0" if code[17] != "0" else "1"
    message = validation_error(code[:17] + wrong)
    assert not is_valid(code[:17] + wrong)
    assert f"校验位应为「{code[17]}」实际为「{wrong}」" in message


@pytest.mark.parametrize("code", ["", "91440300192203821", "9144030019220382160"])
def test_wrong_length_is_reported(code):
    assert "长度应为18位" in validation_error(code)
    assert not is_valid(code)


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_alphabet_are_reported_with_their_position(bad):
    code = "9144030019" + bad + "2038216"
    assert f"含有非法字符「{bad}」（第11位）" in validation_error(code)
    assert not is_valid(code)


def test_lowercase_is_rejected_asking_for_capitals():
    message = validation_error("91512081ma62k0260e")
    assert "应使用大写字母" in message
    assert not is_valid("91512081ma62k0260e")


def test_random_codes_are_valid_distinct_and_reproducible():
    codes = [random_uscc(random.Random(7)) for _ in range(2)]
    assert codes[0] == codes[1]
    rng = random.Random(2026)
    many = [random_uscc(rng) for _ in range(200)]
    assert len(set(many)) == 200
    assert all(is_valid(code) and code.startswith("91370211") for code in many)
    assert all(ch in ALPHABET for code in many for ch in code)


def test_random_codes_honour_the_region():
    assert random_uscc(random.Random(1), region="440300").startswith("91440300")
