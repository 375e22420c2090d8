"""AUD-05: signed checkpoints of the audit chain, kept outside the database.

The chain alone cannot catch someone who rewrites the last rows *and* the chain head: SM3
needs no key, so the forger recomputes every hash. A checkpoint names the head at one moment
(`seq`, `hash`, time) and carries an HMAC-SM3 signature under a key the database does not
hold. Checkpoints are appended, one JSON object per line, to `AUDIT_CHECKPOINT_FILE`, which
production ships off the database host. The verifier checks that

- every checkpoint's signature is valid (a forged or edited checkpoint is caught);
- checkpoints never go backwards (each is a prefix of its successor);
- the chain still holds, at each checkpoint's `seq`, the row with the checkpointed hash
  (rewriting or truncating rows covered by a checkpoint is caught).

`write_if_due` runs from the sweep: it writes only when the head moved and the last
checkpoint is at least `AUDIT_CHECKPOINT_MINUTES` old, so two sweeps in a row write once.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from fengqiao.audit.chain import GENESIS
from fengqiao.audit.models import AuditEntry, AuditHead
from fengqiao.core.crypto import development_key, hmac_sm3

TAIL_BYTES = 4096  # several checkpoint lines (about 200 bytes each)

PROBLEMS = {
    "format": "检查点格式错误",
    "signature": "检查点签名无效（检查点被伪造或修改）",
    "order": "检查点倒退（不是前一检查点的延续）",
    "missing": "检查点所指的审计记录已不存在（记录被删除或截断）",
    "rewritten": "检查点所指的审计记录哈希不符（记录被改写）",
}


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at one moment, and the signature over it."""

    seq: int
    hash: str
    at: str
    signature: str = ""

    def payload(self) -> bytes:
        return f"fengqiao-audit-checkpoint|{self.seq}|{self.hash}|{self.at}".encode()


@dataclass(frozen=True)
class CheckpointProblem:
    """The first bad checkpoint (1-based line number) and what is wrong with it."""

    line: int
    kind: str
    seq: int = 0

    def message(self) -> str:
        return f"检查点第 {self.line} 行（审计序号 {self.seq}）：{PROBLEMS[self.kind]}"


def _key() -> bytes:
    if settings.AUDIT_CHECKPOINT_KEY:
        return bytes.fromhex(settings.AUDIT_CHECKPOINT_KEY)
    if settings.DEBUG:
        return development_key("audit-checkpoint.key", size=32)
    raise ImproperlyConfigured("生产环境必须设置 FENGQIAO_AUDIT_CHECKPOINT_KEY")


def sign(checkpoint: Checkpoint) -> Checkpoint:
    signature = hmac_sm3(_key(), checkpoint.payload()).hex()
    return Checkpoint(checkpoint.seq, checkpoint.hash, checkpoint.at, signature)


def _parse(line: str) -> Checkpoint | None:
    try:
        raw = json.loads(line)
        return Checkpoint(int(raw["seq"]), str(raw["hash"]), str(raw["at"]), str(raw["signature"]))
    except (ValueError, KeyError, TypeError):
        return None


def read(path: Path) -> list[Checkpoint | None]:
    """Every line of the file, None for a line that is not a checkpoint."""
    if not path.exists():
        return []
    return [_parse(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _last(path: Path) -> Checkpoint | None:
    """The newest well-formed checkpoint, reading only the file's tail (the sweep runs every
    minute and the file grows for years)."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(max(path.stat().st_size - TAIL_BYTES, 0))
        lines = handle.read().decode("utf-8", errors="replace").splitlines()
    return next((c for c in map(_parse, reversed(lines)) if c is not None), None)


def _append(path: Path, checkpoint: Checkpoint) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(checkpoint), ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def write(path: Path | None = None) -> Checkpoint:
    """Sign the current chain head and append it to the checkpoint file."""
    head = AuditHead.objects.filter(pk=1).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    checkpoint = sign(Checkpoint(seq, head_hash, timezone.now().isoformat()))
    _append(path or settings.AUDIT_CHECKPOINT_FILE, checkpoint)
    return checkpoint


def write_if_due(path: Path | None = None, now: datetime | None = None) -> Checkpoint | None:
    """Write a checkpoint when the head moved and the last one is old enough (sweep)."""
    path = path or settings.AUDIT_CHECKPOINT_FILE
    now = now or timezone.now()
    last = _last(path)
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or (last is not None and last.seq == head.seq):
        return None
    interval = timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES)
    if last is not None and now - datetime.fromisoformat(last.at) < interval:
        return None
    return write(path)


def verify(checkpoints: list[Checkpoint | None]) -> CheckpointProblem | None:
    """The first problem among the checkpoints, checked against the chain in the database."""
    previous: Checkpoint | None = None
    for line, checkpoint in enumerate(checkpoints, start=1):
        if checkpoint is None:
            return CheckpointProblem(line, "format")
        if sign(checkpoint).signature != checkpoint.signature:
            return CheckpointProblem(line, "signature", checkpoint.seq)
        if previous is not None and checkpoint.seq < previous.seq:
            return CheckpointProblem(line, "order", checkpoint.seq)
        if (
            previous is not None
            and checkpoint.seq == previous.seq != 0
            and checkpoint.hash != previous.hash
        ):
            return CheckpointProblem(line, "order", checkpoint.seq)
        if checkpoint.seq > 0:
            stored = AuditEntry.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True)
            row_hash = stored.first()
            if row_hash is None:
                return CheckpointProblem(line, "missing", checkpoint.seq)
            if row_hash != checkpoint.hash:
                return CheckpointProblem(line, "rewritten", checkpoint.seq)
        previous = checkpoint
    return None
