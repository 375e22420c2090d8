"""Case timers: start (pinned rule version, idempotent, missing rule), stop (met or not),
pause and resume (paused dates not counted), extension (approved rule, at most its times and
amount), the sweep's overdue mark (once; primary vs. the parties' windows) and `Case.due_at`
kept equal to the earliest running primary timer."""

from __future__ import annotations

import datetime as dt

import pytest

from fengqiao.cases import sweep
from fengqiao.cases.errors import Invalid
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.core.models import Outbox
from fengqiao.procedures import actions as t
from fengqiao.procedures.api import timers_out
from fengqiao.procedures.models import CaseTimer
from fengqiao.procedures.testing import at, end_of, travel
from fengqiao.procedures.timers import check_timers, latest, running, views
from fengqiao.rules.models import ClockRule
from fengqiao.units.models import Unit

HANDLING = "petition.handling"  # 60 calendar days, +30 once with approval (rule 19)
OBJECTION = "petition.misroute_objection"  # 5 working days (rule 18)
WINDOW = "petition.review_request"  # the petitioner's 30 days (rule 20)


def start(case: Case, code: str, when: dt.datetime, *, primary: bool = True) -> CaseTimer:
    with travel(when):
        timer = t.do_start_timer(case, code, start=when, actor=None, primary=primary)
    assert timer is not None
    return timer


# ------------------------------------------------------------------ start


def test_start_pins_the_rule_version_and_its_citation(case: Case) -> None:
    timer = start(case, HANDLING, at("2026-06-01"))
    rule = ClockRule.objects.filter(code=HANDLING).order_by("-version").first()
    assert rule is not None
    assert (timer.rule_id, timer.rule_version) == (rule.pk, rule.version)
    assert timer.name == rule.name and timer.basis.startswith(rule.citation)
    assert "信访工作条例" in timer.basis and "第三十四条" in timer.basis
    assert timer.due_at == end_of("2026-07-31") and not timer.uncertain
    assert timer.running and timer.met is None


def test_primary_timer_drives_the_case_deadline(case: Case) -> None:
    timer = start(case, HANDLING, at("2026-06-01"))
    case.refresh_from_db()
    assert case.due_at == timer.due_at and case.due_basis == timer.basis[:200]
    assert case.is_overdue is False


def test_window_of_the_parties_does_not_drive_the_case_deadline(case: Case) -> None:
    start(case, WINDOW, at("2026-06-01"), primary=False)
    case.refresh_from_db()
    assert case.due_at is None


def test_starting_again_keeps_the_running_timer(case: Case) -> None:
    first = start(case, HANDLING, at("2026-06-01"))
    again = start(case, HANDLING, at("2026-06-05"))
    assert again.pk == first.pk and again.started_at == at("2026-06-01")
    assert CaseTimer.objects.filter(case=case, code=HANDLING).count() == 1


def test_missing_rule_leaves_a_note_and_no_timer(case: Case) -> None:
    with travel(at("2026-06-01")):
        timer = t.do_start_timer(case, "no.such.clock", start=at("2026-06-01"), actor=None)
    assert timer is None
    row = CaseTransition.objects.get(case=case, action="timer_missing_rule")
    assert row.data == {"code": "no.such.clock"}
    assert not CaseTimer.objects.filter(case=case).exists()


def test_a_rule_not_yet_in_force_is_not_used(case: Case) -> None:
    # the 2022 regulation took effect on 2022-05-01: no petition clock before that
    with travel(at("2022-04-30")):
        timer = t.do_start_timer(case, HANDLING, start=at("2022-04-30"), actor=None)
    assert timer is None


def test_working_day_clock_across_national_day(case: Case) -> None:
    timer = start(case, OBJECTION, at("2026-09-30"), primary=False)
    assert timer.due_at == end_of("2026-10-13")  # 10-08, 09, 10 (调休), 12, 13


# ------------------------------------------------------------------ stop


@pytest.mark.parametrize(("when", "met"), [(end_of("2026-07-31"), True), (at("2026-08-01"), False)])
def test_stop_records_whether_it_was_met(case: Case, when: dt.datetime, met: bool) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(when):
        stopped = t.do_stop_timer(case, HANDLING, at=when, actor=None, reason="已办结")
    assert stopped is not None
    assert stopped.met is met and stopped.stopped_at == when and stopped.stop_reason == "已办结"
    assert stopped.is_overdue(when) is (not met)
    case.refresh_from_db()
    assert case.due_at is None  # no primary timer runs any more


def test_stopping_a_clock_that_does_not_run_does_nothing(case: Case) -> None:
    assert t.do_stop_timer(case, HANDLING, at=at("2026-06-01"), actor=None) is None


