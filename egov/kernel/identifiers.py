"""Statutory identifiers: resident ID (GB 11643-1999), unified social credit code (GB 32100-2015),
administrative division codes (GB/T 2260) and mainland mobile numbers; plus display masking.

Validators raise ``django.core.exceptions.ValidationError`` with a Chinese message and a stable code.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def resident_id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalize_resident_id(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def validate_resident_id(value: str) -> str:
    """Return the normalised ID or raise with a message that says which part is wrong."""
    number = normalize_resident_id(value)
    if len(number) != 18:
        raise ValidationError("身份证号码应为18位", code="id_length")
    if not _ID_RE.match(number):
        raise ValidationError("身份证号码前17位应为数字，最后一位为数字或X", code="id_format")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期不存在", code="id_birthdate") from None
    if int(number[6:10]) < 1900 or dt.date(int(number[6:10]), 1, 1) > timezone.localdate():
        raise ValidationError("身份证号码中的出生日期不合理", code="id_birthdate")
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号码校验位不正确", code="id_checksum")
    return number


def resident_id_birthdate(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_sex(number: str) -> str:
    """'男' for odd sequence numbers, '女' for even (GB 11643-1999 §5.3)."""
    return "男" if int(number[16]) % 2 else "女"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    code = value.strip().upper().replace(" ", "")
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位", code="uscc_length")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用I、O、S、V、Z）",
            code="uscc_charset",
            params={"chars": "".join(bad)},
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确", code="uscc_checksum")
    return code


def validate_mobile(value: str) -> str:
    number = value.strip().replace(" ", "").replace("-", "")
    if number.startswith("+86"):
        number = number[3:]
    if not _MOBILE_RE.match(number):
        raise ValidationError("手机号码应为11位，以1开头", code="mobile_format")
    return number


def validate_division_code(value: str) -> str:
    code = value.strip()
    if not re.fullmatch(r"\d{6}", code):
        raise ValidationError("行政区划代码应为6位数字", code="division_format")
    return code


def mask(value: str, *, keep_start: int, keep_end: int) -> str:
    """Mask the middle of a value: mask('152201199001011234', keep_start=4, keep_end=4)."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def mask_resident_id(value: str) -> str:
    return mask(value, keep_start=4, keep_end=4)


def mask_mobile(value: str) -> str:
    return mask(value, keep_start=3, keep_end=4)


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name stays, as Chinese government sites show it."""
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)
