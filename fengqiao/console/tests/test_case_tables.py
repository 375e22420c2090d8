"""The case page against the engine's tables, state by state, for both shipped kinds:

- what the page offers each persona is exactly the rows of the machine that leave from the
  state and whose `who` column names that persona (an independent oracle: centre → the
  operator, field → the operator and the grid worker, lead → the lead unit's handler, the
  read-only leader → nothing);
- every action the table does not allow from the state, sent through the page anyway with a
  well-formed form, is refused with 409 and a Chinese message naming the allowed actions, and
  the case does not move.
"""

from __future__ import annotations

from typing import Any

import pytest

from fengqiao.accounts.models import User
from fengqiao.cases.models import Assignment, AssignmentRole, AssignmentStatus, Case
from fengqiao.cases.tests.conftest import Units
from fengqiao.cases.workflow import By, machine_for
from fengqiao.console import case_ops
from fengqiao.console.tests.cases_helpers import client_for, register
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db

KINDS = ["hotline", "grid_event"]
ENGINE_ONLY = {"supervise", "unmerge"}  # offered by the console beside the table rows


def _states(kind: str) -> list[str]:
    machine = machine_for(kind)
    assert machine is not None
    return list(machine.states)


def _case_in(kind: str, state: str, operator: User, territory: Territory, units: Units) -> Case:
    """A case of `kind` put straight into `state` (test setup), with env as active lead."""
    extra: dict[str, Any] = {}
    if kind == "grid_event":
        extra = {"kind": "grid_event", "channel": "grid_patrol", "category": "WG03", "phone": ""}
    case = register(operator, territory.grid_a1, **extra).case
    machine = machine_for(kind)
    assert machine is not None
    Case.objects.filter(pk=case.pk).update(
        status=state, is_open=state not in machine.terminal, lead_unit=units.env
    )
    Assignment.objects.create(
        case=case, unit=units.env, role=AssignmentRole.LEAD, status=AssignmentStatus.SIGNED
    )
    case.refresh_from_db()
    return case


def _expected(kind: str, state: str, persona: str) -> set[str]:
    machine = machine_for(kind)
    assert machine is not None
    who = {
        "operator": {By.CENTRE, By.FIELD},
        "grid_worker": {By.FIELD},
        "handler": {By.LEAD},
        "leader": set(),
    }[persona]
    return {a.name for a in machine.actions_from(state) if a.by in who}


@pytest.mark.parametrize("kind", KINDS)
def test_offered_actions_follow_the_table_in_every_state(
    kind: str,
    territory: Territory,
    town_operator: User,
    grid_worker: User,
    env_handler: User,
    county_leader: User,
    units: Units,
) -> None:
    personas = {
        "operator": town_operator,
        "grid_worker": grid_worker,
        "handler": env_handler,
        "leader": county_leader,
    }
    mismatches: dict[str, Any] = {}
    for state in _states(kind):
        case = _case_in(kind, state, town_operator, territory, units)
        for persona, user in personas.items():
            offered = {name for name, _ in case_ops.allowed_actions(case, user)} - ENGINE_ONLY
            expected = _expected(kind, state, persona) & set(case_ops.OPS)
            if offered != expected:
                mismatches[f"{state}/{persona}"] = (sorted(offered), sorted(expected))
    assert mismatches == {}


VALID: dict[str, Any] = {
    "reason": "测试理由",
    "reason_opt": "",
    "answer": "已答复",
    "result": "已化解",
    "service": "110",
    "channel_to": "人民法院",
    "lead_opt": "",
    "co_units": None,  # none chosen: the field is left out of the form data
    "task": "",
    "requested_due_at": "",
    "new_due_at": "",
    "note": "",
    "note_req": "意见",
    "reply": "已办理",
    "resolved_req": "yes",
    "satisfaction": "satisfied",
    "resolved_opt": "",
    "acted": "yes",
    "level": "1",
}


def _form(case: Case, action: str, units: Units) -> dict[str, Any]:
    data: dict[str, Any] = {f"{action}-version": case.version}
    for name in case_ops.OPS[action].fields:
        value = units.housing.pk if name == "lead" else VALID[name]
        if value is not None:
            data[f"{action}-{name}"] = value
    return data


@pytest.mark.parametrize("kind", KINDS)
def test_actions_outside_the_table_are_refused_in_every_state(
    kind: str, territory: Territory, town_operator: User, units: Units
) -> None:
    machine = machine_for(kind)
    assert machine is not None
    client = client_for(town_operator)
    table_actions = {a.name for a in machine.actions} & set(case_ops.OPS)
    problems: dict[str, Any] = {}
    for state in _states(kind):
        case = _case_in(kind, state, town_operator, territory, units)
        allowed = {a.name for a in machine.actions_from(state)}
        for action in sorted(table_actions - allowed):
            url = f"/console/cases/{case.pk}/act/{action}/"
            response = client.post(url, _form(case, action, units))
            body = response.content.decode()
            fresh = Case.objects.get(pk=case.pk)
            if (
                response.status_code != 409
                or "当前允许的操作" not in body
                or (fresh.status, fresh.version) != (state, case.version)
            ):
                problems[f"{state}/{action}"] = response.status_code
    assert problems == {}


def test_every_op_has_its_fields_and_a_label() -> None:
    from fengqiao.cases.machines import GRID_EVENT, HOTLINE, POLICE_REFERRAL

    names = set()
    for machine in (HOTLINE, GRID_EVENT, POLICE_REFERRAL):
        names |= {a.name for a in machine.actions}
    # every action of the machines the cases app ships can be done from the case page (the
    # dispute and petition machines get their pages with the mediator workspace)
    assert names - set(case_ops.OPS) == set()
    for op in case_ops.OPS.values():
        assert set(op.fields) <= set(case_ops.FIELDS)
