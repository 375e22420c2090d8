"""Model fields that keep personal information encrypted at rest (SM4-GCM)."""

from __future__ import annotations

import base64
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from fengqiao.core.crypto import provider


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores base64(SM4-GCM(value)); reads back the plaintext. Not searchable: pair it with
    a blind-index column (`fengqiao.core.pii.blind_index`) where equality lookups are needed."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        token = provider().encrypt(str(value).encode("utf-8"))
        return base64.b64encode(token).decode("ascii")

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return provider().decrypt(base64.b64decode(value)).decode("utf-8")
