"""Settings of the cases app, each overridable in Django settings or by a FENGQIAO_* variable.

| setting | default | meaning |
|---|---|---|
| CASES_ATTACHMENT_MAX_BYTES | 10 MiB | largest accepted upload (413 above) |
| CASES_ATTACHMENTS_PER_CASE | 30 | most files on one case |
| CASES_ATTACHMENT_DIR | DATA_DIR/attachments | where files live (never under a web root) |
| CASES_IDEMPOTENCY_TTL_HOURS | 48 | how long an Idempotency-Key is remembered (REL-03: ≥ 24) |
| CASES_IDEMPOTENCY_STALE_SECONDS | 300 | an in-flight key older than this was left by a crash |
| CASES_PUBLIC_RATE | 10/60 | requests per IP (and phone) per N-second window (WEB-08) |
| CASES_DUPLICATE_WINDOW_DAYS | 7 | "possible duplicates" look this far either side in time |
| CASES_DUPLICATE_RADIUS_M | 500 | … and this close in space when both have a GPS point |
| CASES_DUPLICATE_MIN_SIMILARITY | 0.25 | … and at least this bigram-Jaccard text similarity |
| CASES_OUTBOX_BACKEND | fengqiao.cases.outbox.DatabaseBackend | delivery backend class |
| CASES_OUTBOX_MAX_ATTEMPTS | 10 | give up (and log) after this many failed deliveries |
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.getenv(f"FENGQIAO_{name}", str(default))
    return int(value)


def _float(name: str, default: float) -> float:
    value = getattr(settings, name, None)
    if value is None:
        value = os.getenv(f"FENGQIAO_{name}", str(default))
    return float(value)


def _str(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.getenv(f"FENGQIAO_{name}", default)
    return str(value)


def attachment_max_bytes() -> int:
    return _int("CASES_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def attachments_per_case() -> int:
    return _int("CASES_ATTACHMENTS_PER_CASE", 30)


def attachment_dir() -> Path:
    return Path(_str("CASES_ATTACHMENT_DIR", str(Path(settings.DATA_DIR) / "attachments")))


def idempotency_ttl_hours() -> int:
    return max(_int("CASES_IDEMPOTENCY_TTL_HOURS", 48), 24)


def idempotency_stale_seconds() -> int:
    return _int("CASES_IDEMPOTENCY_STALE_SECONDS", 300)


def public_rate() -> tuple[int, int]:
    count, _, window = _str("CASES_PUBLIC_RATE", "10/60").partition("/")
    return int(count), int(window or "60")


def duplicate_window_days() -> int:
    return _int("CASES_DUPLICATE_WINDOW_DAYS", 7)


def duplicate_radius_m() -> float:
    return _float("CASES_DUPLICATE_RADIUS_M", 500.0)


def duplicate_min_similarity() -> float:
    return _float("CASES_DUPLICATE_MIN_SIMILARITY", 0.25)


def outbox_backend() -> str:
    return _str("CASES_OUTBOX_BACKEND", "fengqiao.cases.outbox.DatabaseBackend")


def outbox_max_attempts() -> int:
    return _int("CASES_OUTBOX_MAX_ATTEMPTS", 10)
