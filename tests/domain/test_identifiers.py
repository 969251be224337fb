"""身份证号 and 统一社会信用代码 checks, with property-based tests of the check characters."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from jlclient.domain.identifiers import PhoneError, check_credit_code, check_resident_id, normalise_phone

AREAS = ["110105", "130102", "130104", "140524"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _rid(area, year, month, day, seq):
    body = f"{area}{year:04d}{month:02d}{day:02d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def test_known_numbers():
    assert check_resident_id("11010519491231002X").ok
    assert check_resident_id("11010519491231002x").value == "11010519491231002X"
    assert check_credit_code("91110000600037341L").ok


@given(st.sampled_from(AREAS), st.integers(1990, 2005), st.integers(1, 12), st.integers(1, 28), st.integers(0, 999))
def test_any_valid_resident_id_passes_and_any_changed_check_digit_fails(area, year, month, day, seq):
    number = _rid(area, year, month, day, seq)
    assert check_resident_id(number).ok
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    result = check_resident_id(wrong)
    assert not result.ok and "校验位" in result.message


@given(st.integers(0, 16), st.integers(0, 9))
def test_one_changed_digit_is_always_caught(position, digit):
    number = "11010519491231002X"
    changed = number[:position] + str(digit) + number[position + 1:]
    if changed != number:
        assert not check_resident_id(changed).ok


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_credit_code_check_character(body):
    number = body + uscc.calc_check_digit(body)
    if uscc.is_valid(number):  # some bodies have an invalid registration-department code
        assert check_credit_code(number).ok
        wrong_char = next(c for c in USCC_ALPHABET if c != number[-1])
        assert not check_credit_code(number[:-1] + wrong_char).ok


def test_messages_say_what_is_wrong():
    assert "位数" in check_resident_id("1101051949").message
    assert "18 位" in check_credit_code("9111").message
    assert not check_resident_id("110105194913310021").ok  # month 13


def test_a_valid_check_digit_with_an_area_code_the_library_places_later_passes_with_a_warning():
    """灵寿县's own code 130126 on a card of 1985: the library knows the code from 1993 only."""
    result = check_resident_id("130126198503171237")
    assert result.ok and result.value == "130126198503171237"
    assert "校验位正确" in result.warning and "核对证件原件" in result.warning
    assert not check_resident_id("130126198503171238").ok            # a wrong check digit is still wrong
    body = "13012619850230001"                                       # 30 February: no such day
    assert "出生日期" in check_resident_id(body + ric.calc_check_digit(body + "0")).message
    assert check_resident_id("11010519491231002X").warning == ""


def test_empty_numbers_say_what_to_do():
    for result in (check_resident_id(""), check_credit_code("  ")):
        assert not result.ok and "请填写" in result.message and "无证照" in result.message
        assert "位数" not in result.message


def test_numbers_as_typed_or_pasted_are_normalised():
    assert check_resident_id(" 1301 2619 8503 1712 37 ").value == "130126198503171237"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "91110000600037341l")
    assert check_credit_code(full_width).value == "91110000600037341L"


def test_phone_numbers_are_normalised_or_refused_with_a_hint():
    cases = {"139 0000 1111": "13900001111", "+86 139-0000-1111": "13900001111", "１３９００００１１１１": "13900001111",
             "0311 82512345": "0311-82512345", "(0311)8251-2345": "0311-82512345", "010-12345678": "010-12345678",
             "0311-82512345转8001": "0311-82512345-8001", "400 123 4567": "400-123-4567", "12345": "12345",
             "82512345": "82512345", "": ""}
    for typed, expected in cases.items():
        assert normalise_phone(typed) == expected, typed
    for wrong in ("139", "abc", "0311-123", "1390000111"):
        with pytest.raises(PhoneError, match="手机号码"):
            normalise_phone(wrong)


# --- a birth date after today (issue 15, finding 8) ------------------------------------------

TODAY = date(2026, 3, 2)


def test_a_birth_date_after_today_is_refused_naming_it():
    tomorrow = _rid("110105", 2026, 3, 3, 1)
    result = check_resident_id(tomorrow, TODAY)
    assert not result.ok
    assert result.message == "身份证号码中的出生日期 2026 年 3 月 3 日晚于今天，请核对（第 7–14 位为出生年月日）"
    assert check_resident_id(_rid("110105", 2026, 3, 2, 1), TODAY).ok      # born today: a newborn's card


def test_a_future_birth_date_behind_an_area_code_the_library_cannot_place_is_refused_too():
    number = _rid("110103", 2099, 1, 1, 1)      # 崇文区: merged into 东城区 in 2010
    assert check_resident_id(number).warning            # without a date: the clerk checks the card
    result = check_resident_id(number, TODAY)
    assert not result.ok and "2099 年 1 月 1 日晚于今天" in result.message


def test_finishing_a_form_refuses_an_interviewee_born_after_today():
    from tests.domain.test_form_plausibility import NOW, _problems
    unborn = _rid("110105", NOW.year + 1, 1, 1, 1)
    problems = _problems("inquiry_record", interviewee_id=unborn)
    assert problems["interviewee_id"] == f"身份证号码：身份证号码中的出生日期 {NOW.year + 1} 年 1 月 1 日晚于今天，" \
                                         f"请核对（第 7–14 位为出生年月日）"
    assert "interviewee_id" not in _problems("inquiry_record", interviewee_id=_rid("110105", 1990, 1, 1, 1))
