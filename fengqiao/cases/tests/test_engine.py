"""The engine directly (no HTTP): what `move`, `note`, `force_state` and `enqueue` write, who
`check_performer` lets through, and the machine invariants."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import actions as a
from fengqiao.cases import workflow
from fengqiao.cases.actions import engine
from fengqiao.cases.errors import CaseError, ConcurrentUpdate, NotAllowed, TransitionRefused
from fengqiao.cases.machines import GRID_EVENT, HOTLINE, POLICE_REFERRAL
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.cases.tests.conftest import Units, make_handler
from fengqiao.cases.workflow import (
    ACTIONS,
    MERGED,
    TRANSITIONS,
    ActionSpec,
    By,
    Kind,
    is_open_state,
)
from fengqiao.core.models import Outbox
from fengqiao.regions.models import Region
from fengqiao.testing import Territory, make_user

GRID = "620102001001001"


def register(actor: User | None, kind: str = Kind.HOTLINE, code: str = GRID, **extra: Any) -> Case:
    draft = a.CaseDraft(
        kind=kind,
        channel="hotline_phone",
        description="测试事项",
        region=Region.objects.get(code=code),
        **extra,
    )
    return a.do_register(draft, actor=actor).case


# ------------------------------------------------------------------ machine invariants


@pytest.mark.parametrize("machine", [HOTLINE, GRID_EVENT, POLICE_REFERRAL])
def test_machine_invariants(machine: Any) -> None:
    # every open state has a way out; terminal states lead only to other terminal states
    for state in machine.open_states:
        assert machine.transitions[state], state
    for state in machine.terminal:
        assert machine.transitions[state] <= machine.terminal, state
    # every state but the initial one is the target of some action
    targets = {t for action in machine.actions for t in action.targets}
    assert set(machine.states) - {machine.initial} <= targets
    assert TRANSITIONS[machine.kind] == machine.transitions
    assert set(ACTIONS[machine.kind]) == {action.name for action in machine.actions}
    assert MERGED not in machine.states


def test_police_referrals_run_the_work_order_machine() -> None:
    assert POLICE_REFERRAL.transitions == HOTLINE.transitions
    assert POLICE_REFERRAL.kind == Kind.POLICE_REFERRAL


@given(st.sampled_from(sorted(HOTLINE.states)), st.sampled_from(sorted(HOTLINE.states)))
def test_transitions_table_agrees_with_the_rows(source: str, target: str) -> None:
    allowed = target in HOTLINE.transitions[source]
    via_rows = any(
        source in action.sources and target in action.targets for action in HOTLINE.actions
    )
    assert allowed == via_rows


def test_is_open_state(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mediation app registers the dispute machine; take it out for this test.
    monkeypatch.delitem(workflow._REGISTRY, "dispute", raising=False)
    assert is_open_state(Kind.HOTLINE, "handling")
    assert not is_open_state(Kind.HOTLINE, "closed")
    assert not is_open_state(Kind.HOTLINE, MERGED)
    assert not is_open_state(Kind.DISPUTE, "anything")  # no machine registered
    assert HOTLINE.label(MERGED) == "已并单" and HOTLINE.label("nope") == "nope"


# ------------------------------------------------------------------ move


def test_move_writes_timeline_audit_and_bumps_version(town_operator: User, units: Units) -> None:
    case = register(town_operator)
    audit_before = AuditEntry.objects.count()
    moved = a.do_reject(case, actor=town_operator, reason="不属于受理范围")
    assert (moved.status, moved.version, moved.is_open) == ("rejected", 2, False)
    assert moved.closed_at is not None
    row = CaseTransition.objects.filter(case=case).order_by("-pk").first()
    assert row is not None
    assert (row.action, row.from_status, row.to_status) == ("reject", "registered", "rejected")
    assert row.actor == town_operator and row.reason == "不属于受理范围"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and AuditEntry.objects.count() == audit_before + 1
    assert entry.action == "case.reject" and entry.object_id == str(case.pk)
    assert entry.data["from"] == "registered" and entry.data["to"] == "rejected"
    assert entry.data["receipt_no"] == case.receipt_no


def test_closed_at_is_set_once(town_operator: User, units: Units) -> None:
    case = register(town_operator)
    answered = a.do_answer_directly(case, actor=town_operator, answer="已答复")
    first_closed = answered.closed_at
    archived = a.do_archive(answered, actor=town_operator)
    assert archived.closed_at == first_closed and archived.status == "archived"


def test_refusal_lists_the_allowed_actions(town_operator: User, units: Units) -> None:
    case = register(town_operator)
    with pytest.raises(TransitionRefused) as refused:
        a.do_start(case, actor=town_operator)
    assert refused.value.current == "registered"
    assert refused.value.allowed == [
        "answer_directly", "transfer_emergency", "refer_channel", "reject", "accept",
    ]  # fmt: skip
    assert refused.value.status == 409
    assert "当前状态为「已受理（登记）」" in refused.value.detail
    assert "开始办理" in refused.value.detail


def test_unknown_action_is_refused_like_a_wrong_state(town_operator: User, units: Units) -> None:
    case = register(town_operator)
    with pytest.raises(TransitionRefused):
        engine.move(case, "teleport", actor=town_operator)


def test_stale_version_raises_and_writes_nothing(town_operator: User, units: Units) -> None:
    case = register(town_operator)
    rows = CaseTransition.objects.count()
    with pytest.raises(ConcurrentUpdate) as conflict:
        a.do_accept(case, actor=town_operator, version=case.version + 5)
    assert conflict.value.errors[0]["current"] == case.version
    assert CaseTransition.objects.count() == rows
    assert Case.objects.get(pk=case.pk).status == "registered"


def test_a_failing_side_effect_rolls_everything_back(
    town_operator: User, units: Units, monkeypatch: Any
) -> None:
    # REL-02: the business row, the timeline, the audit row and the outbox commit together
    case = register(town_operator)
    counts = (CaseTransition.objects.count(), AuditEntry.objects.count(), Outbox.objects.count())

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("outbox down")

    monkeypatch.setattr("fengqiao.cases.actions.dispatch.enqueue", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        a.do_accept(case, actor=town_operator)
        a.do_dispatch(case, actor=town_operator, lead=a.AssignmentDraft(unit=units.env))
    assert Case.objects.get(pk=case.pk).status == "registered"
    assert (
        CaseTransition.objects.count(),
        AuditEntry.objects.count(),
        Outbox.objects.count(),
    ) == counts


def test_force_state_and_note(town_operator: User, units: Units) -> None:
    case = register(town_operator)
    merged = engine.force_state(case, "merge", target=MERGED, actor=town_operator, version=None)
    assert merged.status == MERGED and not merged.is_open
    row = engine.note(merged, "custom_note", actor=None, data={"x": 1})
    assert row.from_status == row.to_status == MERGED and row.data == {"x": 1}


def test_enqueue_payload(town_operator: User, units: Units) -> None:
    case = register(town_operator)
    message = engine.enqueue("t.topic", case=case, recipient="unit:X", payload={"level": 2})
    assert message.payload == {"receipt_no": case.receipt_no, "case_id": case.pk, "level": 2}
    bare = engine.enqueue("t.bare", case=None, recipient="")
    assert bare.payload == {} and bare.available_at is not None


def test_unregistered_kind_has_no_machine(units: Units, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(workflow._REGISTRY, "dispute", raising=False)
    case = Case(kind=Kind.DISPUTE, receipt_no="X", status="x", region=Region.objects.get(code=GRID))
    with pytest.raises(CaseError) as missing:
        engine.machine_of(case)
    assert "流程尚未配置" in missing.value.detail
    with pytest.raises(CaseError):
        a.do_register(
            a.CaseDraft(
                kind=Kind.DISPUTE,
                channel="walk_in",
                description="x",
                region=Region.objects.get(code=GRID),
            ),
            actor=None,
        )


# ------------------------------------------------------------------ who may act


def test_performer_rules(
    territory: Territory, town_operator: User, grid_worker: User, county_leader: User, units: Units
) -> None:
    case = register(town_operator)
    centre = engine.check_performer
    spec_centre = HOTLINE.action("accept")
    spec_lead = HOTLINE.action("sign")
    spec_field = GRID_EVENT.action("report")
    assert spec_centre and spec_lead and spec_field
    centre(case, spec_centre, town_operator, citizen=False)
    with pytest.raises(NotAllowed):
        centre(case, spec_centre, grid_worker, citizen=False)  # a grid worker does not dispatch
    with pytest.raises(NotAllowed):
        centre(case, spec_centre, county_leader, citizen=False)  # view only
    with pytest.raises(NotAllowed):
        centre(case, spec_centre, None, citizen=False)
    centre(case, spec_field, grid_worker, citizen=False)
    centre(case, spec_field, town_operator, citizen=False)
    # a region admin counts as centre; a mediator does not
    admin = make_user("region_admin", Role.REGION_ADMIN, territory.county)
    mediator = make_user("mediator", Role.MEDIATOR, territory.town)
    centre(case, spec_centre, admin, citizen=False)
    with pytest.raises(NotAllowed):
        centre(case, spec_centre, mediator, citizen=False)
    # the lead unit, once dispatched; the citizen path skips the check
    with pytest.raises(NotAllowed):
        centre(case, spec_lead, make_handler("h1", units.env), citizen=False)
    a.do_accept(case, actor=town_operator)
    a.do_dispatch(case, actor=town_operator, lead=a.AssignmentDraft(unit=units.env))
    case.refresh_from_db()
    centre(case, spec_lead, User.objects.get(username="h1"), citizen=False)
    centre(case, spec_lead, None, citizen=True)


def test_system_actions_need_no_person(units: Units) -> None:
    spec = ActionSpec("tick", "计时", ["registered"], ["registered"], By.SYSTEM)
    case = register(None)
    engine.check_performer(case, spec, None, citizen=False)
    with pytest.raises(NotAllowed):
        engine.check_performer(case, spec, User.objects.create_user("somebody"), citizen=False)
