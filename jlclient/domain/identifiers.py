"""居民身份证号码 and 统一社会信用代码 validation (maintained library: python-stdnum).

Used by party entry; the message says what is wrong in words a clerk understands.
"""
from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError


@dataclass(frozen=True)
class IdCheck:
    ok: bool
    value: str          # normalised (upper case, no spaces) when ok
    message: str = ""


_REASONS = (
    (InvalidLength, "位数不对"),
    (InvalidChecksum, "校验位不对，请核对是否抄错"),
    (InvalidComponent, "包含无效的日期、地区或机构类别"),
    (InvalidFormat, "包含不允许的字符"),
)


def _reason(exc: ValidationError) -> str:
    for kind, text in _REASONS:
        if isinstance(exc, kind):
            return text
    return "格式不正确"


def check_resident_id(number: str) -> IdCheck:
    """18-digit 居民身份证号码 with GB 11643 check digit and a real birth date."""
    try:
        value = ric.validate(number)
    except ValidationError as exc:
        return IdCheck(False, number, f"身份证号码{_reason(exc)}（应为 18 位，最后一位可为 X）")
    if len(value) != 18:  # 15-digit first-generation numbers are no longer valid cards
        return IdCheck(False, number, "身份证号码位数不对（应为 18 位，最后一位可为 X）")
    return IdCheck(True, value)


def check_credit_code(number: str) -> IdCheck:
    """18-character 统一社会信用代码 with GB 32100 check character."""
    try:
        value = uscc.validate(number)
    except ValidationError as exc:
        return IdCheck(False, number, f"统一社会信用代码{_reason(exc)}（应为 18 位数字或大写字母）")
    return IdCheck(True, value)
