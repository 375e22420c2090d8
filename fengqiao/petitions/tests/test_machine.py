"""The petition machine as a table (信访工作条例 第二十二—三十六条): every state reachable; the
final states closed; 复核 final; hearings are the paused states; who performs each step."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fengqiao.cases.workflow import By, Kind, is_open_state, machine_for
from fengqiao.petitions.machine import PETITION, STATES


def test_registered_for_the_petition_kind() -> None:
    assert machine_for(Kind.PETITION) is not None
    assert machine_for(Kind.PETITION).transitions == PETITION.transitions  # type: ignore[union-attr]


def test_every_state_is_reachable() -> None:
    seen, todo = {PETITION.initial}, [PETITION.initial]
    while todo:
        for nxt in PETITION.transitions[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(STATES)


def test_final_states() -> None:
    assert PETITION.terminal == {"not_accepted", "redirected", "rechecked", "concluded"}
    for state in PETITION.terminal:
        assert PETITION.actions_from(state) == []
    # after 复核 nothing follows (第三十六条)
    assert PETITION.transitions["rechecked"] == frozenset()


def test_hearings_pause_the_clock() -> None:
    assert PETITION.paused == {"review_hearing", "recheck_hearing"}
    for state in PETITION.paused:
        assert state not in PETITION.terminal


def test_who_does_what() -> None:
    by = {a.name: a.by for a in PETITION.actions}
    assert by["dispatch"] == By.CENTRE and by["refuse"] == By.CENTRE
    assert by["sign"] == By.LEAD and by["decide"] == By.LEAD and by["object"] == By.LEAD
    assert by["request_review"] == By.CENTRE and by["request_recheck"] == By.CENTRE
    assert by["refuse_repeat"] == By.SYSTEM and by["expire"] == By.SYSTEM


def test_review_before_recheck() -> None:
    request_recheck = PETITION.action("request_recheck")
    assert request_recheck is not None and request_recheck.sources == {"reviewed"}
    request_review = PETITION.action("request_review")
    assert request_review is not None and request_review.sources == {"decided"}


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=25))
def test_random_walks_end_in_a_declared_state(choices: list[int]) -> None:
    state = PETITION.initial
    for pick in choices:
        actions = PETITION.actions_from(state)
        if not actions:
            assert state in PETITION.terminal
            break
        action = actions[pick % len(actions)]
        state = sorted(action.targets)[pick % len(action.targets)]
    assert state in STATES
    assert is_open_state(Kind.PETITION, state) is (state not in PETITION.terminal)
