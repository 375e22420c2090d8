"""Recommendations made from petition items and their adoption (第四十一条, rule 22): recorded
through `do_make_recommendation` / `do_answer_recommendation` with a timeline note and an
audit row each, refused with per-field reasons, and counted by the annual report's data
endpoint and by the statistics layer."""

from __future__ import annotations

import datetime as dt

import pytest

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.errors import CaseError, Invalid, NotAllowed
from fengqiao.cases.models import Case, CaseTransition
from fengqiao.petitions import actions as p
from fengqiao.petitions.models import Recommendation
from fengqiao.petitions.report import annual_report, recommendation_measures
from fengqiao.petitions.tests.conftest import Organs
from fengqiao.petitions.tests.helpers import register, route
from fengqiao.procedures.testing import travel
from fengqiao.reports import periods, sync, tables
from fengqiao.reports.definitions import TABLES
from fengqiao.testing import Territory

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=CST)


def _routed(territory: Territory, organs: Organs, clerk: User) -> Case:
    case = register(territory.grid_a1, at(2), about=organs.housing)
    return route(case, clerk, organs.housing, at(3))


@pytest.mark.django_db
def test_a_recommendation_and_its_adoption(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = _routed(territory, organs, clerk)
    with travel(at(10)):
        row = p.do_make_recommendation(
            case, actor=clerk, kind="improve_policy", to_unit=organs.housing,
            content="建议完善加装电梯补贴发放办法",
        )  # fmt: skip
    assert row.issuer == organs.bureau  # the nearest 信访部门 of the item's region
    assert row.made_at == at(10) and row.adopted is None and row.made_by == clerk
    note = CaseTransition.objects.filter(case=case, action="recommend").get()
    assert note.reason == "完善政策建议" and note.data["to_unit"] == organs.housing.code
    audit = AuditEntry.objects.filter(action="case.recommend").get()
    assert audit.data["kind"] == "improve_policy"
    assert "电梯" not in str(audit.data)  # the text itself stays out of the audit trail

    with travel(at(20)):
        answered = p.do_answer_recommendation(row, actor=clerk, adopted=True, answer="已修订办法")
    assert answered.adopted is True and answered.answered_at == at(20)
    assert Recommendation.objects.get(pk=row.pk).answer == "已修订办法"
    assert AuditEntry.objects.filter(action="case.recommendation_answer").count() == 1
    with pytest.raises(CaseError) as refused:
        p.do_answer_recommendation(row, actor=clerk, adopted=False, answer="改变主意")
    assert "已登记" in refused.value.detail

    report = annual_report(Case.objects.all(), 2026)
    assert (report.recommendations, report.recommendations_adopted) == (1, 1)
    sync.sync()
    result = tables.build_for(TABLES["petition_routing"], territory.county, periods.parse("2026"))
    cells = [c.value for c in result.total.cells]
    assert cells[10] == 1 and cells[12] == 1 and str(cells[13]) == "1.0000"
    assert cells[4] == 1  # 交办 on 3 March


@pytest.mark.django_db
def test_refusals_name_their_fields(territory: Territory, organs: Organs, clerk: User) -> None:
    case = _routed(territory, organs, clerk)
    with pytest.raises(Invalid) as info:
        p.do_make_recommendation(case, actor=clerk, kind="praise", to_unit=organs.bureau,
                                 content="  ")  # fmt: skip
    fields = {e["field"] for e in info.value.errors}
    assert fields == {"kind", "content", "to_unit"}  # the bureau cannot advise itself
    organs.accused.is_active = False
    organs.accused.save(update_fields=["is_active"])
    with pytest.raises(Invalid) as info:
        p.do_make_recommendation(case, actor=clerk, kind="improve_work", to_unit=organs.accused,
                                 content="建议")  # fmt: skip
    assert [e["field"] for e in info.value.errors] == ["to_unit"]
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_only_the_regions_operators_record_recommendations(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = _routed(territory, organs, clerk)
    with pytest.raises(NotAllowed):
        p.do_make_recommendation(case, actor=housing_officer, kind="improve_work",
                                 to_unit=organs.housing, content="建议")  # fmt: skip
    row = p.do_make_recommendation(case, actor=clerk, kind="accountability",
                                   to_unit=organs.housing, content="建议追责")  # fmt: skip
    with pytest.raises(NotAllowed):
        p.do_answer_recommendation(row, actor=housing_officer, adopted=True)


@pytest.mark.django_db
def test_a_rejection_needs_its_reason_and_a_date_after_the_recommendation(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = _routed(territory, organs, clerk)
    with travel(at(10)):
        row = p.do_make_recommendation(case, actor=clerk, kind="improve_work",
                                       to_unit=organs.housing, content="建议")  # fmt: skip
    with pytest.raises(Invalid) as info:
        p.do_answer_recommendation(row, actor=clerk, adopted=False, answer=" ")
    assert info.value.errors[0]["field"] == "answer"
    with pytest.raises(Invalid) as info:
        p.do_answer_recommendation(row, actor=clerk, adopted=True, at=at(9))
    assert info.value.errors[0]["field"] == "at"
    p.do_answer_recommendation(row, actor=clerk, adopted=False, answer="职权外", at=at(12))
    row.refresh_from_db()
    assert row.adopted is False and row.answered_at == at(12)
    report = annual_report(Case.objects.all(), 2026)
    assert (report.recommendations, report.recommendations_adopted) == (1, 0)


def test_what_a_recommendation_counts() -> None:
    assert recommendation_measures(None) == {"recommendations": 1, "recommendations_adopted": 0}
    assert recommendation_measures(False) == {"recommendations": 1, "recommendations_adopted": 0}
    assert recommendation_measures(True) == {"recommendations": 1, "recommendations_adopted": 1}
