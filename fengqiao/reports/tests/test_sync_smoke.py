from __future__ import annotations

from fengqiao.reports import sync
from fengqiao.reports.models import AreaMonth
from fengqiao.reports.tests.desk import Desk, at


def test_a_closed_order_is_counted_once(desk: Desk) -> None:
    case = desk.register(at("2026-03-02"))
    desk.finish_hotline(
        case,
        dispatched=at("2026-03-02", "11:00"),
        signed=at("2026-03-02", "12:00"),
        replied=at("2026-03-04"),
    )
    assert desk.sync() > 0
    assert sync.differences() == []
    row = AreaMonth.objects.get(region=desk.t.province.pk, kind="hotline")
    assert (row.received, row.closed, row.closed_on_time, row.satisfied) == (1, 1, 1, 1)
    assert desk.sync() == 0
