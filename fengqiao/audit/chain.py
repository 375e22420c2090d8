"""Canonical bytes and hashing of audit rows, shared by the writer and the verifier."""

from __future__ import annotations

import json
from typing import Any

from fengqiao.core.crypto import sm3

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_region",
    "ip",
    "user_agent",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "data",
)


def canonical_bytes(row: dict[str, Any]) -> bytes:
    payload = {name: row[name] for name in CHAINED_FIELDS}
    at = payload["at"]
    payload["at"] = at if isinstance(at, str) else at.isoformat()
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def chain_hash(prev_hash: str, row: dict[str, Any]) -> str:
    return sm3(bytes.fromhex(prev_hash) + canonical_bytes(row)).hex()
