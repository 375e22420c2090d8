"""The petitioner's view (可查询、可跟踪、可督办、可评价): every key date in order — routing,
acceptance, extension with its notice, redirection, the expiry of the 复查 window — each
deadline with whether it was met, no staff or personal details; one rating per result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.petitions import actions as p
from fengqiao.petitions.api.present import public_out
from fengqiao.petitions.tests.conftest import Organs, unit_user
from fengqiao.petitions.tests.helpers import accept, decision, register, route
from fengqiao.procedures.testing import at, end_of, travel
from fengqiao.testing import Territory


def events(case: Case) -> list[str]:
    return [d.event for d in public_out(Case.objects.get(pk=case.pk)).key_dates]


def test_key_dates_in_order_with_extension(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-06-01", 10))
    case = route(case, clerk, organs.housing, at("2026-06-02", 10))
    case = accept(case, housing_officer, at("2026-06-03", 10))
    with travel(at("2026-07-20", 10)):
        p.do_extend(case, actor=housing_officer, reason="需要现场核查", approved_by="局长")
    with travel(at("2026-08-10", 10)):
        p.do_decide(case, actor=housing_officer, draft=decision("support"))
    shown = public_out(Case.objects.get(pk=case.pk))
    assert [d.event for d in shown.key_dates] == [
        "登记",
        "转送/交办",
        "转送/交办告知",
        "受理",
        "受理告知",
        "延期",
        "延期告知",
        "出具信访处理意见书",
    ]
    stamps = [d.at for d in shown.key_dates]
    assert stamps == sorted(stamps)
    handling = next(d for d in shown.deadlines if d.name.startswith("信访事项办结"))
    assert handling.met is True and not handling.running
    # 60 days from 06-03 end on 08-02, a Sunday → 08-03; +30 days → 09-02
    assert handling.due_at == end_of("2026-09-02") and "第三十四条" in handling.basis
    assert shown.can_rate is True and shown.satisfaction == ""
    assert [d.outcome_label for d in shown.decisions] == ["支持"]


def test_nothing_personal_or_internal_is_shown(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-06-01", 10))
    case = route(case, clerk, organs.housing, at("2026-06-02", 10))
    shown: Any = public_out(Case.objects.get(pk=case.pk)).dict()
    text = str(shown)
    for secret in ("赵四", "13912345678", "xf_clerk", "housing_officer", "小区加装电梯补贴"):
        assert secret not in text, secret
    assert set(shown) == {
        "receipt_no",
        "status_label",
        "received_at",
        "refusal_reason",
        "key_dates",
        "deadlines",
        "decisions",
        "can_rate",
        "satisfaction",
    }


def test_redirected_item_shows_the_procedure_and_can_be_rated(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    court_officer = unit_user("court_officer", organs.court)
    case = register(territory.village, at("2026-06-01", 10))
    case = route(
        case, clerk, organs.court, at("2026-06-02", 10), claim_route="litigation", mode="transfer"
    )
    case = accept(case, court_officer, at("2026-06-03", 10))
    with travel(at("2026-06-04", 10)):
        case = p.do_redirect(case, actor=court_officer, procedure="民事诉讼程序")
        shown = public_out(case)
        assert shown.can_rate
        case = p.do_rate(case, satisfaction="basic", comment="基本满意")
    assert "导入相应法定程序" in [d.event for d in shown.key_dates]
    assert "告知通过法定途径" in [d.event for d in shown.key_dates]
    assert Case.objects.get(pk=case.pk).satisfaction == "basic"
    assert "评价" in events(case)


def test_window_expiry_is_a_key_date(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    from fengqiao.cases import sweep

    case = register(territory.village, at("2026-06-01", 10))
    case = route(case, clerk, organs.housing, at("2026-06-02", 10))
    case = accept(case, housing_officer, at("2026-06-03", 10))
    with travel(at("2026-06-10", 10)):
        p.do_decide(case, actor=housing_officer, draft=decision())
    with travel(at("2026-07-11", 1)):
        sweep.run(at("2026-07-11", 1))
    assert events(case)[-1] == "办结（请求期满）"
    shown = public_out(Case.objects.get(pk=case.pk))
    window = next(d for d in shown.deadlines if d.name == "请求复查")
    assert not window.running and window.met is False
    assert shown.status_label.startswith("已办结")


def test_refused_repeat_shows_its_reason(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    first = register(territory.village, at("2026-06-01", 10))
    route(first, clerk, organs.housing, at("2026-06-02", 10))
    again = register(territory.village, at("2026-06-05", 10))
    shown = public_out(again)
    assert shown.refusal_reason.startswith("该信访事项正在受理、办理中")
    assert [d.event for d in shown.key_dates] == ["登记", "不予受理（同一事项）", "不予受理告知"]
    assert shown.deadlines == [] and shown.can_rate is False


def test_rating_replaces_the_previous_one(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-06-01", 10))
    case = route(case, clerk, organs.housing, at("2026-06-02", 10))
    case = accept(case, housing_officer, at("2026-06-03", 10))
    with travel(at("2026-06-10", 10)):
        case = p.do_decide(case, actor=housing_officer, draft=decision())
        p.do_rate(case, satisfaction="dissatisfied")
    with travel(at("2026-06-11", 10)):
        p.do_rate(Case.objects.get(pk=case.pk), satisfaction="satisfied", comment="已解决")
    stored = Case.objects.get(pk=case.pk)
    assert stored.satisfaction == "satisfied"
    assert stored.callback_at == datetime.fromisoformat(at("2026-06-11", 10).isoformat())
    assert events(case).count("评价") == 2
