"""REL-03: idempotent creation with the `Idempotency-Key` header.

1. `begin` validates the header (a UUID; missing → 400), fingerprints the payload and inserts
   an in-flight row in its own short transaction, so a concurrent duplicate sees it at once.
   An existing row answers instead: same payload and done → the stored response (replay);
   different payload → 422; still in flight → 409. A key older than the retention period
   (CASES_IDEMPOTENCY_TTL_HOURS, ≥ 24 h) is forgotten and the request runs as new.
2. The caller runs the business transaction and calls `complete` inside it, so the case and
   the stored response commit together; the response is returned only after that commit
   (REL-01). On failure `abandon` deletes the in-flight row so the client may retry.
3. An in-flight row older than CASES_IDEMPOTENCY_STALE_SECONDS was left by a crashed worker;
   a retry takes it over.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fengqiao.api import ApiError
from fengqiao.cases import conf
from fengqiao.cases.models import Case, IdempotencyKey, KeyState

HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Ticket:
    """Permission to run the request once under this key."""

    row_id: int


@dataclass(frozen=True)
class Replay:
    """The stored response of an earlier, completed request with the same key and payload."""

    status: int
    body: dict[str, Any]


def fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_key(raw: str | None) -> uuid.UUID:
    if not raw:
        raise ApiError(
            400,
            "缺少 Idempotency-Key 请求头（UUID），重试时请使用同一个值。",
            "The Idempotency-Key header (a UUID) is required.",
            [{"field": HEADER, "message": "必填", "message_en": "required"}],
        )
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise ApiError(
            400,
            "Idempotency-Key 须为 UUID 格式。",
            "Idempotency-Key must be a UUID.",
            [{"field": HEADER, "message": "须为 UUID", "message_en": "must be a UUID"}],
        ) from None


def begin(
    raw_key: str | None, *, scope: str, endpoint: str, payload: dict[str, Any]
) -> Ticket | Replay:
    key = parse_key(raw_key)
    digest = fingerprint(payload)
    now = timezone.now()
    lookup = {"scope": scope[:80], "endpoint": endpoint, "key": key}
    IdempotencyKey.objects.filter(
        **lookup, created_at__lt=now - timedelta(hours=conf.idempotency_ttl_hours())
    ).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(**lookup, fingerprint=digest, created_at=now)
        return Ticket(row.pk)
    except IntegrityError:
        pass
    existing = IdempotencyKey.objects.filter(**lookup).first()
    if existing is None:
        raise _in_flight()
    if existing.fingerprint != digest:
        raise ApiError(
            422,
            "同一个 Idempotency-Key 已用于内容不同的请求。",
            "This Idempotency-Key was used with a different payload.",
            [
                {
                    "field": HEADER,
                    "message": "与先前请求内容不一致",
                    "message_en": "payload mismatch",
                }
            ],
        )
    if existing.state == KeyState.DONE:
        return Replay(existing.response_status or 200, json.loads(existing.response_body or "{}"))
    stale = now - timedelta(seconds=conf.idempotency_stale_seconds())
    if existing.created_at < stale and IdempotencyKey.objects.filter(
        pk=existing.pk, state=KeyState.IN_FLIGHT, created_at=existing.created_at
    ).update(created_at=now):
        return Ticket(existing.pk)
    raise _in_flight()


def _in_flight() -> ApiError:
    return ApiError(
        409,
        "相同的请求正在处理中，请稍后用同一个 Idempotency-Key 重试。",
        "A request with this Idempotency-Key is still in progress; retry later.",
    )


def complete(ticket: Ticket, *, status: int, body: dict[str, Any], case: Case | None) -> None:
    """Store the response; call inside the business transaction."""
    IdempotencyKey.objects.filter(pk=ticket.row_id).update(
        state=KeyState.DONE,
        response_status=status,
        # update() runs the field's get_prep_value: the body is encrypted at rest.
        response_body=json.dumps(body, ensure_ascii=False, default=str),
        case=case,
        completed_at=timezone.now(),
    )


def abandon(ticket: Ticket) -> None:
    """The request failed: forget the key so that a retry runs afresh."""
    IdempotencyKey.objects.filter(pk=ticket.row_id, state=KeyState.IN_FLIGHT).delete()
