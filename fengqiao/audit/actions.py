"""Writing audit entries. Every action calls `record` inside its own transaction, so the
business change and its audit row commit or roll back together (AUD-07)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.audit import unmask
from fengqiao.audit.chain import GENESIS, chain_hash
from fengqiao.audit.models import AuditEntry, AuditHead, Outcome
from fengqiao.core.errors import ActionError
from fengqiao.core.middleware import current_request
from fengqiao.core.pii import mask_id_number, mask_phone

P = ParamSpec("P")
R = TypeVar("R")

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


def refusals_audited(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run an action in its own transaction; when it refuses (`ActionError`), write a
    "denied" audit row *after* the rollback, so that the refusal is recorded although the
    action's writes are not (SOD-02, AC-03, AC-07). Plain bad input (400) is not audited unless
    the error asks for it. The action's `actor` must be passed as a keyword (house rule)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        atomic = transaction.atomic(func)

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return atomic(*args, **kwargs)
            except ActionError as exc:
                if exc.audit:
                    record(
                        action,
                        actor=kwargs.get("actor"),
                        object_type=exc.object_type,
                        object_id=exc.object_id,
                        outcome=exc.outcome,
                        reason=exc.detail,
                        data={"code": exc.code, **exc.data},
                    )
                raise

        return wrapper

    return decorate


def _check_unmask_permission(actor: User, object_type: str, object_id: str) -> None:
    if not unmask.unmask_paths(actor):
        raise ActionError(
            403,
            "您无权查看完整个人信息。",
            "You may not unmask personal information.",
            code="no_permission",
            object_type=object_type,
            object_id=object_id,
        )


@refusals_audited("pii.unmask")
def require_unmask_permission(*, actor: User, object_type: str, object_id: str) -> None:
    """PII-02: refuse (403, audited) a user who may not unmask anywhere, before the object is
    looked up, so that the refusal says nothing about whether the object exists."""
    _check_unmask_permission(actor, object_type, object_id)


@refusals_audited("pii.unmask")
def do_unmask(obj: models.Model, field: str, *, actor: User, reason: str) -> str:
    """PII-02: one look at one field of one object, with a permission (`UNMASK_ROLES` in act
    scope), a stated reason and an audit row holding the reason but never the value. Returns
    the plaintext for a single response; more than PII_UNMASK_PER_HOUR per hour is refused."""
    label = obj._meta.label_lower
    reason = reason.strip()
    if not reason:
        raise ActionError(
            400,
            "请填写查看完整信息的事由。",
            "A reason is required.",
            code="required",
            field="reason",
        )
    entry = unmask.lookup(label)
    if entry is None or field not in entry.fields:
        raise ActionError(
            400,
            "该字段不支持查看完整信息。",
            "This field cannot be unmasked.",
            code="not_unmaskable",
            field="field",
        )
    _check_unmask_permission(actor, label, str(obj.pk))
    if not unmask.objects_in_scope(actor, entry).filter(pk=obj.pk).exists():
        raise ActionError(404, "未找到。", "Not found.", code="out_of_scope", target=obj)
    since = timezone.now() - timedelta(hours=1)
    recent = AuditEntry.objects.filter(
        action="pii.unmask", actor_id=actor.pk, outcome=Outcome.SUCCESS, at__gte=since
    ).count()
    if recent >= settings.PII_UNMASK_PER_HOUR:
        raise ActionError(
            429,
            "查看完整信息过于频繁，请稍后再试。",
            "Too many unmask requests; try later.",
            code="rate_limited",
            target=obj,
        )
    fresh = entry.model()._default_manager.get(pk=obj.pk)
    record("pii.unmask", actor=actor, obj=fresh, reason=reason, data={"field": field})
    return str(getattr(fresh, field) or "")
