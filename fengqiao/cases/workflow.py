"""The workflow engine's tables: one state machine per case kind, in an open registry.

A machine is a list of actions, each a row ``name | label | from states | to states | who``.
The transition table ``TRANSITIONS[kind][state] -> frozenset(next states)`` is derived from the
rows, so the whole workflow of a kind fits on one screen (style-anchors §3 example 3) and
docs/workflow.md shows the same rows. The shipped machines (12345 orders, grid events) live in
``fengqiao/cases/machines.py``; the dispute and petition apps call :func:`register` with their
own machine and never edit this file.

Two pseudo-transitions exist for every kind: ``merge`` (any open state → ``merged``) and
``unmerge`` (``merged`` → the state recorded when the case was merged). They are engine-level,
so each machine does not have to repeat them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models


class Kind(models.TextChoices):
    """What a case is; one model serves every kind (issue 3 §1)."""

    HOTLINE = "hotline", "12345工单"
    GRID_EVENT = "grid_event", "网格事件"
    DISPUTE = "dispute", "矛盾纠纷"
    PETITION = "petition", "信访事项"
    COURT_REFERRAL = "court_referral", "法院委派/委托调解"
    POLICE_REFERRAL = "police_referral", "110非警务警情"


class By(StrEnum):
    """Who may perform an action (checked on top of `workable_by`)."""

    CENTRE = "centre"  # act scope over the case's region with a centre role (受理员、区域管理员)
    FIELD = "field"  # act scope over the region with a field or centre role (网格员 included)
    LEAD = "lead"  # the user's unit holds the case's active lead (主办) assignment
    SYSTEM = "system"  # the sweep, never a person


MERGED = "merged"
MERGED_LABEL = "已并单"
UNMERGE_LABEL = "撤销并单"  # the engine-level way out of MERGED (actions/merge.py)


@dataclass(frozen=True)
class ActionSpec:
    """One row of a machine: the action, the states it leaves from, the states it may reach."""

    name: str
    label: str
    sources: frozenset[str]
    targets: frozenset[str]
    by: By

    def __init__(
        self, name: str, label: str, sources: Iterable[str], targets: Iterable[str], by: By
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "targets", frozenset(targets))
        object.__setattr__(self, "by", by)


@dataclass(frozen=True)
class Machine:
    """The states and actions of one kind.

    ``terminal`` states close the case (``is_open`` becomes false and the clock stops);
    ``paused`` states keep the case open but stop its clock (waiting for the citizen)."""

    kind: str
    initial: str
    states: Mapping[str, str]
    actions: tuple[ActionSpec, ...]
    terminal: frozenset[str]
    paused: frozenset[str] = frozenset()
    resolved_states: frozenset[str] = frozenset()
    transitions: Mapping[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        table: dict[str, set[str]] = {state: set() for state in self.states}
        for action in self.actions:
            unknown = (action.sources | action.targets) - set(self.states)
            if unknown:
                raise ValueError(f"{self.kind}.{action.name}: unknown states {sorted(unknown)}")
            for source in action.sources:
                table[source] |= action.targets
        if self.initial not in self.states or not self.terminal <= set(self.states):
            raise ValueError(f"{self.kind}: initial or terminal state not declared")
        names = [action.name for action in self.actions]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.kind}: duplicate action names")
        object.__setattr__(
            self, "transitions", {state: frozenset(nxt) for state, nxt in table.items()}
        )

    @property
    def open_states(self) -> frozenset[str]:
        return frozenset(self.states) - self.terminal

    def label(self, state: str) -> str:
        if state == MERGED:
            return MERGED_LABEL
        return self.states.get(state, state)

    def action(self, name: str) -> ActionSpec | None:
        return next((a for a in self.actions if a.name == name), None)

    def actions_from(self, state: str) -> list[ActionSpec]:
        """The actions a case in `state` allows, in table order."""
        return [a for a in self.actions if state in a.sources]


_REGISTRY: dict[str, Machine] = {}
TRANSITIONS: dict[str, Mapping[str, frozenset[str]]] = {}
ACTIONS: dict[str, dict[str, ActionSpec]] = {}


def register(machine: Machine, *, replace: bool = False) -> Machine:
    """Make `machine` the workflow of its kind. Other apps call this from `AppConfig.ready`."""
    if machine.kind in _REGISTRY and not replace:
        raise ValueError(f"a machine for {machine.kind!r} is already registered")
    if MERGED in machine.states:
        raise ValueError(f"{MERGED!r} is reserved for the engine's merge transition")
    _REGISTRY[machine.kind] = machine
    TRANSITIONS[machine.kind] = machine.transitions
    ACTIONS[machine.kind] = {action.name: action for action in machine.actions}
    return machine


def machine_for(kind: str) -> Machine | None:
    return _REGISTRY.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


def is_open_state(kind: str, state: str) -> bool:
    machine = _REGISTRY.get(kind)
    if state == MERGED or machine is None:
        return False
    return state not in machine.terminal
