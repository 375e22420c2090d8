"""Property: after any sequence of case actions (with syncs at random points, repeated syncs,
a territory change and the sweep), the rollups equal, exactly, a recomputation from the raw
tables; and province totals equal plain counts of the case table."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.cases.errors import CaseError
from fengqiao.cases.models import Case
from fengqiao.cases.workflow import MERGED
from fengqiao.regions.actions import do_reparent
from fengqiao.regions.models import Region
from fengqiao.reports import selectors, sync
from fengqiao.reports.models import AreaMonth, CaseFact
from fengqiao.reports.tests.desk import Desk, on

OPS = [
    "register", "register", "register", "dispatch", "sign", "reply", "approve", "rework",
    "callback", "answer", "reject", "on_site", "close", "merge", "unmerge", "sweep",
    "reparent", "sync", "resync_all", "pause", "resume", "archive",
] + ["advance"] * 12  # fmt: skip
# The natural next steps from each state (the random ops alone rarely get deep).
NEXT = {
    "registered": ["dispatch", "dispatch", "answer", "reject", "merge"],
    "found": ["on_site", "dispatch", "dispatch", "merge"],
    "reported": ["dispatch"],
    "dispatched": ["sign"],
    "signed": ["reply"],
    "handling": ["reply", "reply", "pause"],
    "paused": ["resume"],
    "replied": ["approve", "approve", "rework"],
    "handled": ["close", "close", "rework"],
    "reviewed": ["callback"],
    "closed": ["archive"],
    "answered": ["archive"],
    "rejected": ["archive"],
    "merged": ["unmerge"],
}
SATISFACTION = ["satisfied", "basic", "dissatisfied", "unreachable"]
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def _grids(desk: Desk) -> list[Region]:
    return [desk.t.grid_a1, desk.t.grid_a2, desk.t.other_grid]


def _register(desk: Desk, when: dt.datetime, param: int) -> Case:
    grid = Region.objects.get(pk=_grids(desk)[param % 3].pk)
    if param % 4 == 3:
        return desk.register(
            when, kind="grid_event", category="WG02", channel="grid_patrol", region=grid,
            actor=desk.operator,
        )  # fmt: skip
    flags = ("repeat",) if param % 5 == 4 else ()
    category = ["RX0501", "RX0201", "RX0301"][param % 3]
    return desk.register(when, region=grid, category=category, flags=flags)


def _reparent(desk: Desk, when: dt.datetime) -> None:
    village = Region.objects.get(pk=desk.t.village.pk)
    target = desk.t.other_town if village.parent_id == desk.t.town.pk else desk.t.town
    with on(when):
        do_reparent(village, new_parent=target, actor=None, effective_on=when.date())


def _act(desk: Desk, op: str, case: Case, other: Case, when: dt.datetime, param: int) -> None:
    d = desk
    from fengqiao.cases import actions as a

    units = [d.env, d.housing, d.other]
    calls: dict[str, Callable[[], Any]] = {
        "dispatch": lambda: d.dispatch(case, when, units[param % 3]),
        "sign": lambda: d.sign(case, when),
        "reply": lambda: d.reply(case, when, resolved=param % 2 == 0),
        "approve": lambda: d.approve(case, when),
        "rework": lambda: d.rework(case, when),
        "callback": lambda: d.callback(case, when, SATISFACTION[param % 4], param % 3 != 0),
        "answer": lambda: d.answer(case, when),
        "reject": lambda: d.reject(case, when),
        "on_site": lambda: d.on_site(case, when),
        "close": lambda: d.close_event(case, when),
        "merge": lambda: d.merge(case, other, when),
        "unmerge": lambda: d.unmerge(case, when),
        "pause": lambda: _with_handler(d, case, when, a.do_pause, reason="等待材料"),
        "resume": lambda: _with_handler(d, case, when, a.do_resume),
        "archive": lambda: _archive(d, case, when),
    }
    calls[op]()


def _with_handler(desk: Desk, case: Case, when: dt.datetime, action: Any, **kw: Any) -> Any:
    case = desk.fresh(case)
    with on(when):
        return action(case, actor=desk.handler_of(case.lead_unit_id), **kw)


def _archive(desk: Desk, case: Case, when: dt.datetime) -> Any:
    from fengqiao.cases import actions as a

    with on(when):
        return a.do_archive(desk.fresh(case), actor=desk.operator)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPS), st.integers(0, 9), st.integers(0, 11), st.integers(1, 200)),
        min_size=1,
        max_size=25,
    )
)
def test_rollups_equal_a_recomputation(desk: Desk, steps: list[tuple[str, int, int, int]]) -> None:
    when = START + dt.timedelta(days=Case.objects.count())
    cases: list[Case] = []
    for op, target, param, hours in steps:
        when += dt.timedelta(hours=hours)
        if op == "register" or not cases:
            cases.append(_register(desk, when, param))
            continue
        if op == "sweep":
            desk.sweep(when)
        elif op == "reparent":
            _reparent(desk, when)
        elif op == "sync":
            desk.sync()
        elif op == "resync_all":
            with transaction.atomic():  # syncing every case again adds nothing
                sync._sync_ids(sorted(c.pk for c in cases))
        else:
            case, other = cases[target % len(cases)], cases[(target + param) % len(cases)]
            if op == "advance":
                choices = NEXT.get(desk.fresh(case).status, ["sign"])
                op = choices[param % len(choices)]
            with contextlib.suppress(CaseError):  # refused by the workflow: nothing changed
                _act(desk, op, case, other, when, param)
    desk.sync()
    assert sync.pending() == 0
    assert sync.differences() == []
    # an oracle that shares no code with the rollups: plain counts of the case table
    (everything,) = selectors.grouped(
        AreaMonth.objects.filter(region=desk.t.province.pk),
        "region",
        [_all_time()],
        "month",
    )
    province = everything.get(desk.t.province.pk, selectors.zero())
    live = Case.objects.exclude(status=MERGED).filter(parent__isnull=True)
    assert province["received"] == live.count()
    assert province["merged"] == Case.objects.filter(status=MERGED).count()
    assert province["open_now"] == live.filter(is_open=True).count()
    assert province["supervised"] == live.filter(supervision_level__gt=0).count()
    assert CaseFact.objects.filter(counted=True).count() == Case.objects.count()


def _all_time() -> Any:
    from fengqiao.reports.periods import months

    return months(date(2025, 1, 1), date(2030, 12, 1))
