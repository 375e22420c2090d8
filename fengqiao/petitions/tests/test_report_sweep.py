"""The annual report's rates and counts in more shapes (on-time acceptance and handling from the
timers, supervision from the engine's level, the most-complained units ranked and cut), and the
petitions' sweep step for both windows (复查 after a handling opinion, 复核 after a review)."""

from __future__ import annotations

from fengqiao.accounts.models import User
from fengqiao.cases import sweep
from fengqiao.cases.models import Case
from fengqiao.petitions import actions as p
from fengqiao.petitions.models import Matter, MatterStage
from fengqiao.petitions.report import annual_report
from fengqiao.petitions.sweep import conclude_expired
from fengqiao.petitions.tests.conftest import Organs
from fengqiao.petitions.tests.helpers import accept, decision, register, route, timer
from fengqiao.procedures.testing import at, travel
from fengqiao.testing import Territory
from fengqiao.units.models import Unit

STEP = "petition windows 信访复查期满办结"


def _item(territory: Territory, n: int, about: Unit | None = None, channel: str = "online") -> Case:
    return register(
        territory.village,
        at("2026-03-02", 8 + n),
        channel=channel,
        phone=f"1370000{n:04d}",
        id_number="",
        about=about,
    )


def test_on_time_rates_come_from_the_timers(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    on_time = route(_item(territory, 1), clerk, organs.housing, at("2026-03-03", 9))
    late = route(_item(territory, 2), clerk, organs.housing, at("2026-03-03", 9))
    accept(on_time, housing_officer, at("2026-03-10", 9))
    accept(late, housing_officer, at("2026-03-19", 9))  # 15 days ended 03-18
    report = annual_report(Case.objects.all(), 2026)
    assert report.acceptance_on_time == 0.5
    assert report.handling_on_time is None  # nothing decided yet
    with travel(at("2026-04-01")):
        p.do_decide(on_time, actor=housing_officer, draft=decision())
    assert annual_report(Case.objects.all(), 2026).handling_on_time == 1.0


def test_supervised_items_are_counted(territory: Territory, organs: Organs, clerk: User) -> None:
    item = route(_item(territory, 1), clerk, organs.housing, at("2026-03-03", 9))
    Case.objects.filter(pk=item.pk).update(supervision_level=2)
    _item(territory, 2)
    report = annual_report(Case.objects.all(), 2026)
    assert report.supervised == 1 and report.total == 2


def test_most_complained_units_ranked_and_cut(territory: Territory, organs: Organs) -> None:
    for n in range(3):
        _item(territory, n, about=organs.housing)
    for n in range(3, 5):
        _item(territory, n, about=organs.accused)
    _item(territory, 5, about=organs.court)
    report = annual_report(Case.objects.all(), 2026, top=2)
    assert report.most_complained_units == [
        {"unit": organs.housing.name, "count": 3},
        {"unit": organs.accused.name, "count": 2},
    ]
    assert report.by_channel == {"信息网络": 6}
    assert report.by_category == {"住房与物业": 6}


def test_empty_year(territory: Territory) -> None:
    report = annual_report(Case.objects.all(), 2030)
    assert report.total == 0 and report.acceptance_on_time is None
    assert report.by_channel == {} and report.most_complained_units == []


def test_recheck_window_expiry_concludes_a_reviewed_item(
    territory: Territory,
    organs: Organs,
    clerk: User,
    housing_officer: User,
    city_clerk: User,
    city_officer: User,
) -> None:
    case = route(
        register(territory.village, at("2026-06-01", 10)),
        clerk,
        organs.housing,
        at("2026-06-02", 10),
    )
    case = accept(case, housing_officer, at("2026-06-03", 10))
    with travel(at("2026-06-10", 10)):
        case = p.do_decide(case, actor=housing_officer, draft=decision())
    with travel(at("2026-06-15", 10)):
        case = p.do_request_review(
            case, actor=city_clerk, level="review", reviewing_unit=organs.city_housing, reason="x"
        )
        case = p.do_review_decide(case, actor=city_officer, level="review", draft=decision())
    assert timer(case, "petition.recheck_request").due_at.date().isoformat() == "2026-07-15"
    with travel(at("2026-07-16", 9)):
        summary = sweep.run(at("2026-07-16", 9))
    assert summary.extra[STEP] == 1
    case.refresh_from_db()
    assert case.status == "concluded"
    assert Matter.objects.get(petitions__case=case).stage == MatterStage.CLOSED


def test_the_step_skips_items_that_moved_on(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = route(
        register(territory.village, at("2026-06-01", 10)),
        clerk,
        organs.housing,
        at("2026-06-02", 10),
    )
    case = accept(case, housing_officer, at("2026-06-03", 10))
    with travel(at("2026-06-10", 10)):
        case = p.do_decide(case, actor=housing_officer, draft=decision())
    # the item was concluded by staff, but a stale window timer would still be found
    Case.objects.filter(pk=case.pk).update(status="concluded", is_open=False)
    with travel(at("2026-07-20", 9)):
        assert conclude_expired(at("2026-07-20", 9)) == 0
    assert timer(case, "petition.review_request").running


def test_nothing_expires_before_the_window_ends(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = route(
        register(territory.village, at("2026-06-01", 10)),
        clerk,
        organs.housing,
        at("2026-06-02", 10),
    )
    case = accept(case, housing_officer, at("2026-06-03", 10))
    with travel(at("2026-06-10", 10)):
        p.do_decide(case, actor=housing_officer, draft=decision())
    with travel(at("2026-07-10", 23, 59, 59)):
        assert conclude_expired(at("2026-07-10", 23, 59, 59)) == 0
    assert Case.objects.get(pk=case.pk).status == "decided"
