"""AUTH-02: the 等保 password profile (length and at least three of four character classes)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError

MAX_LENGTH = 128


class DengbaoPasswordValidator:
    def __init__(self, min_length: int = 12, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码至少 {self.min_length} 位。", code="password_too_short")
        if len(password) > MAX_LENGTH:
            raise ValidationError(f"密码不能超过 {MAX_LENGTH} 位。", code="password_too_long")
        classes = sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() or c in string.punctuation for c in password),
            )
        )
        if classes < self.min_classes:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号中的至少三类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 位，包含大写字母、小写字母、数字、符号中的至少三类。"
