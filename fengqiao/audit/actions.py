"""Writing audit entries. Every action calls `record` inside its own transaction, so the
business change and its audit row commit or roll back together (AUD-07)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from fengqiao.audit.chain import GENESIS, chain_hash
from fengqiao.audit.models import AuditEntry, AuditHead, Outcome
from fengqiao.core.middleware import current_request
from fengqiao.core.pii import mask_id_number, mask_phone

# AUD-02: nothing that looks like a phone or ID number reaches the log unmasked.
_ID_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def scrub(value: Any) -> Any:
    """Mask PII-shaped substrings and encode control characters (AUD-02, AUD-10)."""
    if isinstance(value, str):
        value = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), value)
        value = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), value)
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value)
    if isinstance(value, dict):
        return {str(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_name": ""}
    return {"actor_id": actor.pk, "actor_name": scrub(actor.get_username())}


@transaction.atomic
def record(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = Outcome.SUCCESS,
    reason: str = "",
    data: dict[str, Any] | None = None,
    role: str = "",
    region_code: str = "",
) -> AuditEntry:
    """Append one entry to the chain; serialised by locking the chain head."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS}
    )
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    context = current_request.get()
    row: dict[str, Any] = {
        "seq": head.seq + 1,
        "at": timezone.now(),
        **_actor_fields(actor),
        "actor_role": role,
        "actor_region": region_code,
        "ip": context.ip if context else "",
        "user_agent": scrub(context.user_agent) if context else "",
        "request_id": context.request_id if context else "",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": outcome,
        "reason": scrub(reason)[:200],
        "data": scrub(data or {}),
    }
    row["hash"] = chain_hash(head.hash, row)
    entry = AuditEntry.objects.create(prev_hash=head.hash, **row)
    AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry
