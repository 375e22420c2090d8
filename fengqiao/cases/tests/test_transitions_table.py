"""Every transition of every shipped kind, through the API, from the table itself.

For each state of each machine: drive a fresh case there through the API, then
- every action the table does NOT allow from that state is refused with 409, naming the
  current state and the allowed actions, and the case does not move;
- every edge the table DOES allow is taken by the right person and lands on its target.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.machines import GRID_EVENT, HOTLINE
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Api, Units, make_handler
from fengqiao.cases.workflow import By, Machine

Body = dict[str, Any] | Callable[["World"], dict[str, Any]]

ENDPOINTS: dict[str, tuple[str, Body]] = {
    "accept": ("accept", {}),
    "answer_directly": ("answer", {"answer": "已当场答复政策咨询"}),
    "transfer_emergency": ("transfer-emergency", {"service": "119"}),
    "refer_channel": ("refer-channel", {"channel": "劳动仲裁"}),
    "reject": ("reject", {"reason": "不属于受理范围"}),
    "report": ("report", {}),
    "resolve_on_site": ("resolve-on-site", {"result": "当场化解"}),
    "dispatch": ("dispatch", lambda w: {"lead": {"unit_id": w.units.env.pk, "task": "核查"}}),
    "sign": ("sign", {}),
    "object": ("object", {"reason": "不属于本单位职责"}),
    "redispatch": (
        "redispatch",
        lambda w: {"lead": {"unit_id": w.units.housing.pk}, "reason": "改由住建部门办理"},
    ),
    "uphold": ("uphold", {"reason": "属于本单位职责"}),
    "start": ("start", {}),
    "request_extension": ("extension", {"reason": "需要协调多个部门"}),
    "approve_extension": ("extension/approve", {"new_due_at": "2031-01-06T17:00:00+08:00"}),
    "refuse_extension": ("extension/refuse", {"note": "理由不充分"}),
    "pause": ("pause", {"reason": "等待群众补充材料"}),
    "resume": ("resume", {}),
    "reply": ("reply", {"reply": "已处理完毕", "resolved": True}),
    "return_for_rework": ("return", {"reason": "答复不完整"}),
    "approve_reply": ("approve-reply", {}),
    "close": ("close", {"note": "核查属实"}),
    "callback": ("callback", {"satisfaction": "satisfied", "resolved": True}),
    "archive": ("archive", {}),
}
# Bodies that pick one of an action's several targets.
VARIANTS: dict[tuple[str, str], dict[str, Any]] = {
    ("callback", "closed"): {"satisfaction": "satisfied", "resolved": True},
    ("callback", "handling"): {"satisfaction": "dissatisfied"},
}


@dataclass
class World:
    units: Units
    operator: Api
    worker: Api
    handlers: dict[int, Api]


@pytest.fixture
def world(
    api_for: Any, units: Units, town_operator: User, grid_worker: User, env_handler: User
) -> World:
    housing = make_handler("housing_handler", units.housing)
    return World(
        units,
        api_for(town_operator),
        api_for(grid_worker),
        {units.env.pk: api_for(env_handler), units.housing.pk: api_for(housing)},
    )


def _body(action: str, world: World, target: str | None = None) -> dict[str, Any]:
    body = ENDPOINTS[action][1]
    payload = body(world) if callable(body) else dict(body)
    if target is not None and (action, target) in VARIANTS:
        payload.update(VARIANTS[(action, target)])
    return payload


def _default_target(machine: Machine, action: str) -> str:
    spec = machine.action(action)
    assert spec is not None
    if len(spec.targets) == 1:
        return next(iter(spec.targets))
    return next(t for (a, t) in VARIANTS if a == action and t in spec.targets)


def paths(machine: Machine) -> dict[str, list[str]]:
    """The shortest action path from the initial state to every state (BFS over the table)."""
    found: dict[str, list[str]] = {machine.initial: []}
    queue = deque([machine.initial])
    while queue:
        state = queue.popleft()
        for spec in machine.actions_from(state):
            target = _default_target(machine, spec.name)
            if target not in found:
                found[target] = [*found[state], spec.name]
                queue.append(target)
    return found


def _actor(world: World, case_id: int, by: By) -> Api:
    if by == By.LEAD:
        lead_unit = Case.objects.get(pk=case_id).lead_unit_id
        assert lead_unit is not None
        return world.handlers[lead_unit]
    if by == By.FIELD:
        return world.worker
    return world.operator


def _perform(world: World, machine: Machine, case_id: int, action: str, target: str) -> Any:
    spec = machine.action(action)
    assert spec is not None
    endpoint = ENDPOINTS[action][0]
    return _actor(world, case_id, spec.by).act(case_id, endpoint, _body(action, world, target))


def drive(world: World, machine: Machine, state: str) -> int:
    if machine is HOTLINE:
        created = world.operator.create()
    else:
        created = world.worker.create(
            kind="grid_event", channel="grid_patrol", category_code="WG03"
        )
    assert created.status_code == 201, created.content
    case_id: int = created.json()["id"]
    for action in paths(machine)[state]:
        response = _perform(world, machine, case_id, action, _default_target(machine, action))
        assert response.status_code == 200, (action, response.content)
    assert Case.objects.get(pk=case_id).status == state
    return case_id


MACHINES = {"hotline": HOTLINE, "grid_event": GRID_EVENT}
STATES = [(kind, state) for kind, m in MACHINES.items() for state in m.states]
EDGES = [
    (kind, spec.name, source, target)
    for kind, m in MACHINES.items()
    for spec in m.actions
    for source in sorted(spec.sources)
    for target in sorted(spec.targets)
]


def test_every_state_is_reachable() -> None:
    for machine in MACHINES.values():
        assert set(paths(machine)) == set(machine.states), machine.kind


@pytest.mark.parametrize(("kind", "state"), STATES)
def test_refused_actions_name_the_state_and_the_allowed_ones(
    world: World, kind: str, state: str
) -> None:
    machine = MACHINES[kind]
    case_id = drive(world, machine, state)
    allowed = [a.name for a in machine.actions_from(state)]
    label = machine.label(state)
    for spec in machine.actions:
        if state in spec.sources:
            continue
        before = Case.objects.get(pk=case_id)
        response = world.operator.act(case_id, ENDPOINTS[spec.name][0], _body(spec.name, world))
        assert response.status_code == 409, (state, spec.name, response.content)
        error = response.json()
        assert f"当前状态为「{label}」" in error["detail"]
        assert spec.label in error["detail"]
        assert error["errors"][0]["current"] == state
        assert error["errors"][0]["allowed"] == allowed
        after = Case.objects.get(pk=case_id)
        assert (after.status, after.version) == (before.status, before.version)


@pytest.mark.parametrize(("kind", "action", "source", "target"), EDGES)
def test_every_allowed_edge(world: World, kind: str, action: str, source: str, target: str) -> None:
    machine = MACHINES[kind]
    case_id = drive(world, machine, source)
    version = Case.objects.get(pk=case_id).version
    response = _perform(world, machine, case_id, action, target)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == target
    case = Case.objects.get(pk=case_id)
    assert case.version == version + 1
    assert case.transitions.order_by("-pk").first().action == action  # type: ignore[union-attr]
    assert case.is_open == (target not in machine.terminal)
