"""AUD-04: tamper probes against the hash chain (transparency-dev style). Every probe lifts
the append-only triggers with `triggers.suspended` for its tampering only, on whichever
database the suite runs (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fengqiao.audit import triggers
from fengqiao.audit.actions import record
from fengqiao.audit.chain import GENESIS, chain_hash
from fengqiao.audit.models import AuditEntry, AuditHead
from fengqiao.audit.verify import ChainReport, verify_chain

pytestmark = pytest.mark.django_db

ROWS = 6


@pytest.fixture
def chain() -> list[AuditEntry]:
    return [
        record(
            f"probe.{n}",
            object_type="probe",
            object_id=str(n),
            reason=f"第 {n} 条",
            data={"n": n, "nested": {"k": [n, "v"]}},
        )
        for n in range(1, ROWS + 1)
    ]


def tamper(change: Callable[[], Any]) -> ChainReport:
    with triggers.suspended(connection):
        change()
    return verify_chain(batch_size=2)  # small batches: the walk crosses batch borders


def rows(**where: Any) -> Any:
    return AuditEntry.objects.filter(**where)


def test_untouched_chain_passes(chain: list[AuditEntry]) -> None:
    report = verify_chain(batch_size=2)
    assert report.ok and report.count == ROWS


def test_empty_chain_passes() -> None:
    assert verify_chain().ok


# A changed value of the right type for every stored field but the surrogate key `id`
# (storage only: neither chained nor used for order, so changing it changes no record).
CHANGES: dict[str, Any] = {
    "seq": 99,
    "at": lambda e: e.at + timedelta(microseconds=1),
    "actor_id": 42,
    "actor_name": "mallory",
    "actor_role": "system_admin",
    "actor_region": "620000000000",
    "ip": "10.0.0.1",
    "user_agent": "curl",
    "request_id": "r-1",
    "action": "probe.other",
    "object_type": "case",
    "object_id": "999",
    "outcome": "denied",
    "reason": "改过",
    "data": {"n": 0},
    "prev_hash": "f" * 64,
    "hash": "e" * 64,
}


def test_every_field_is_covered_by_a_probe() -> None:
    stored = {f.attname for f in AuditEntry._meta.concrete_fields} - {"id"}
    assert stored == set(CHANGES)


@pytest.mark.parametrize("field", sorted(CHANGES))
@pytest.mark.parametrize("target", [1, 3, ROWS])
def test_changing_any_field_of_any_row_is_detected(
    chain: list[AuditEntry], field: str, target: int
) -> None:
    entry = chain[target - 1]
    value = CHANGES[field]
    value = value(entry) if callable(value) else value
    report = tamper(lambda: rows(seq=target).update(**{field: value}))
    assert report.problem is not None
    assert report.problem.seq == target
    assert report.count == target - 1


def test_deleting_a_middle_row_is_detected(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: rows(seq=3).delete())
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, "missing")


def test_deleting_the_first_row_is_detected(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: rows(seq=1).delete())
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (1, "missing")


def test_deleting_and_renumbering_to_close_the_gap_is_detected(chain: list[AuditEntry]) -> None:
    def delete_and_close_gap() -> None:
        rows(seq=3).delete()
        for seq in range(4, ROWS + 1):
            rows(seq=seq).update(seq=seq - 1)
        AuditHead.objects.filter(pk=1).update(seq=ROWS - 1, hash=chain[-1].hash)

    report = tamper(delete_and_close_gap)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (3, "link")


def _forge(seq: int, prev_hash: str) -> None:
    row: dict[str, Any] = {
        "seq": seq,
        "at": chain_at(),
        "actor_id": None,
        "actor_name": "",
        "actor_role": "",
        "actor_region": "",
        "ip": "",
        "user_agent": "",
        "request_id": "",
        "action": "forged",
        "object_type": "",
        "object_id": "",
        "outcome": "success",
        "reason": "",
        "data": {},
    }
    # The forger computes a correct hash for the row itself: SM3 needs no key.
    AuditEntry.objects.create(prev_hash=prev_hash, hash=chain_hash(prev_hash, row), **row)


def chain_at() -> Any:
    return AuditEntry.objects.order_by("seq").first().at  # type: ignore[union-attr]


def test_inserting_a_row_in_the_middle_is_detected(chain: list[AuditEntry]) -> None:
    def insert_at_3() -> None:
        for seq in range(ROWS, 2, -1):
            rows(seq=seq).update(seq=seq + 1)
        _forge(3, chain[1].hash)

    report = tamper(insert_at_3)
    # The forged row itself is consistent; the row after it no longer links.
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (4, "link")


def test_inserting_a_row_numbered_zero_is_detected(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: _forge(0, GENESIS))
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (0, "unexpected")


def test_appending_a_row_without_the_head_is_detected(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: _forge(ROWS + 1, chain[-1].hash))
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (ROWS + 1, "beyond_head")


def test_swapping_two_rows_is_detected(chain: list[AuditEntry]) -> None:
    def swap() -> None:
        rows(seq=2).update(seq=1000)
        rows(seq=5).update(seq=2)
        rows(seq=1000).update(seq=5)

    report = tamper(swap)
    assert report.problem is not None
    assert report.problem.seq == 2


def test_renumbering_seq_is_detected(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: rows(seq__gte=4).update(seq=connection_safe_shift()))
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (4, "missing")


def connection_safe_shift() -> Any:
    from django.db.models import F

    return F("seq") + 1_000_000  # far above every number in use: no unique clash mid-update


def test_renumbering_the_whole_chain_is_detected(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: rows().update(seq=connection_safe_shift()))
    assert report.problem is not None
    assert report.problem.seq == 1


def test_truncating_the_tail_is_detected_against_the_head(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: rows(seq__gt=ROWS - 2).delete())
    # The remaining rows are intact: only the head shows that two are gone.
    assert report.count == ROWS - 2
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (ROWS - 1, "truncated")


def test_truncating_everything_is_detected(chain: list[AuditEntry]) -> None:
    report = tamper(lambda: rows().delete())
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (1, "truncated")


def test_changing_the_head_hash_is_detected(chain: list[AuditEntry]) -> None:
    AuditHead.objects.filter(pk=1).update(hash="0" * 64)
    report = verify_chain()
    assert report.problem is not None and report.problem.kind == "head"


def test_rows_appended_during_the_walk_are_walked(
    chain: list[AuditEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A live system appends while the verifier runs: that must not look like truncation.
    real = AuditHead.objects.filter
    appended: list[bool] = []

    def filter_then_append(*args: Any, **kwargs: Any) -> Any:
        if not appended:
            appended.append(True)
            record("late.arrival")  # record() itself uses filter(): the flag stops recursion
        return real(*args, **kwargs)

    monkeypatch.setattr(AuditHead.objects, "filter", filter_then_append)
    report = verify_chain()
    assert report.ok and report.count == ROWS + 1


def test_command_reports_success(chain: list[AuditEntry]) -> None:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().splitlines()[0] == f"审计链完整：{ROWS} 条"


def test_command_fails_with_exit_code_1_and_the_first_bad_seq(chain: list[AuditEntry]) -> None:
    with triggers.suspended(connection):
        rows(seq=4).update(reason="改过")
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit", "--batch-size", "3")
    assert caught.value.returncode == 1
    assert "审计链第 4 条有问题" in str(caught.value)
    assert "内容与哈希不符" in str(caught.value)
