"""The 建议 section of a petition item's case page (第四十一条, rule 22): the 信访部门 makes a
recommendation and records the unit's answer there; bad input comes back marked on the
page (422) with nothing written; the unit that holds the item reads only what was sent to it
and is offered no form (a forged post is 403); a user of another township gets 404 like a
missing item (AC-02), as does the accused unit of an accusation (AC-10); other kinds of case
have no section; the section reads in English."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case
from fengqiao.console.tests.cases_helpers import client_for
from fengqiao.console.tests.cases_helpers import register as register_hotline
from fengqiao.petitions import actions as p
from fengqiao.petitions.models import Recommendation
from fengqiao.petitions.tests.conftest import (  # noqa: F401
    Organs,
    clerk,
    housing_officer,
    organs,
    unit_user,
)
from fengqiao.petitions.tests.helpers import register, route
from fengqiao.procedures.testing import at
from fengqiao.testing import Territory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(territory: Territory, organs: Organs, clerk: User) -> Case:  # noqa: F811
    case = register(territory.grid_a1, at("2026-03-02"), about=organs.housing)
    return route(case, clerk, organs.housing, at("2026-03-03"))


def page(client: Client, case: Case) -> Any:
    response = client.get(f"/console/cases/{case.pk}/")
    assert response.status_code == 200, response.status_code
    return response


def make(client: Client, case: Case, **fields: Any) -> Any:
    return client.post(
        f"/console/cases/{case.pk}/recommendations/",
        {f"recommend-{k}": v for k, v in fields.items()},
    )


def answer(client: Client, case: Case, rec: Recommendation, **fields: Any) -> Any:
    return client.post(
        f"/console/cases/{case.pk}/recommendations/{rec.pk}/answer/",
        {f"answer-{rec.pk}-{k}": v for k, v in fields.items()},
    )


def test_the_bureau_makes_and_answers_a_recommendation(
    item: Case,
    organs: Organs,  # noqa: F811
    clerk: User,  # noqa: F811
) -> None:
    client = client_for(clerk)
    section = page(client, item).context["recommendations"]
    assert section.can_record and section.rows == []
    units = list(section.make_form.fields["to_unit"].queryset)
    assert organs.housing in units and organs.city_housing in units  # the item's line
    html = page(client, item).content.decode()
    assert "尚未提出建议。" in html and "确认提出建议" in html

    done = make(client, item, kind="improve_work", to_unit=organs.housing.pk,
                content="建议规范补贴发放流程，联系人13912345678")  # fmt: skip
    assert done.status_code == 302 and done["Location"] == f"/console/cases/{item.pk}/"
    rec = Recommendation.objects.get()
    assert (rec.kind, rec.to_unit, rec.issuer, rec.made_by) == (
        "improve_work",
        organs.housing,
        organs.bureau,
        clerk,
    )
    html = page(client, item).content.decode()
    assert "改进工作建议" in html and "待答复" in html and "登记采纳情况" in html
    assert "13912345678" not in html  # scrubbed
    assert "提出建议" in html  # the timeline names the note

    refused = answer(client, item, rec, adopted="no", answer=" ")
    assert refused.status_code == 422
    assert "请填写未采纳的理由" in refused.content.decode()
    assert refused.context["recommendations"].open_answer == rec.pk
    rec.refresh_from_db()
    assert rec.adopted is None

    assert answer(client, item, rec, adopted="no", answer="超出本局职权").status_code == 302
    rec.refresh_from_db()
    assert rec.adopted is False and rec.answer == "超出本局职权"
    html = page(client, item).content.decode()
    assert "未采纳" in html and "超出本局职权" in html and "登记采纳情况</summary>" not in html
    assert AuditEntry.objects.filter(action="case.recommendation_answer").count() == 1
    again = answer(client, item, rec, adopted="yes")
    assert again.status_code == 409 and "已登记" in again.content.decode()


def test_bad_input_is_marked_and_nothing_is_written(
    item: Case,
    organs: Organs,  # noqa: F811
    clerk: User,  # noqa: F811
) -> None:
    client = client_for(clerk)
    blank = make(client, item, kind="", to_unit="", content="")
    assert blank.status_code == 422
    form = blank.context["recommendations"].make_form
    assert set(form.errors) == {"kind", "to_unit", "content"}
    foreign = make(client, item, kind="improve_work", to_unit=999999, content="建议")
    assert foreign.status_code == 422 and "单位无效。" in foreign.content.decode()
    itself = make(client, item, kind="improve_work", to_unit=organs.bureau.pk, content="建议")
    assert itself.status_code == 422
    assert "建议对象不能是提出建议的机关" in itself.content.decode()
    assert not Recommendation.objects.exists()


def test_the_unit_that_holds_the_item_reads_what_was_sent_to_it(
    item: Case,
    organs: Organs,  # noqa: F811
    clerk: User,  # noqa: F811
    housing_officer: User,  # noqa: F811
) -> None:
    to_housing = p.do_make_recommendation(
        item, actor=clerk, kind="improve_work", to_unit=organs.housing, content="建议规范流程"
    )
    p.do_make_recommendation(
        item, actor=clerk, kind="accountability", to_unit=organs.discipline, content="建议追责"
    )
    officer = client_for(housing_officer)
    section = page(officer, item).context["recommendations"]
    assert [r.rec.pk for r in section.rows] == [to_housing.pk]
    assert not section.can_record and section.make_form is None and section.rows[0].form is None
    assert "建议追责" not in page(officer, item).content.decode()
    forged = make(officer, item, kind="improve_work", to_unit=organs.housing.pk, content="建议")
    assert forged.status_code == 403
    assert answer(officer, item, to_housing, adopted="yes").status_code == 403
    assert Recommendation.objects.count() == 2 and to_housing.adopted is None


def test_another_township_gets_404(
    territory: Territory,
    item: Case,
    organs: Organs,  # noqa: F811
    clerk: User,  # noqa: F811
) -> None:
    rec = p.do_make_recommendation(
        item, actor=clerk, kind="improve_work", to_unit=organs.housing, content="建议"
    )
    stranger = client_for(make_user("west_town_operator", Role.OPERATOR, territory.other_town))
    assert stranger.get(f"/console/cases/{item.pk}/").status_code == 404
    made = make(stranger, item, kind="improve_work", to_unit=organs.housing.pk, content="建议")
    assert made.status_code == 404
    assert answer(stranger, item, rec, adopted="yes").status_code == 404
    missing = client_for(clerk).post(f"/console/cases/{item.pk}/recommendations/999999/answer/")
    assert missing.status_code == 404
    assert Recommendation.objects.count() == 1
    # the item's own township is the 信访部门's region too: it may record
    town = client_for(make_user("town_operator", Role.OPERATOR, territory.town))
    assert page(town, item).context["recommendations"].can_record


def test_the_accused_unit_sees_no_section(
    territory: Territory,
    organs: Organs,  # noqa: F811
    clerk: User,  # noqa: F811
) -> None:
    case = register(territory.grid_a1, at("2026-03-02"), about=organs.accused,
                    petition_type="accusation")  # fmt: skip
    route(case, clerk, organs.discipline, at("2026-03-03"), petition_type="accusation",
          mode="transfer")  # fmt: skip
    accused = client_for(unit_user("accused_officer", organs.accused))
    response = accused.get(f"/console/cases/{case.pk}/")
    if response.status_code == 200:
        assert response.context["recommendations"] is None
    made = make(accused, case, kind="accountability", to_unit=organs.accused.pk, content="x")
    assert made.status_code == 404


def test_other_kinds_have_no_section(territory: Territory, clerk: User) -> None:  # noqa: F811
    case = register_hotline(clerk, territory.grid_a1).case
    response = page(client_for(clerk), case)
    assert response.context["recommendations"] is None
    assert 'id="recs-title"' not in response.content.decode()
    posted = make(client_for(clerk), case, kind="improve_work", content="x")
    assert posted.status_code == 404


def test_the_section_in_english(item: Case, clerk: User) -> None:  # noqa: F811
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(clerk)
    html = client.get(f"/console/cases/{item.pk}/").content.decode()
    assert "Recommendations" in html and "Make a recommendation" in html
    assert "No recommendations yet." in html
