"""居民身份证号码 and 统一社会信用代码 validation (maintained library: python-stdnum).

Used by party entry; the message says what is wrong in words a clerk understands.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError


@dataclass(frozen=True)
class IdCheck:
    ok: bool
    value: str          # normalised (upper case, no spaces) when ok
    message: str = ""
    warning: str = ""   # accepted, but something could not be verified: the clerk checks the card


# The library knows each area code only for the years it was in use; a card issued under an
# older or newer code, or a code it does not list, is real all the same when its check digit
# holds: the clerk checks it against the card instead of turning the person away.
UNVERIFIED_AREA = "校验位正确，但地区码或出生日期未能核验，请核对证件原件"


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


def check_resident_id(number: str, today: date | None = None) -> IdCheck:
    """18-digit 居民身份证号码 with GB 11643 check digit and a real birth date; an area code the
    library does not accept for that birth year passes with ``warning``. ``today`` (the agency's
    date) refuses a birth date after it — nobody holds a card before being born; None: the birth
    date is not compared with a date (this layer does not read the clock)."""
    number = normalise_number(number)
    if not number:
        return IdCheck(False, number, "请填写身份证号码（18 位，最后一位可为 X）；没有证件的，请选择“无证照”并写明原因")
    try:
        value = ric.validate(number)
    except InvalidComponent:
        return _unverified_area(number, today)
    except ValidationError as exc:
        return IdCheck(False, number, f"身份证号码{_reason(exc)}（应为 18 位，最后一位可为 X）")
    if len(value) != 18:  # 15-digit first-generation numbers are no longer valid cards
        return IdCheck(False, number, "身份证号码位数不对（应为 18 位，最后一位可为 X）")
    return _born_by(value, today) or IdCheck(True, value)


def _born_by(number: str, today: date | None) -> IdCheck | None:
    """A refusal when the number's birth date lies after ``today``."""
    born = ric.get_birth_date(number)
    if today is None or born <= today:
        return None
    return IdCheck(False, number, f"身份证号码中的出生日期 {born.year} 年 {born.month} 月 {born.day} 日晚于今天，"
                                  f"请核对（第 7–14 位为出生年月日）")


def check_credit_code(number: str) -> IdCheck:
    """18-character 统一社会信用代码 with GB 32100 check character."""
    number = normalise_number(number)
    if not number:
        return IdCheck(False, number, "请填写统一社会信用代码（18 位）；没有证照的，请选择“无证照”并写明原因")
    try:
        value = uscc.validate(number)
    except ValidationError as exc:
        return IdCheck(False, number, f"统一社会信用代码{_reason(exc)}（应为 18 位数字或大写字母）")
    return IdCheck(True, value)


def normalise_number(number: str) -> str:
    """As typed or pasted: spaces (also full-width) and hyphens dropped, full-width characters
    made half-width, letters upper case."""
    half = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in number)
    return "".join(c for c in half if not c.isspace() and c != "-").upper()


def _unverified_area(number: str, today: date | None) -> IdCheck:
    """The check digit held, the library refused the date or area: a real date passes with a warning."""
    try:
        refusal = _born_by(number, today)
    except ValidationError:
        return IdCheck(False, number, "身份证号码中的出生日期无效，请核对（第 7–14 位为出生年月日）")
    return refusal or IdCheck(True, number, warning=UNVERIFIED_AREA)


class PhoneError(ValueError):
    """Not a plausible telephone number; the message says what a good one looks like."""


_PHONE_HINT = "请填写手机号码（11 位）或带区号的座机号码（如 0311-82512345）"


def normalise_phone(text: str) -> str:
    """A telephone number as people write it — with spaces, hyphens, brackets, +86, full-width
    digits — in one form: 13900001111, 0311-82512345 (extension after a further hyphen),
    400-123-4567, 12345. An empty text stays empty; an implausible one raises PhoneError."""
    half = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text).strip()
    if not half:
        return ""
    main, _, extension = half.replace("转", ",").replace("ext", ",").partition(",")
    digits = "".join(c for c in main if c.isdigit())
    if any(not (c.isdigit() or c in " -()+（）") for c in main) or (extension and not extension.strip().isdigit()):
        raise PhoneError(f"电话号码“{text.strip()}”含有不能识别的字符；{_PHONE_HINT}")
    if main.lstrip().startswith("+") or (len(digits) == 13 and digits.startswith("86")):
        digits = digits[2:] if digits.startswith("86") else digits
    if digits.startswith("0086"):
        digits = digits[4:]
    ext = f"-{extension.strip()}" if extension else ""
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return digits + ext
    if digits[:3] in ("400", "800") and len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) == 5 and digits[0] == "1":   # 12345 and other service lines
        return digits
    if digits.startswith("0"):
        area = 3 if digits[1] in "12" else 4
        local_number = digits[area:]
        if 7 <= len(local_number) <= 8 and local_number[0] != "0":
            return f"{digits[:area]}-{local_number}{ext}"
    elif 7 <= len(digits) <= 8 and digits[0] != "0":
        return digits + ext
    raise PhoneError(f"电话号码“{text.strip()}”位数或格式不对；{_PHONE_HINT}")