def test_a_stopped_code_may_start_again(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-06-02")):
        t.do_stop_timer(case, HANDLING, at=at("2026-06-02"), actor=None)
    second = start(case, HANDLING, at("2026-06-10"))
    assert second.due_at == end_of("2026-08-10")  # 08-09 is a Sunday
    assert latest(case, HANDLING) == second and running(case, HANDLING) == second
    assert CaseTimer.objects.filter(case=case, code=HANDLING).count() == 2


def test_latest_is_the_last_stopped_when_none_runs(case: Case) -> None:
    first = start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-06-02")):
        t.do_stop_timer(case, HANDLING, at=at("2026-06-02"), actor=None)
    assert running(case, HANDLING) is None
    found = latest(case, HANDLING)
    assert found is not None and found.pk == first.pk


# ------------------------------------------------------------------ pause and resume


def test_pause_and_resume_do_not_count_the_paused_dates(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-06-10", 9)):
        paused = t.do_pause_timer(case, HANDLING, at=at("2026-06-10", 9), actor=None, reason="听证")
    assert paused.paused_at == at("2026-06-10", 9)
    case.refresh_from_db()
    assert case.due_at is None  # a paused primary timer does not drive the deadline
    with travel(at("2026-06-12", 17)):
        resumed = t.do_resume_timer(case, HANDLING, at=at("2026-06-12", 17), actor=None)
    # 06-10, 06-11, 06-12 not counted: 07-31 + 3 = 08-03
    assert resumed.paused_at is None and resumed.due_at == end_of("2026-08-03")
    assert resumed.pauses == [[at("2026-06-10", 9).isoformat(), at("2026-06-12", 17).isoformat()]]
    case.refresh_from_db()
    assert case.due_at == end_of("2026-08-03")


def test_pausing_twice_and_resuming_a_running_clock_change_nothing(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-06-10")):
        resumed = t.do_resume_timer(case, HANDLING, at=at("2026-06-10"), actor=None)
        assert resumed.pauses == []
        t.do_pause_timer(case, HANDLING, at=at("2026-06-10"), actor=None)
        again = t.do_pause_timer(case, HANDLING, at=at("2026-06-11"), actor=None)
    assert len(again.pauses) == 1 and again.paused_at == at("2026-06-10")


def test_stop_while_paused_closes_the_pause(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-06-10")):
        t.do_pause_timer(case, HANDLING, at=at("2026-06-10"), actor=None)
    with travel(at("2026-06-11")):
        stopped = t.do_stop_timer(case, HANDLING, at=at("2026-06-11"), actor=None)
    assert stopped is not None and stopped.paused_at is None
    assert stopped.pauses[0][1] == at("2026-06-11").isoformat()
    assert stopped.met is True


def test_pause_needs_a_running_clock(case: Case) -> None:
    with pytest.raises(Invalid) as info:
        t.do_pause_timer(case, HANDLING, at=at("2026-06-10"), actor=None)
    assert info.value.errors[0]["field"] == "timer"
    with pytest.raises(Invalid):
        t.do_resume_timer(case, HANDLING, at=at("2026-06-10"), actor=None)


def test_a_paused_clock_is_never_marked_overdue(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-07-30")):
        t.do_pause_timer(case, HANDLING, at=at("2026-07-30"), actor=None)
    with travel(at("2026-09-01")):
        assert check_timers(at("2026-09-01")) == 0
    timer = CaseTimer.objects.get(case=case, code=HANDLING)
    assert timer.overdue_at is None and not timer.is_overdue(at("2026-09-01"))


# ------------------------------------------------------------------ extension


def test_extension_adds_the_approved_days_once(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-07-20")):
        extended = t.do_extend_timer(case, HANDLING, actor=None, reason="复杂")
        assert extended.due_at == end_of("2026-08-31")  # 08-30 is a Sunday
        assert len(extended.extensions) == 1
        with pytest.raises(Invalid) as info:
            t.do_extend_timer(case, HANDLING, actor=None, reason="再延")
    assert info.value.errors[0]["field"] == "extension"
    case.refresh_from_db()
    assert case.due_at == end_of("2026-08-31")


def test_extension_of_fewer_days(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-07-20")):
        extended = t.do_extend_timer(case, HANDLING, actor=None, granted=5)
    assert extended.due_at == end_of("2026-08-05")


def test_extension_beyond_the_maximum_is_refused(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-07-20")), pytest.raises(Invalid) as info:
        t.do_extend_timer(case, HANDLING, actor=None, granted=45)
    assert info.value.errors[0]["field"] == "extension"
    assert CaseTimer.objects.get(case=case, code=HANDLING).extensions == []


def test_a_clock_without_an_extension_rule_cannot_be_extended(case: Case) -> None:
    start(case, OBJECTION, at("2026-06-01"), primary=False)
    with travel(at("2026-06-02")), pytest.raises(Invalid):
        t.do_extend_timer(case, OBJECTION, actor=None)


def test_extension_clears_an_overdue_mark(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-08-01", 9)):
        sweep.run(at("2026-08-01", 9))
        assert CaseTimer.objects.get(case=case, code=HANDLING).overdue_at is not None
        extended = t.do_extend_timer(case, HANDLING, actor=None)
    assert extended.overdue_at is None and not extended.is_overdue(at("2026-08-01", 9))
    case.refresh_from_db()
    assert case.is_overdue is False and case.due_at == end_of("2026-08-31")


# ------------------------------------------------------------------ the sweep


def test_overdue_is_marked_once_with_a_timeline_row_and_notices(
    case: Case, committee: Unit
) -> None:
    Case.objects.filter(pk=case.pk).update(lead_unit=committee)
    case.refresh_from_db()
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-08-01")):
        assert check_timers(at("2026-08-01")) == 1
        assert check_timers(at("2026-08-01")) == 0
    timer = CaseTimer.objects.get(case=case, code=HANDLING)
    assert timer.overdue_at == at("2026-08-01")
    row = CaseTransition.objects.get(case=case, action="timer_overdue")
    assert row.data["code"] == HANDLING and "已超期" in row.reason
    recipients = set(
        Outbox.objects.filter(case=case, topic="timer.overdue").values_list("recipient", flat=True)
    )
    assert recipients == {f"region:{case.region.code}", f"unit:{committee.code}"}


def test_a_window_of_the_parties_expires_rather_than_falls_overdue(case: Case) -> None:
    start(case, WINDOW, at("2026-06-01"), primary=False)
    with travel(at("2026-07-02")):
        assert check_timers(at("2026-07-02")) == 1
    row = CaseTransition.objects.get(case=case, action="window_expired")
    assert "期限已届满" in row.reason
    assert Outbox.objects.filter(case=case, topic="timer.window_expired").count() == 1
    assert not Outbox.objects.filter(case=case, topic="timer.overdue").exists()


def test_the_sweep_reports_the_timer_step(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    with travel(at("2026-08-01")):
        summary = sweep.run(at("2026-08-01"))
    assert summary.extra["statutory timers 法定时限"] == 1
    assert "statutory timers 法定时限: 1" in summary.lines()


def test_earliest_primary_timer_wins(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    start(case, "petition.accept_notice", at("2026-06-01"))
    case.refresh_from_db()
    assert case.due_at == end_of("2026-06-16")
    with travel(at("2026-06-05")):
        t.do_stop_timer(case, "petition.accept_notice", at=at("2026-06-05"), actor=None)
    case.refresh_from_db()
    assert case.due_at == end_of("2026-07-31")


# ------------------------------------------------------------------ views


def test_views_show_every_clock_with_its_state(case: Case) -> None:
    start(case, HANDLING, at("2026-06-01"))
    start(case, WINDOW, at("2026-06-01"), primary=False)
    start(case, OBJECTION, at("2026-06-01"), primary=False)
    with travel(at("2026-06-02")):
        t.do_stop_timer(case, OBJECTION, at=at("2026-06-02"), actor=None)
        t.do_pause_timer(case, WINDOW, at=at("2026-06-02"), actor=None)
        t.do_extend_timer(case, HANDLING, actor=None, granted=3)
    shown = {v.code: v for v in views(case, at("2026-06-03"))}
    assert set(shown) == {HANDLING, WINDOW, OBJECTION}
    assert shown[HANDLING].extended and shown[HANDLING].primary and shown[HANDLING].running
    assert shown[WINDOW].paused and not shown[WINDOW].overdue
    assert not shown[OBJECTION].running and shown[OBJECTION].met is True
    late = {v.code: v for v in views(case, at("2026-09-01"))}
    assert late[HANDLING].overdue and not late[WINDOW].overdue
    with travel(at("2026-06-03")):
        out = timers_out(case)
    assert [o.code for o in out] == [v.code for v in views(case, at("2026-06-03"))]
    assert out[0].basis and isinstance(out[0].warnings, list)


def test_str_and_is_overdue_of_a_timer(case: Case) -> None:
    timer = start(case, HANDLING, at("2026-06-01"))
    assert str(timer) == f"{case.pk} {HANDLING} → 2026-07-31"
    assert not timer.is_overdue(end_of("2026-07-31"))
    assert timer.is_overdue(at("2026-08-01", 0, 0, 1))
