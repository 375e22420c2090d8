"""Delivering the outbox (REL-04): claim with a conditional UPDATE, deliver, mark delivered.

The outbox is the platform's (`fengqiao.core.models.Outbox`, queued with
`fengqiao.core.outbox.enqueue`); the sweep of this app drains it, and `DatabaseBackend`
writes this app's in-app inbox (`Notification`).

At-least-once: a worker that dies between delivering and marking leaves a claim that expires
after LEASE; the next sweep delivers the row again, and the consumer dedupes by the outbox id
(`Notification.outbox_id` is unique). Failures back off exponentially (1, 2, 4 … minutes, at
most 6 hours) and stop after CASES_OUTBOX_MAX_ATTEMPTS. No real SMS is sent by the shipped
backends: a deployment plugs its gateway in with CASES_OUTBOX_BACKEND.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from fengqiao.cases import conf
from fengqiao.cases.models import Notification
from fengqiao.core.models import Outbox

LEASE = timedelta(minutes=5)
logger = logging.getLogger("fengqiao.cases.outbox")


class Backend(Protocol):
    """Delivers one message; raises on failure. Must tolerate the same message twice."""

    def deliver(self, message: Outbox) -> None: ...


class LoggingBackend:
    """Writes each message to the log (payloads hold ids and masked text only)."""

    def deliver(self, message: Outbox) -> None:
        logger.info(
            "outbox %s %s → %s %s", message.id, message.topic, message.recipient, message.payload
        )


class DatabaseBackend:
    """The in-app inbox: one Notification per outbox id, however often it is delivered."""

    def deliver(self, message: Outbox) -> None:
        Notification.objects.get_or_create(
            outbox_id=message.id,
            defaults={
                "topic": message.topic,
                "recipient": message.recipient,
                "case_id": message.case_id,
                "payload": message.payload,
            },
        )


def backend() -> Backend:
    backend_class = import_string(conf.outbox_backend())
    instance: Backend = backend_class()
    return instance


@dataclass
class Delivery:
    delivered: int = 0
    failed: int = 0


def _claimable(now: datetime) -> Q:
    return Q(delivered_at__isnull=True) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    )


def claim(message_id: uuid.UUID, now: datetime) -> uuid.UUID | None:
    """Claim one row for this worker; None if another worker has it or it is done."""
    token = uuid.uuid4()
    claimed = Outbox.objects.filter(_claimable(now), pk=message_id).update(
        claimed_at=now, claim_token=token, attempts=F("attempts") + 1
    )
    return token if claimed else None


def deliver_pending(*, now: datetime | None = None, limit: int = 1000) -> Delivery:
    """Deliver every due, unclaimed (or abandoned) message once."""
    now = now or timezone.now()
    sender = backend()
    result = Delivery()
    ids = list(
        Outbox.objects.filter(
            _claimable(now), available_at__lte=now, attempts__lt=conf.outbox_max_attempts()
        )
        .order_by("available_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        token = claim(message_id, now)
        if token is None:
            continue
        message = Outbox.objects.get(pk=message_id)
        try:
            sender.deliver(message)
        except Exception as exc:  # a backend failure must not stop the sweep
            backoff = min(timedelta(minutes=2 ** (message.attempts - 1)), timedelta(hours=6))
            Outbox.objects.filter(pk=message_id, claim_token=token).update(
                claimed_at=None,
                claim_token=None,
                available_at=now + backoff,
                last_error=f"{type(exc).__name__}: {exc}"[:300],
            )
            logger.warning("outbox %s delivery failed (attempt %s)", message_id, message.attempts)
            result.failed += 1
            continue
        Outbox.objects.filter(pk=message_id, claim_token=token).update(delivered_at=now)
        result.delivered += 1
    return result
