"""Refusals raised by case actions, each with a bilingual message and an HTTP status.

An action raises these for conditions only the database can decide (a race, a state that
moved, a rule of the workflow). They are the project's `ActionError`
(`fengqiao/core/errors.py`), so `fengqiao/api.py` answers them in the standard error shape;
their `errors` list names the field, the current state and the allowed actions.
"""

from __future__ import annotations

from typing import Any

from fengqiao.core.errors import ActionError


class CaseError(ActionError):
    """Base refusal: `http_status` is the status the API answers with (409 by default)."""

    http_status = 409

    def __init__(
        self, detail: str, detail_en: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(self.http_status, detail, detail_en, audit=False)
        self._errors = errors or []

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self._errors


class TransitionRefused(CaseError):
    """The table does not allow this action from the current state (WEB-10)."""

    def __init__(
        self,
        *,
        action_label: str,
        current: str,
        current_label: str,
        allowed: list[tuple[str, str]],
    ) -> None:
        names = "、".join(label for _, label in allowed) or "无"
        super().__init__(
            f"当前状态为「{current_label}」，不能执行「{action_label}」；当前允许的操作：{names}。",
            f"The case is '{current}'; '{action_label}' is not allowed. Allowed actions: "
            + (", ".join(name for name, _ in allowed) or "none")
            + ".",
            [
                {
                    "field": "status",
                    "current": current,
                    "allowed": [name for name, _ in allowed],
                }
            ],
        )
        self.current = current
        self.allowed = [name for name, _ in allowed]


class ConcurrentUpdate(CaseError):
    """The conditional UPDATE matched no row: someone else moved the case first."""

    def __init__(self, *, current_status: str, current_version: int) -> None:
        super().__init__(
            "该事项已被他人更新，请刷新后重试。",
            "The case was changed by someone else; reload and try again.",
            [{"field": "version", "current": current_version, "status": current_status}],
        )


class NotAllowed(CaseError):
    """The actor may see the case but may not perform this action on it."""

    http_status = 403


class Invalid(CaseError):
    """The request is well-formed but breaks a rule of the case (a field-level 422)."""

    http_status = 422


def field_error(field: str, message: str, message_en: str) -> dict[str, Any]:
    return {"field": field, "message": message, "message_en": message_en}
