"""Idempotent creation for the dispute and petition intake endpoints (REL-03), on the cases
engine's Idempotency-Key store: a retry returns the first response; the receipt number is
returned only after the registering transaction has committed (REL-01)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from ninja import Status

from fengqiao.cases import idempotency
from fengqiao.cases.models import Case


def register_once(
    key: str | None,
    *,
    scope: str,
    endpoint: str,
    payload: dict[str, Any],
    create: Callable[[], tuple[Case, dict[str, Any]]],
) -> Status[Any]:
    """Run `create` (which registers in one transaction and returns the case and the response
    body) at most once per key and payload."""
    outcome = idempotency.begin(key, scope=scope, endpoint=endpoint, payload=payload)
    if isinstance(outcome, idempotency.Replay):
        return Status(outcome.status, outcome.body)
    try:
        with transaction.atomic():
            case, body = create()
            idempotency.complete(outcome, status=201, body=body, case=case)
    except BaseException:
        idempotency.abandon(outcome)
        raise
    return Status(201, body)
