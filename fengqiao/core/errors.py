"""The one exception an action raises when it refuses: a status for the API, a bilingual
message, and what the audit row of the refusal should name.

`fengqiao/api.py` turns it into the standard error body; `fengqiao.audit.actions.
refusals_audited` writes the "denied" audit row after the action's transaction rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model


class ActionError(Exception):
    """An action refused: 400 bad input, 403 not allowed, 404 missing or out of scope,
    409 conflict with existing data, 429 too many attempts."""

    def __init__(
        self,
        status: int,
        detail: str,
        detail_en: str,
        *,
        code: str = "",
        field: str = "",
        target: Model | None = None,
        object_type: str = "",
        object_id: str = "",
        data: dict[str, Any] | None = None,
        audit: bool | None = None,
        outcome: str = "denied",
    ) -> None:
        super().__init__(detail_en)
        self.status = status
        self.detail = detail
        self.detail_en = detail_en
        self.code = code
        self.field = field
        self.object_type = target._meta.label_lower if target is not None else object_type
        self.object_id = str(target.pk) if target is not None else object_id
        self.data = data or {}
        # Refusals are audited ("denied"); plain bad input (400) only when asked for.
        self.audit = status != 400 if audit is None else audit
        self.outcome = outcome

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Per-field errors in the API's shape (empty when the refusal is not about a field)."""
        if not self.field:
            return []
        return [{"field": self.field, "message": self.detail, "type": self.code}]
