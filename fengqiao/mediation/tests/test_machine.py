"""The dispute machine as a table: every state reachable, terminal states final, each rule's
step present with the right actor; registered for disputes and court referrals alike.
Property tests walk random paths through the table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fengqiao.cases.workflow import By, Kind, is_open_state, machine_for
from fengqiao.mediation.machine import (
    COURT_REFERRAL,
    DISPUTE,
    DISPUTE_KINDS,
    MEDIATING_STATES,
    STATES,
)


def reachable() -> set[str]:
    seen, todo = {DISPUTE.initial}, [DISPUTE.initial]
    while todo:
        for nxt in DISPUTE.transitions[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_every_state_is_reachable_and_labelled() -> None:
    assert reachable() == set(STATES)
    assert all(label for label in STATES.values())


def test_terminal_states_are_final_and_closed() -> None:
    for state in DISPUTE.terminal:
        assert DISPUTE.actions_from(state) == [], state
        assert not is_open_state(Kind.DISPUTE, state)
    assert DISPUTE.resolved_states == {"performed"}
    assert DISPUTE.terminal == {
        "declined",
        "terminated",
        "returned",
        "performed",
        "unperformed",
        "litigation",
    }


def test_every_open_state_leads_somewhere() -> None:
    for state in DISPUTE.open_states:
        assert DISPUTE.actions_from(state), state


def test_both_kinds_share_the_table() -> None:
    assert DISPUTE_KINDS == (Kind.DISPUTE, Kind.COURT_REFERRAL)
    assert machine_for(Kind.DISPUTE) is not None
    assert machine_for(Kind.COURT_REFERRAL) is not None
    assert COURT_REFERRAL.transitions == DISPUTE.transitions
    assert COURT_REFERRAL.kind == Kind.COURT_REFERRAL


def test_rule_23_refusal_only_before_sessions() -> None:
    decline = DISPUTE.action("decline")
    assert decline is not None
    assert decline.sources == {"dispatched", "accepted", "assigned"}
    assert decline.targets == {"declined"} and decline.by == By.LEAD


def test_only_the_system_moves_a_failed_referral_on() -> None:
    for name in ("divert", "return_to_court"):
        action = DISPUTE.action(name)
        assert action is not None and action.by == By.SYSTEM and action.sources == {"failed"}


def test_the_court_steps_are_the_leads() -> None:
    for name in (
        "apply_confirmation",
        "refuse_application",
        "accept_confirmation",
        "extend_confirmation",
        "confirm",
        "reject_confirmation",
    ):
        action = DISPUTE.action(name)
        assert action is not None and action.by == By.LEAD, name
    apply = DISPUTE.action("apply_confirmation")
    assert apply is not None and apply.sources == {"agreed"}


def test_transfer_is_open_until_an_agreement() -> None:
    transfer = DISPUTE.action("transfer")
    assert transfer is not None
    assert transfer.sources == MEDIATING_STATES | {"failed"}
    assert transfer.targets == {"dispatched"}


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=25))
def test_random_walks_stay_in_the_table(choices: list[int]) -> None:
    state = DISPUTE.initial
    for pick in choices:
        actions = DISPUTE.actions_from(state)
        if not actions:
            assert state in DISPUTE.terminal
            break
        action = actions[pick % len(actions)]
        targets = sorted(action.targets)
        nxt = targets[pick % len(targets)]
        assert nxt in DISPUTE.transitions[state]
        state = nxt
    assert state in STATES


@given(st.sampled_from(sorted(STATES)))
def test_open_state_iff_not_terminal(state: str) -> None:
    assert is_open_state(Kind.DISPUTE, state) is (state not in DISPUTE.terminal)
    assert is_open_state(Kind.COURT_REFERRAL, state) is (state not in DISPUTE.terminal)
