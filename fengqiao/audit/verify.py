"""AUD-04: walk the hash chain in `seq` order and report the first bad sequence number.

Each row must have the next sequence number (gapless from 1), carry the previous row's hash as
`prev_hash`, and hash to its stored `hash`. After the last row, the chain head (`AuditHead`)
must name the same sequence number and hash: that comparison is the only thing that detects a
truncated tail, because the rows left behind are themselves intact. An attacker who rewrites
the tail *and* the head goes undetected here; that needs checkpoints kept outside the
database (AUD-05).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fengqiao.audit.chain import CHAINED_FIELDS, GENESIS, chain_hash
from fengqiao.audit.models import AuditEntry, AuditHead

PROBLEMS = {
    "missing": "序号缺失（记录被删除或重新编号）",
    "unexpected": "序号不连续（记录被插入或重新编号）",
    "link": "前序哈希不符（记录被删除、插入或调换）",
    "hash": "内容与哈希不符（记录被修改）",
    "truncated": "链尾缺失（链头记录的序号更大：尾部被截断）",
    "beyond_head": "链尾多出记录（链头未记录：记录被追加）",
    "head": "链头哈希不符",
}


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the chain is broken, and what kind of break it is."""

    seq: int
    kind: str
    detail: str = ""

    @property
    def label(self) -> str:
        return PROBLEMS[self.kind]

    def message(self) -> str:
        extra = f"（{self.detail}）" if self.detail else ""
        return f"审计链第 {self.seq} 条有问题：{self.label}{extra}"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one verification: rows checked, and the first problem if any."""

    count: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


class _Walker:
    def __init__(self) -> None:
        self.expected = 1
        self.prev_hash = GENESIS
        self.count = 0

    def step(self, row: dict[str, Any]) -> ChainProblem | None:
        seq = row["seq"]
        if seq > self.expected:
            return ChainProblem(self.expected, "missing", f"期望 {self.expected}，实为 {seq}")
        if seq < self.expected:
            return ChainProblem(seq, "unexpected", f"期望 {self.expected}")
        if row["prev_hash"] != self.prev_hash:
            return ChainProblem(seq, "link")
        if chain_hash(row["prev_hash"], row) != row["hash"]:
            return ChainProblem(seq, "hash")
        self.expected += 1
        self.prev_hash = row["hash"]
        self.count += 1
        return None


def verify_chain(batch_size: int = 1000) -> ChainReport:
    """Check every row in `seq` order, `batch_size` rows per query (keyset pagination)."""
    walker = _Walker()
    fields = (*CHAINED_FIELDS, "prev_hash", "hash")
    last_seen = -1  # below every valid number, so that a forged row numbered 0 is seen too
    while True:
        rows = list(
            AuditEntry.objects.filter(seq__gt=last_seen)
            .order_by("seq")
            .values(*fields)[:batch_size]
        )
        for row in rows:
            problem = walker.step(row)
            if problem is not None:
                return ChainReport(walker.count, problem)
            last_seen = row["seq"]
        if rows:
            continue
        head = AuditHead.objects.filter(pk=1).first()
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
        # Rows appended after our last read: walk them too, so a live system never looks
        # truncated.
        if head_seq > walker.count and AuditEntry.objects.filter(seq__gt=last_seen).exists():
            continue
        return ChainReport(walker.count, _compare_head(walker, head_seq, head_hash))


def _compare_head(walker: _Walker, head_seq: int, head_hash: str) -> ChainProblem | None:
    last_seq = walker.count
    if head_seq > last_seq:
        return ChainProblem(last_seq + 1, "truncated", f"链头序号 {head_seq}")
    if head_seq < last_seq:
        return ChainProblem(head_seq + 1, "beyond_head", f"链头序号 {head_seq}")
    if head_hash != walker.prev_hash:
        return ChainProblem(last_seq, "head")
    return None
