"""AUD-02/AUD-10 scrubbing as a property, request context in entries, the canonical form the
chain hashes, and `refusals_audited` (a refusal is recorded although its writes roll back)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.audit.actions import record, refusals_audited, scrub
from fengqiao.audit.chain import GENESIS, canonical_bytes, chain_hash
from fengqiao.audit.models import AuditEntry
from fengqiao.core.errors import ActionError
from fengqiao.core.middleware import RequestContext, current_request
from fengqiao.core.pii import id_check_digit

mobiles = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
first17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(st.text(max_size=20), mobiles, st.text(max_size=20))
def test_no_mobile_survives_scrubbing(before: str, phone: str, after: str) -> None:
    text = f"{before} {phone} {after}"
    assert phone not in scrub(text)
    assert phone not in str(scrub({"nested": [text, {"deeper": (text,)}]}))


@given(first17)
def test_no_id_number_survives_scrubbing(digits: str) -> None:
    number = digits + id_check_digit(digits)
    scrubbed = scrub(f"身份证号{number}。")
    assert number not in scrubbed and scrubbed.startswith("身份证号" + number[:3])


def test_longer_digit_runs_and_other_values_are_left_alone() -> None:
    assert scrub("订单号 138123456789012") == "订单号 138123456789012"
    assert scrub(42) == 42 and scrub(None) is None and scrub(True) is True
    assert scrub("line\nbreak\x7f") == "line\\x0abreak\\x7f"
    assert scrub({1: "a"}) == {"1": "a"}


def test_canonical_form_is_stable_and_order_free() -> None:
    row = {
        "seq": 1,
        "at": datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
        "actor_id": None,
        "actor_name": "",
        "actor_role": "",
        "actor_region": "",
        "ip": "",
        "user_agent": "",
        "request_id": "",
        "action": "x",
        "object_type": "",
        "object_id": "",
        "outcome": "success",
        "reason": "原因",
        "data": {"b": 2, "a": 1},
        "not_chained": "ignored",
    }
    text = canonical_bytes(row).decode("utf-8")
    assert text.startswith('{"action":"x","actor_id":null')
    assert '"at":"2026-11-24T08:00:00+00:00"' in text and "原因" in text
    assert '"data":{"a":1,"b":2}' in text and "not_chained" not in text
    as_string = dict(row, at="2026-11-24T08:00:00+00:00")
    assert canonical_bytes(as_string) == canonical_bytes(row)
    assert chain_hash(GENESIS, row) != chain_hash("f" * 64, row)
    assert len(chain_hash(GENESIS, row)) == 64


@pytest.mark.django_db
def test_entries_carry_the_request_context() -> None:
    token = current_request.set(RequestContext("req-1", "10.0.0.8", "phone 13812345678"))
    try:
        entry = record("thing.view", data={"k": "v"})
    finally:
        current_request.reset(token)
    assert (entry.request_id, entry.ip) == ("req-1", "10.0.0.8")
    assert entry.user_agent == "phone 138****5678"
    assert entry.actor_id is None and entry.actor_name == ""


@refusals_audited("thing.change")
def do_change_or_refuse(*, actor: User, refuse_with: int) -> None:
    User.objects.filter(pk=actor.pk).update(first_name="changed")
    record("thing.change", actor=actor)
    if refuse_with:
        raise ActionError(
            refuse_with, "不允许。", "Not allowed.", code="nope", object_type="t", object_id="7"
        )


@pytest.mark.django_db
def test_a_refusal_rolls_back_the_writes_but_is_recorded() -> None:
    actor = User.objects.create_user("actor", password="x")
    with pytest.raises(ActionError):
        do_change_or_refuse(actor=actor, refuse_with=403)
    actor.refresh_from_db()
    assert actor.first_name == ""
    entry = AuditEntry.objects.get(action="thing.change")
    assert (entry.outcome, entry.object_type, entry.object_id) == ("denied", "t", "7")
    assert entry.reason == "不允许。" and entry.data == {"code": "nope"}


@pytest.mark.django_db
def test_plain_bad_input_is_not_audited_and_success_is() -> None:
    actor = User.objects.create_user("actor", password="x")
    with pytest.raises(ActionError):
        do_change_or_refuse(actor=actor, refuse_with=400)
    assert not AuditEntry.objects.filter(action="thing.change").exists()
    do_change_or_refuse(actor=actor, refuse_with=0)
    assert AuditEntry.objects.get(action="thing.change").outcome == "success"
