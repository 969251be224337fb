"""身份证号 and 统一社会信用代码 checks, with property-based tests of the check characters."""
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from jlclient.domain.identifiers import check_credit_code, check_resident_id

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
