from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from fengqiao.audit.actions import record
from fengqiao.audit.chain import GENESIS, chain_hash
from fengqiao.audit.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_entries_chain_and_mask_pii() -> None:
    first = record("case.create", data={"phone": "13812345678", "note": "身份证110101199003071234"})
    second = record("case.dispatch", object_type="case", object_id="7")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert first.data == {"phone": "138****5678", "note": "身份证110***********1234"}
    row: dict[str, Any] = dict(AuditEntry.objects.values().get(seq=2))
    assert chain_hash(row["prev_hash"], row) == row["hash"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"]
)
def test_audit_table_is_append_only(sql: str) -> None:
    record("login.success")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.filter(action="login.success").count() == 1


@pytest.mark.django_db(transaction=True)
def test_audit_rolls_back_with_the_business_change() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record("case.create")
        raise RuntimeError("business write failed")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_leaves_the_triggers_in_place_a() -> None:
    record("first")


@pytest.mark.django_db
def test_a_transactional_test_leaves_the_triggers_in_place_b() -> None:
    """Runs after the transactional test above: the triggers must still refuse updates."""
    record("second")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'x'")
