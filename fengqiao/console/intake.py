"""Registering cases from console forms: the operator's intake, the grid worker's phone report
and the citizen portal.

The form data is turned into the cases API's own request schema and checked by its
validators (`cases.api.validate`), so the console accepts exactly what the API accepts and
reports the same per-field Chinese messages. Registration runs once per idempotency key
(REL-03, `cases.idempotency`): the key is made when the page is rendered, travels in the form,
and a retry with the same key answers the case registered by the first attempt.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction
from pydantic import ValidationError

from fengqiao.api import ApiError
from fengqiao.cases import idempotency
from fengqiao.cases.actions import Registered
from fengqiao.cases.models import Case
from fengqiao.core.errors import ActionError

# API field name → console form field name
FIELD_MAP = {
    "region_code": "region",
    "category_code": "category",
    "parties.0.phone": "phone",
    "parties.0.name": "name",
    "parties.0.id_number": "id_number",
    "phone": "phone",
    "name": "name",
    "description": "description",
    "latitude": "latitude",
    "longitude": "longitude",
    "address": "address",
    "received_at": "received_at",
    "file": "photo",
}

PYDANTIC_MESSAGES = {
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "missing": "请填写此项",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "decimal_max_places": "小数位过多",
    "decimal_parsing": "请输入数字",
    "enum": "取值无效",
}


KEY_REUSED = "这份表单已经提交过。如要登记另一件诉求，请重新打开登记页面填写。"


def new_key() -> str:
    """A fresh idempotency key, made when the form is rendered (before the first try)."""
    return str(uuid.uuid4())


def apply_api_errors(form: forms.Form, errors: list[dict[str, Any]], detail: str = "") -> None:
    """Put the API's per-field messages on the form's fields (unknown fields: non-field)."""
    placed = False
    for item in errors:
        name = FIELD_MAP.get(str(item.get("field", "")))
        message = str(item.get("message") or detail or "输入有误")
        if item.get("field") == idempotency.HEADER and "不一致" in message:
            message = KEY_REUSED  # same form sent again with other content
        if name and name in form.fields:
            form.add_error(name, message)
            placed = True
        elif message:
            form.add_error(None, message)
            placed = True
    if not placed and detail:
        form.add_error(None, detail)


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    for item in exc.errors():
        loc = ".".join(str(part) for part in item["loc"])
        name = FIELD_MAP.get(loc)
        message = PYDANTIC_MESSAGES.get(str(item["type"]), "输入有误")
        if name and name in form.fields:
            form.add_error(name, message)
        else:
            form.add_error(None, f"{loc}：{message}")


@dataclass(frozen=True)
class Outcome:
    """A registration's result: the case and, on the first run, the citizen's code."""

    case: Case
    verification_code: str
    replayed: bool


def register_once(
    key: str,
    *,
    scope: str,
    endpoint: str,
    payload: dict[str, Any],
    register: Callable[[], Registered],
) -> Outcome:
    """Run `register` once per key; a retry returns the first run's case.

    Raises ApiError (bad key 400, same key other payload 422, still running 409) and the
    action's own refusals; nothing is kept when the registration fails (the key is freed)."""
    ticket = idempotency.begin(key, scope=scope, endpoint=endpoint, payload=payload)
    if isinstance(ticket, idempotency.Replay):
        case = Case.objects.get(pk=ticket.body["id"])
        return Outcome(case, str(ticket.body.get("verification_code", "")), replayed=True)
    try:
        with transaction.atomic():
            registered = register()
            body = {
                "id": registered.case.pk,
                "receipt_no": registered.case.receipt_no,
                "verification_code": registered.verification_code,
            }
            idempotency.complete(ticket, status=201, body=body, case=registered.case)
    except BaseException:
        idempotency.abandon(ticket)
        raise
    return Outcome(registered.case, registered.verification_code, replayed=False)


def refusal(exc: Exception) -> tuple[int, str, list[dict[str, Any]]]:
    """Status, Chinese message and field errors of an API or action refusal."""
    if isinstance(exc, ApiError):
        body: dict[str, Any] = exc.body
        return exc.status_code, str(body.get("detail", "")), list(body.get("errors", []))
    if isinstance(exc, ActionError):
        return exc.status, exc.detail, list(exc.errors)
    raise exc
