"""Properties of the engine under random sequences of actions by random people (hypothesis).

Whatever the sequence — right or wrong person, right or wrong state, co-units, merges,
supervision — after every step:

- the case is in a state of its machine (or `merged`), and `is_open`, `closed_at` and
  `paused_at` agree with that state;
- `version` is one more than the number of timeline rows that changed the state: the
  timeline holds exactly the successful transitions, plus the notes that leave it alone;
- every timeline row has its audit row (`case.<action>`), and nothing else does;
- a case that needs a unit has exactly one active lead assignment, held by `lead_unit`;
- a refused step changes nothing at all: state, version, timeline, audit, assignments;
- a step refused by the table is refused with TransitionRefused, naming the current state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import actions as a
from fengqiao.cases.errors import CaseError, TransitionRefused
from fengqiao.cases.machines import GRID_EVENT, HOTLINE
from fengqiao.cases.models import ACTIVE_ASSIGNMENT, Assignment, Case, CaseTransition
from fengqiao.cases.tests.conftest import Units, make_handler
from fengqiao.cases.workflow import MERGED, Kind, Machine, is_open_state
from fengqiao.regions.models import Region
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Category

# States in which a unit must hold the case (an active lead assignment).
NEEDS_LEAD = {
    "hotline": {
        "dispatched", "objected", "signed", "handling", "extension_requested", "paused",
        "replied", "reviewed",
    },
    "grid_event": {"dispatched", "objected", "handling", "extension_requested", "handled"},
}  # fmt: skip


@dataclass
class People:
    operator: User
    worker: User
    leader: User
    env: User
    street: User
    housing: User

    def named(self, name: str) -> User:
        user: User = getattr(self, name)
        return user


PEOPLE = ["operator", "worker", "leader", "env", "street", "housing"]


def people(units: Units, territory: Territory) -> People:
    """Created once per test: hypothesis runs many examples against the same database."""

    def get(username: str, make: Callable[[], User]) -> User:
        return User.objects.filter(username=username).first() or make()

    return People(
        operator=get("p_operator", lambda: make_user("p_operator", Role.OPERATOR, territory.town)),
        worker=get("p_worker", lambda: make_user("p_worker", Role.GRID_WORKER, territory.grid_a1)),
        leader=get(
            "p_leader",
            lambda: make_user("p_leader", Role.LEADER, territory.county, can_act=False),
        ),
        env=get("p_env", lambda: make_handler("p_env", units.env)),
        street=get("p_street", lambda: make_handler("p_street", units.street)),
        housing=get("p_housing", lambda: make_handler("p_housing", units.housing)),
    )


Step = Callable[[Case, User, Units], Any]


def _co_ruling(accept: bool) -> Step:
    def run(case: Case, actor: User, units: Units) -> Any:
        row = Assignment.objects.filter(case=case, role="co").order_by("-pk").first()
        if row is None:
            raise CaseError("没有协办单位。", "No co-unit.")
        return a.do_rule_co_objection(case, row, actor=actor, accept=accept, reason="裁定")

    return run


def _merge(case: Case, actor: User, units: Units) -> Any:
    parent = (
        Case.objects.filter(kind=case.kind, is_open=True, parent__isnull=True)
        .exclude(pk=case.pk)
        .order_by("pk")
        .first()
    )
    if parent is None:
        raise CaseError("没有可并入的事项。", "No parent.")
    return a.do_merge(case, into=parent, actor=actor, reason="重复诉求")


STEPS: dict[str, tuple[str | None, Step]] = {
    # name: (the machine action it is, if any; how to run it)
    "accept": ("accept", lambda c, u, _: a.do_accept(c, actor=u)),
    "answer": ("answer_directly", lambda c, u, _: a.do_answer_directly(c, actor=u, answer="答")),
    "transfer": (
        "transfer_emergency",
        lambda c, u, _: a.do_transfer_emergency(c, actor=u, service="110"),
    ),
    "refer": ("refer_channel", lambda c, u, _: a.do_refer_channel(c, actor=u, channel="仲裁")),
    "reject": ("reject", lambda c, u, _: a.do_reject(c, actor=u, reason="不属受理范围")),
    "report": ("report", lambda c, u, _: a.do_report(c, actor=u)),
    "resolve_on_site": (
        "resolve_on_site",
        lambda c, u, _: a.do_resolve_on_site(c, actor=u, result="当场化解"),
    ),
    "dispatch": (
        "dispatch",
        lambda c, u, units: a.do_dispatch(
            c,
            actor=u,
            lead=a.AssignmentDraft(unit=units.env),
            co_units=[a.AssignmentDraft(unit=units.street)],
        ),
    ),
    "dispatch_catalogue": ("dispatch", lambda c, u, _: a.do_dispatch(c, actor=u, lead=None)),
    "sign": ("sign", lambda c, u, _: a.do_sign(c, actor=u)),
    "object": ("object", lambda c, u, _: a.do_object(c, actor=u, reason="非本单位职责")),
    "redispatch_housing": (
        "redispatch",
        lambda c, u, units: a.do_redispatch(
            c, actor=u, lead=a.AssignmentDraft(unit=units.housing), reason="改派"
        ),
    ),
    "redispatch_street": (
        "redispatch",
        lambda c, u, units: a.do_redispatch(
            c, actor=u, lead=a.AssignmentDraft(unit=units.street), reason="改派"
        ),
    ),
    "uphold": ("uphold", lambda c, u, _: a.do_uphold(c, actor=u, reason="维持")),
    "start": ("start", lambda c, u, _: a.do_start(c, actor=u)),
    "pause": ("pause", lambda c, u, _: a.do_pause(c, actor=u, reason="等待群众")),
    "resume": ("resume", lambda c, u, _: a.do_resume(c, actor=u)),
    "request_extension": (
        "request_extension",
        lambda c, u, _: a.do_request_extension(c, actor=u, reason="需协调"),
    ),
    "approve_extension": (
        "approve_extension",
        lambda c, u, _: a.do_approve_extension(c, actor=u, extra=(1, "working_days")),
    ),
    "refuse_extension": (
        "refuse_extension",
        lambda c, u, _: a.do_refuse_extension(c, actor=u, note_text="驳回"),
    ),
    "reply": ("reply", lambda c, u, _: a.do_reply(c, actor=u, reply="已办", resolved=True)),
    "return": (
        "return_for_rework",
        lambda c, u, _: a.do_return_for_rework(c, actor=u, reason="重办"),
    ),
    "approve_reply": ("approve_reply", lambda c, u, _: a.do_approve_reply(c, actor=u)),
    "close": ("close", lambda c, u, _: a.do_close(c, actor=u)),
    "callback_ok": (
        "callback",
        lambda c, u, _: a.do_callback(c, actor=u, satisfaction="satisfied", resolved=True),
    ),
    "callback_bad": (
        "callback",
        lambda c, u, _: a.do_callback(c, actor=u, satisfaction="dissatisfied", resolved=False),
    ),
    "archive": ("archive", lambda c, u, _: a.do_archive(c, actor=u)),
    "rule_co_accept": (None, _co_ruling(True)),
    "rule_co_refuse": (None, _co_ruling(False)),
    "merge": (None, _merge),
    "unmerge": (None, lambda c, u, _: a.do_unmerge(c, actor=u, reason="撤销")),
    "supervise": (
        None,
        lambda c, u, _: a.do_raise_supervision(c, level=2, actor=u, reason="督办"),
    ),
}  # fmt: skip

# Steps a co-unit may take on its own assignment, which do not move the case.
CO_STEPS = {"sign", "object", "reply"}


def snapshot(case: Case) -> tuple[Any, ...]:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.supervision_level,
        fresh.parent_id,
        CaseTransition.objects.filter(case=case).count(),
        AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).count(),
        sorted(Assignment.objects.filter(case=case).values_list("pk", "role", "status")),
    )


def check_invariants(case_pk: int, machine: Machine) -> None:
    case = Case.objects.get(pk=case_pk)
    assert case.status in machine.states or case.status == MERGED, case.status
    assert case.is_open == is_open_state(case.kind, case.status)
    assert (case.closed_at is not None) == (case.status in machine.terminal), case.status
    assert (case.paused_at is not None) == (case.status in machine.paused), case.status
    rows = list(CaseTransition.objects.filter(case=case).order_by("pk"))
    moves = [r for r in rows if r.from_status != r.to_status]
    assert case.version == 1 + len(moves)
    assert rows[0].action == "register"
    # the timeline is a chain: each move leaves from where the previous one arrived
    state = machine.initial
    for row in rows:
        assert row.from_status == state, (row.action, row.from_status, state)
        state = row.to_status
    assert state == case.status
    audit = AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert sorted(audit.values_list("action", flat=True)) == sorted(
        f"case.{r.action}" for r in rows
    )
    leads = Assignment.objects.filter(case=case, role="lead", status__in=ACTIVE_ASSIGNMENT)
    if case.status in NEEDS_LEAD[machine.kind]:
        assert leads.count() == 1
        assert leads.get().unit_id == case.lead_unit_id
    else:
        assert leads.count() <= 1


def run_sequence(
    machine: Machine,
    territory: Territory,
    units: Units,
    steps: Iterable[tuple[str, str]] | Callable[[Case], tuple[str, str] | None],
) -> int:
    """Run the steps on a fresh case, checking after each; return how many moves it made.
    `steps` is a list, or a function that picks the next step from the case (None: stop)."""
    who = people(units, territory)
    region = Region.objects.get(code="620102001001001")
    category = "RX0501" if machine is HOTLINE else "WG03"
    draft = a.CaseDraft(
        kind=machine.kind,
        channel="hotline_phone" if machine is HOTLINE else "grid_patrol",
        description="夜间施工噪声扰民",
        region=region,
        category=Category.objects.get(code=category),
    )
    # a second open case of the same kind, so that merging has a parent to go into
    a.do_register(draft, actor=who.operator)
    case = a.do_register(draft, actor=who.operator).case
    if callable(steps):
        pick = steps
    else:
        queue = iter(steps)
        pick = lambda _case: next(queue)  # noqa: E731
    while True:
        try:
            chosen = pick(Case.objects.get(pk=case.pk))
        except StopIteration:
            break
        if chosen is None:
            break
        name, person = chosen
        action, run = STEPS[name]
        actor = who.named(person)
        current = Case.objects.select_related("region").get(pk=case.pk)
        before, state = snapshot(current), current.status
        spec = machine.action(action) if action else None
        try:
            run(current, actor, units)
        except TransitionRefused as refused:
            assert snapshot(current) == before, name
            assert refused.current == state
            if spec is not None:
                assert state not in spec.sources, name
            continue
        except CaseError:
            assert snapshot(current) == before, name
            continue
        after = Case.objects.get(pk=case.pk)
        if spec is not None and after.status != state:
            assert state in spec.sources and after.status in spec.targets, name
        elif spec is not None:
            # no move: a co-unit's own step, noted on the timeline (or the table refused it
            # above); a table action by the lead always moves the case
            assert name in CO_STEPS, name
            last = CaseTransition.objects.filter(case=case).order_by("-pk").first()
            assert last is not None and last.action == f"co_{name}"
        check_invariants(case.pk, machine)
    check_invariants(case.pk, machine)
    return Case.objects.get(pk=case.pk).version - 1


HOTLINE_STEPS = [
    "accept", "answer", "transfer", "refer", "reject", "dispatch", "dispatch_catalogue", "sign",
    "object", "redispatch_housing", "redispatch_street", "uphold", "start", "pause", "resume",
    "request_extension", "approve_extension", "refuse_extension", "reply", "return",
    "approve_reply", "callback_ok", "callback_bad", "archive", "rule_co_accept",
    "rule_co_refuse", "merge", "unmerge", "supervise",
]  # fmt: skip
GRID_STEPS = [
    "resolve_on_site", "report", "dispatch", "sign", "object", "redispatch_housing",
    "redispatch_street", "uphold", "request_extension", "approve_extension",
    "refuse_extension", "reply", "return", "close", "rule_co_accept", "rule_co_refuse",
    "merge", "unmerge", "supervise",
]  # fmt: skip

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def chooser(
    data: st.DataObject, machine: Machine, names: list[str], units: Units, length: int
) -> Callable[[Case], tuple[str, str] | None]:
    """Mostly legal steps by the right person (so that sequences get deep), sometimes any
    step by anyone (so that refusals are exercised everywhere)."""
    unit_person = {units.env.pk: "env", units.street.pk: "street", units.housing.pk: "housing"}
    left = [length]

    def pick(case: Case) -> tuple[str, str] | None:
        if left[0] == 0:
            return None
        left[0] -= 1
        legal: list[str] = []
        for n in names:
            found = machine.action(STEPS[n][0] or "")
            if found is not None and case.status in found.sources:
                # steps that end the case are drawn less often, so that paths get long
                legal += [n] * (1 if found.targets <= machine.terminal else 4)
        prefer_legal: int = data.draw(st.integers(0, 4), label="legal?")
        if legal and prefer_legal:
            name = data.draw(st.sampled_from(legal), label="step")
            spec = machine.action(STEPS[name][0] or "")
            assert spec is not None
            if spec.by == "lead" and case.lead_unit_id in unit_person:
                right = unit_person[case.lead_unit_id]
            else:
                right = "worker" if spec.by == "field" else "operator"
            prefer_right: int = data.draw(st.integers(0, 4), label="right person?")
            person = right if prefer_right else None
        else:
            name, person = data.draw(st.sampled_from(names), label="any step"), None
        if person is None:
            person = data.draw(st.sampled_from(PEOPLE), label="anyone")
        return name, person

    return pick


@pytest.mark.django_db
@SETTINGS
@given(data=st.data(), length=st.integers(1, 30))
def test_hotline_sequences_keep_the_engine_consistent(
    territory: Territory, units: Units, data: st.DataObject, length: int
) -> None:
    moves = run_sequence(
        HOTLINE, territory, units, chooser(data, HOTLINE, HOTLINE_STEPS, units, length)
    )
    target(float(moves), label="moves")


@pytest.mark.django_db
@SETTINGS
@given(data=st.data(), length=st.integers(1, 20))
def test_grid_event_sequences_keep_the_engine_consistent(
    territory: Territory, units: Units, data: st.DataObject, length: int
) -> None:
    moves = run_sequence(
        GRID_EVENT, territory, units, chooser(data, GRID_EVENT, GRID_STEPS, units, length)
    )
    target(float(moves), label="moves")


def test_a_deep_sequence_reaches_every_check(territory: Territory, units: Units) -> None:
    """One hand-written sequence through objection, co-units, extension, pause, rework and
    callback, so that the invariants are seen to hold on a long, legal path too."""
    steps = [
        ("accept", "operator"), ("dispatch", "operator"), ("sign", "street"),
        ("object", "env"), ("uphold", "operator"), ("object", "env"), ("sign", "env"),
        ("start", "env"), ("request_extension", "env"), ("refuse_extension", "operator"),
        ("request_extension", "env"), ("approve_extension", "operator"), ("pause", "env"),
        ("resume", "env"), ("reply", "street"), ("reply", "env"), ("return", "operator"),
        ("reply", "env"), ("approve_reply", "operator"), ("callback_bad", "operator"),
        ("reply", "env"), ("approve_reply", "operator"), ("callback_ok", "operator"),
        ("archive", "operator"),
    ]  # fmt: skip
    assert run_sequence(HOTLINE, territory, units, steps) == 21
    case = Case.objects.filter(kind=Kind.HOTLINE).order_by("-pk").first()
    assert case is not None and case.status == "archived"
    assert case.first_unit == units.env and case.resolved is True
