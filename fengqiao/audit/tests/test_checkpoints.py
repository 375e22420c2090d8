"""AUD-05: signed checkpoints kept outside the database catch what the chain alone cannot —
a forger who rewrites the last rows and the head together, a forged or edited checkpoint, a
checkpoint that is not a prefix of its successor — and the sweep writes one only when due."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from fengqiao.audit import checkpoints, triggers
from fengqiao.audit.actions import record
from fengqiao.audit.chain import CHAINED_FIELDS, chain_hash
from fengqiao.audit.models import AuditEntry, AuditHead
from fengqiao.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def cp_file(tmp_path: Path, settings: Any) -> Path:
    settings.AUDIT_CHECKPOINT_KEY = "00112233445566778899aabbccddeeff" * 2
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "off-host" / "checkpoints.jsonl"
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def append(n: int, start: int = 0) -> None:
    for k in range(start, start + n):
        record("probe.cp", object_type="probe", object_id=str(k), data={"k": k})


def rewrite_tail_and_head(k: int) -> None:
    """What someone with write access to the database does: rewrite the last k rows, recompute
    every hash (SM3 has no key) and move the head along. The chain verifies afterwards."""
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = entries[-k - 1].hash
    with triggers.suspended(connection):
        for entry in entries[-k:]:
            row = {name: getattr(entry, name) for name in CHAINED_FIELDS}
            row["reason"] = "已篡改"
            new_hash = chain_hash(prev, row)
            AuditEntry.objects.filter(pk=entry.pk).update(
                reason="已篡改", prev_hash=prev, hash=new_hash
            )
            prev = new_hash
        AuditHead.objects.filter(pk=1).update(hash=prev)


def test_a_checkpoint_is_a_signed_line_in_the_file(cp_file: Path) -> None:
    append(3)
    written = checkpoints.write()
    head = AuditHead.objects.get(pk=1)
    assert (written.seq, written.hash) == (head.seq, head.hash)
    lines = cp_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    stored = json.loads(lines[0])
    assert stored == {
        "seq": head.seq,
        "hash": head.hash,
        "at": written.at,
        "signature": written.signature,
    }
    assert len(written.signature) == 64
    assert checkpoints.verify(checkpoints.read(cp_file)) is None


def test_rewriting_the_tail_and_the_head_is_caught_only_by_the_checkpoint(cp_file: Path) -> None:
    append(5)
    checkpoints.write()
    rewrite_tail_and_head(2)
    assert verify_chain().ok  # the chain alone is fooled
    problem = checkpoints.verify(checkpoints.read(cp_file))
    assert problem is not None
    assert (problem.kind, problem.seq, problem.line) == ("rewritten", 5, 1)


def test_truncating_rows_under_a_checkpoint_is_caught(cp_file: Path) -> None:
    append(4)
    checkpoints.write()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    with triggers.suspended(connection):
        AuditEntry.objects.filter(pk=last.pk).delete()
        previous = AuditEntry.objects.order_by("-seq").first()
        assert previous is not None
        AuditHead.objects.filter(pk=1).update(seq=previous.seq, hash=previous.hash)
    assert verify_chain().ok
    problem = checkpoints.verify(checkpoints.read(cp_file))
    assert problem is not None and problem.kind == "missing"


def test_an_edited_checkpoint_fails_its_signature(cp_file: Path) -> None:
    append(2)
    checkpoints.write()
    rewrite_tail_and_head(1)
    # The forger also "fixes" the checkpoint file, but cannot sign without the key.
    forged = json.loads(cp_file.read_text(encoding="utf-8"))
    forged["hash"] = AuditHead.objects.get(pk=1).hash
    cp_file.write_text(json.dumps(forged) + "\n", encoding="utf-8")
    problem = checkpoints.verify(checkpoints.read(cp_file))
    assert problem is not None and problem.kind == "signature"


def test_a_checkpoint_signed_with_another_key_is_refused(cp_file: Path, settings: Any) -> None:
    append(1)
    checkpoints.write()
    settings.AUDIT_CHECKPOINT_KEY = "ff" * 32
    problem = checkpoints.verify(checkpoints.read(cp_file))
    assert problem is not None and problem.kind == "signature"


def test_a_checkpoint_that_is_not_a_prefix_of_its_successor_is_caught(cp_file: Path) -> None:
    append(3)
    first = checkpoints.write()
    append(2, start=3)
    second = checkpoints.write()
    assert checkpoints.verify(checkpoints.read(cp_file)) is None
    # Successor moved backwards (files spliced from two histories).
    lines = cp_file.read_text(encoding="utf-8").splitlines()
    cp_file.write_text("\n".join([lines[1], lines[0]]) + "\n", encoding="utf-8")
    problem = checkpoints.verify(checkpoints.read(cp_file))
    assert problem is not None and (problem.kind, problem.line) == ("order", 2)
    # Same seq, different hash: two different chains claimed at one point.
    other = checkpoints.sign(checkpoints.Checkpoint(second.seq, "ab" * 32, second.at))
    problem = checkpoints.verify([first, second, other])
    assert problem is not None and (problem.kind, problem.line) == ("order", 3)


def test_garbage_lines_are_reported_not_crashed_on(cp_file: Path) -> None:
    cp_file.parent.mkdir(parents=True)
    cp_file.write_text('{"seq": 1}\nnot json\n', encoding="utf-8")
    found = checkpoints.read(cp_file)
    assert found == [None, None]
    problem = checkpoints.verify(found)
    assert problem is not None and (problem.kind, problem.line) == ("format", 1)


def test_the_sweep_writes_only_when_the_head_moved_and_time_passed(cp_file: Path) -> None:
    now = timezone.now()
    assert checkpoints.write_if_due(now=now) is None  # no audit rows at all yet
    append(1)
    assert checkpoints.write_if_due(now=now) is not None
    assert checkpoints.write_if_due(now=now) is None  # head unchanged
    append(1, start=1)
    assert checkpoints.write_if_due(now=now + timedelta(minutes=1)) is None  # too soon
    assert checkpoints.write_if_due(now=now + timedelta(minutes=10)) is not None
    assert len(checkpoints.read(cp_file)) == 2


def test_verify_audit_command_checks_the_checkpoints(cp_file: Path) -> None:
    append(3)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "未找到检查点" in out.getvalue()
    call_command("audit_checkpoint", stdout=StringIO())
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "检查点一致：1 个" in out.getvalue()
    rewrite_tail_and_head(1)
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", stdout=StringIO())
    assert raised.value.returncode == 1 and "改写" in str(raised.value)
    with pytest.raises(CommandError) as missing:
        call_command("verify_audit", checkpoints=cp_file.parent / "nope.jsonl", stdout=StringIO())
    assert missing.value.returncode == 2


def test_two_sweeps_in_a_row_write_one_checkpoint(cp_file: Path) -> None:
    append(2)
    first, second = StringIO(), StringIO()
    call_command("sweep", stdout=first)
    call_command("sweep", stdout=second)
    assert "audit checkpoint: seq" in first.getvalue()
    assert "audit checkpoint" not in second.getvalue()
    assert len(checkpoints.read(cp_file)) == 1
    assert checkpoints.verify(checkpoints.read(cp_file)) is None
