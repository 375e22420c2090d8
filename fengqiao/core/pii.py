"""Personal information: validation and masking rules (PII-01, PII-07).

Masking is the default everywhere personal information is shown; unmasking is an audited
action (see `fengqiao.audit.actions.do_unmask`).
"""

from __future__ import annotations

import re
from datetime import date

from fengqiao.core.crypto import provider

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def is_valid_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(value))


def id_check_digit(first17: str) -> str:
    """GB 11643 ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """18-character resident ID: pattern, real birth date and check digit (GB 11643)."""
    value = value.upper()
    if not ID_RE.match(value):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_check_digit(value[:17]) == value[17]


def mask_phone(value: str) -> str:
    """138****5678; shorter numbers keep only their last two digits."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_id_number(value: str) -> str:
    """First 3 and last 4 characters kept (110***********1234)."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张* / 欧阳** : the first character only."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def blind_index(value: str) -> str:
    """A keyed digest that lets us find equal values without decrypting (caller lookup)."""
    normalized = re.sub(r"\s+", "", value).upper()
    return provider().hmac_sm3(normalized.encode("utf-8")).hex()
