"""Parties as the clerk enters them: trimmed, numbers and phones normalised, 无证照 with a reason."""
import pytest

from jlclient.services.context import ServiceError
from jlclient.services.parties import ORGANISATION, PERSON, PartyInput, validated


def test_names_numbers_and_phones_are_trimmed_and_normalised():
    p = validated(PartyInput(ORGANISATION, "  灵寿县  好味道餐饮有限公司 ", " 91110000600037341l", "0311 8251 2345", " 灵寿县 "))
    assert (p.name, p.number, p.phone, p.address) == ("灵寿县 好味道餐饮有限公司", "91110000600037341L",
                                                     "0311-82512345", "灵寿县")


def test_an_unverifiable_area_code_carries_its_warning():
    p = validated(PartyInput(PERSON, "赵敏", "130126198503171237"))
    assert p.number == "130126198503171237" and "校验位正确" in p.warning


def test_no_licence_needs_a_reason():
    with pytest.raises(ServiceError, match="无证照"):
        validated(PartyInput(ORGANISATION, "老王烧饼铺", ""))
    p = validated(PartyInput(ORGANISATION, "老王烧饼铺", "", no_id_reason=" 无照经营 "))
    assert (p.number, p.no_id_reason) == ("", "无照经营")


def test_a_phone_that_is_no_phone_is_refused():
    with pytest.raises(ServiceError, match="电话号码"):
        validated(PartyInput(ORGANISATION, "灵寿县好味道餐饮有限公司", "91110000600037341L", "139"))
