"""The plumbing modules on their own: idempotency keys, rate limits, the outbox relay,
attachment bytes, receipt numbers."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.api import ApiError
from fengqiao.cases import files, idempotency, outbox, ratelimit
from fengqiao.cases.actions.intake import code_hash, next_receipt_no
from fengqiao.cases.models import IdempotencyKey, KeyState, Notification, ReceiptCounter
from fengqiao.cases.tests.conftest import Units
from fengqiao.cases.workflow import Kind
from fengqiao.core.models import Outbox

# ------------------------------------------------------------------ idempotency


@given(st.dictionaries(st.text(max_size=5), st.integers(), max_size=5))
def test_fingerprint_ignores_key_order(payload: dict[str, int]) -> None:
    reordered = dict(reversed(list(payload.items())))
    assert idempotency.fingerprint(payload) == idempotency.fingerprint(reordered)


def test_fingerprint_sees_every_value() -> None:
    assert idempotency.fingerprint({"a": 1}) != idempotency.fingerprint({"a": 2})
    assert idempotency.fingerprint({"a": "噪声"}) != idempotency.fingerprint({"a": "噪音"})


@pytest.mark.parametrize("raw", [None, "", "abc", "1234", "g" * 32])
def test_parse_key_refuses(raw: str | None) -> None:
    with pytest.raises(ApiError) as error:
        idempotency.parse_key(raw)
    assert error.value.status_code == 400
    assert error.value.body["errors"][0]["field"] == "Idempotency-Key"


def test_parse_key_accepts_any_uuid_spelling() -> None:
    key = uuid.uuid4()
    assert idempotency.parse_key(str(key).upper()) == key
    assert idempotency.parse_key(f" {key.hex} ") == key


@pytest.mark.django_db
def test_ticket_lifecycle() -> None:
    key, payload = str(uuid.uuid4()), {"x": 1}
    ticket = idempotency.begin(key, scope="user:1", endpoint="e", payload=payload)
    assert isinstance(ticket, idempotency.Ticket)
    row = IdempotencyKey.objects.get()
    assert row.state == KeyState.IN_FLIGHT and row.response_body == ""
    with pytest.raises(ApiError) as busy:
        idempotency.begin(key, scope="user:1", endpoint="e", payload=payload)
    assert busy.value.status_code == 409
    # another endpoint or scope is another key
    assert isinstance(
        idempotency.begin(key, scope="user:2", endpoint="e", payload=payload), idempotency.Ticket
    )
    assert isinstance(
        idempotency.begin(key, scope="user:1", endpoint="f", payload=payload), idempotency.Ticket
    )
    idempotency.complete(ticket, status=201, body={"ok": "是"}, case=None)
    replay = idempotency.begin(key, scope="user:1", endpoint="e", payload=payload)
    assert isinstance(replay, idempotency.Replay)
    assert (replay.status, replay.body) == (201, {"ok": "是"})


@pytest.mark.django_db
def test_abandon_only_forgets_in_flight_rows() -> None:
    key = str(uuid.uuid4())
    ticket = idempotency.begin(key, scope="s", endpoint="e", payload={})
    assert isinstance(ticket, idempotency.Ticket)
    idempotency.abandon(ticket)
    assert not IdempotencyKey.objects.exists()
    again = idempotency.begin(key, scope="s", endpoint="e", payload={})
    assert isinstance(again, idempotency.Ticket)
    idempotency.complete(again, status=201, body={}, case=None)
    idempotency.abandon(again)  # a completed key is kept
    assert IdempotencyKey.objects.get().state == KeyState.DONE


# ------------------------------------------------------------------ rate limits


def test_fixed_window_resets(settings: Any) -> None:
    settings.CASES_PUBLIC_RATE = "2/60"
    start = dt.datetime(2026, 5, 6, 10, 0, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ratelimit.hit("t")
        ratelimit.hit("t")
        with pytest.raises(ratelimit.RateLimited) as limited:
            ratelimit.hit("t")
        assert limited.value.retry_after == 59
        ratelimit.hit("other")  # buckets are independent
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        ratelimit.hit("t")  # a new window


# ------------------------------------------------------------------ outbox


@pytest.mark.django_db
def test_claim_is_exclusive_until_the_lease_expires() -> None:
    now = timezone.now()
    message = Outbox.objects.create(topic="t", recipient="r", available_at=now)
    first = outbox.claim(message.pk, now)
    assert first is not None
    assert outbox.claim(message.pk, now + dt.timedelta(minutes=1)) is None
    second = outbox.claim(message.pk, now + outbox.LEASE + dt.timedelta(seconds=1))
    assert second is not None and second != first
    assert Outbox.objects.get(pk=message.pk).attempts == 2


@pytest.mark.django_db
def test_delivered_rows_are_never_claimed_again() -> None:
    now = timezone.now()
    message = Outbox.objects.create(topic="t", recipient="r", available_at=now)
    assert outbox.deliver_pending(now=now).delivered == 1
    assert outbox.claim(message.pk, now + dt.timedelta(days=1)) is None
    assert outbox.deliver_pending(now=now + dt.timedelta(days=1)).delivered == 0
    assert Notification.objects.get(outbox_id=message.pk).topic == "t"


@pytest.mark.django_db
def test_delivery_stops_after_max_attempts(settings: Any) -> None:
    settings.CASES_OUTBOX_BACKEND = "fengqiao.cases.tests.test_sweep.Broken"
    settings.CASES_OUTBOX_MAX_ATTEMPTS = 2
    now = timezone.now()
    message = Outbox.objects.create(topic="t", recipient="r", available_at=now)
    assert outbox.deliver_pending(now=now).failed == 1
    row = Outbox.objects.get(pk=message.pk)
    assert row.available_at == now + dt.timedelta(minutes=1)  # 1, 2, 4 … minutes
    assert outbox.deliver_pending(now=now + dt.timedelta(minutes=1)).failed == 1
    assert Outbox.objects.get(pk=message.pk).available_at == now + dt.timedelta(minutes=3)
    # the third try never happens: the row waits for an operator
    assert outbox.deliver_pending(now=now + dt.timedelta(hours=1)).failed == 0
    assert Outbox.objects.get(pk=message.pk).attempts == 2


@pytest.mark.django_db
def test_database_backend_dedupes() -> None:
    message = Outbox.objects.create(topic="t", recipient="r", available_at=timezone.now())
    backend = outbox.DatabaseBackend()
    backend.deliver(message)
    backend.deliver(message)
    assert Notification.objects.filter(outbox_id=message.pk).count() == 1


# ------------------------------------------------------------------ attachment bytes


def test_jpeg_strip_keeps_everything_but_app1_and_comments() -> None:
    app0 = b"\xff\xe0\x00\x04ab"
    app1 = b"\xff\xe1\x00\x06Exif"
    dqt = b"\xff\xdb\x00\x03q"
    scan = b"\xff\xda\x00\x03s" + b"\x01\x02\xff\xd9"
    data = b"\xff\xd8" + app0 + app1 + dqt + b"\xff\xfe\x00\x03c" + scan
    assert files.strip_jpeg_metadata(data) == b"\xff\xd8" + app0 + dqt + scan
    assert files.strip_jpeg_metadata(b"not a jpeg") == b"not a jpeg"
    truncated = b"\xff\xd8\xff\xe1\x00"  # a broken header is passed through, never a crash
    assert files.strip_jpeg_metadata(truncated).startswith(b"\xff\xd8")


@given(st.binary(max_size=200))
def test_stripping_never_crashes(blob: bytes) -> None:
    files.strip_jpeg_metadata(b"\xff\xd8" + blob)
    files.strip_png_metadata(b"\x89PNG\r\n\x1a\n" + blob)
    files.sniff(blob)


def test_sniff_covers_the_allowlist() -> None:
    assert files.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is files.WAV
    assert files.sniff(b"ID3\x04\x00") is files.MP3
    assert files.sniff(b"\xff\xfb\x90\x00") is files.MP3
    assert files.sniff(b"\x89PNG\r\n\x1a\n") is files.PNG
    assert files.sniff(b"GIF89a") is None
    assert files.sniff(b"<svg") is None
    assert files.sniff(b"") is None


def test_stored_names(tmp_path: Any, settings: Any) -> None:
    settings.CASES_ATTACHMENT_DIR = str(tmp_path)
    name = files.new_stored_name()
    assert len(name) == 40 and name != files.new_stored_name()
    files.write(name, b"data")
    assert files.path_for(name).read_bytes() == b"data"
    assert files.path_for(name).parent.name == name[:2]
    for bad in ("../../etc/passwd", "A" * 40, "ab" * 19, ""):
        with pytest.raises(ValueError):
            files.path_for(bad)
    assert files.safe_name("C:\\Users\\张三\\照片.jpg") == "照片.jpg"
    assert files.safe_name("") == "附件"


# ------------------------------------------------------------------ receipt numbers


@pytest.mark.django_db
def test_receipt_numbers_per_kind_and_day() -> None:
    day = dt.datetime(2026, 9, 30, 10, tzinfo=dt.UTC)
    assert next_receipt_no(Kind.HOTLINE, day) == "RX2026093000001"
    assert next_receipt_no(Kind.HOTLINE, day) == "RX2026093000002"
    assert next_receipt_no(Kind.GRID_EVENT, day) == "WG2026093000001"
    assert next_receipt_no(Kind.PETITION, day) == "XF2026093000001"
    # the local (Asia/Shanghai) date: 2026-09-30 17:00 UTC is already Oct 1 in Beijing
    late = dt.datetime(2026, 9, 30, 17, tzinfo=dt.UTC)
    assert next_receipt_no(Kind.HOTLINE, late) == "RX2026100100001"
    assert ReceiptCounter.objects.get(key="RX20260930").last == 2


def test_code_hash_is_keyed_and_case_insensitive(units: Units) -> None:
    assert code_hash("RX1", "abcd2345") == code_hash("RX1", " ABCD2345 ")
    assert code_hash("RX1", "ABCD2345") != code_hash("RX2", "ABCD2345")
    assert "ABCD2345" not in code_hash("RX1", "ABCD2345")


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number() -> None:
    from django.db import transaction

    day = dt.datetime(2026, 9, 30, 10, tzinfo=dt.UTC)
    numbers: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def take() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    number = next_receipt_no(Kind.HOTLINE, day)
                with lock:
                    numbers.append(number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) == 30 and len(set(numbers)) == 30
    assert max(numbers) == "RX2026093000030"
