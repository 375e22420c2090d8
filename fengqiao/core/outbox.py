"""Queueing a side effect in the platform outbox (REL-04), for any app.

`enqueue` inserts an `Outbox` row in the caller's transaction: a rollback leaves nothing, a
commit leaves a row that the sweep delivers (`fengqiao.cases.outbox.deliver_pending`, run by
`fengqiao sweep`). Payloads hold ids and masked text only, never PII or secrets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from fengqiao.core.models import Outbox


def enqueue(
    topic: str,
    *,
    recipient: str,
    payload: dict[str, Any] | None = None,
    available_at: datetime | None = None,
    case_id: int | None = None,
) -> Outbox:
    """Queue one message in the current transaction (due now unless `available_at`)."""
    return Outbox.objects.create(
        topic=topic,
        case_id=case_id,
        recipient=recipient,
        payload=payload or {},
        available_at=available_at or timezone.now(),
    )
