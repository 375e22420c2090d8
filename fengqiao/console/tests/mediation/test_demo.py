"""The mediation demo on the test territory (whose codes are the demo's): the demo mediator's
workspace shows disputes at several stages, demo_grid gets visit tasks, running twice adds
nothing, and without the logins nothing is added."""

from __future__ import annotations

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.cases.models import Case
from fengqiao.console.demo_mediation import MARK, populate_mediation_demo
from fengqiao.console.mediation_pages import counts, my_disputes
from fengqiao.console.tests.cases_helpers import client_for
from fengqiao.mediation.models import JudicialConfirmation, Mediator
from fengqiao.testing import Territory, make_user
from fengqiao.visits.models import VisitTask
from fengqiao.visits.selectors import my_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins(territory: Territory) -> dict[str, User]:
    return {
        "demo_mediator": make_user("demo_mediator", Role.MEDIATOR, territory.town),
        "demo_grid": make_user("demo_grid", Role.GRID_WORKER, territory.grid_a1),
        "demo_operator": make_user("demo_operator", Role.OPERATOR, territory.county),
    }


def test_demo_gives_the_mediator_disputes_at_every_stage(logins: dict[str, User]) -> None:
    assert populate_mediation_demo() == 4
    mediator = logins["demo_mediator"]
    mediator.refresh_from_db()
    assert Mediator.objects.get(user=mediator).name == "陈桂英"
    figures = counts(my_disputes(mediator))
    assert figures["all"] == 4
    assert figures["accept"] == 1 and figures["mediating"] == 1
    assert figures["supervising"] == 1 and figures["confirmation"] == 1
    assert JudicialConfirmation.objects.count() == 1
    page = client_for(mediator).get("/console/mediation/")
    assert page.status_code == 200
    assert "已申请司法确认（待法院受理）" in page.content.decode()
    settled = Case.objects.get(external_ref=f"{MARK}3")
    detail = client_for(mediator).get(f"/console/mediation/{settled.pk}/")
    assert detail.context["can_download"]
    assert "sign_agreement" in [o.name for o in detail.context["offered"]]
    word = client_for(mediator).get(f"/console/mediation/{settled.pk}/agreement.docx")
    assert word.status_code == 200


def test_demo_gives_the_grid_worker_visit_tasks(logins: dict[str, User]) -> None:
    populate_mediation_demo()
    tasks = list(my_tasks(logins["demo_grid"]))
    assert len(tasks) == 3
    assert {t.kind for t in tasks} == {"key_household", "dispute_followup", "safety"}
    assert (
        "独居老人" in client_for(logins["demo_grid"]).get("/console/grid/visits/").content.decode()
    )


def test_demo_runs_twice_without_adding(logins: dict[str, User]) -> None:
    populate_mediation_demo()
    before = (Case.objects.count(), VisitTask.objects.count(), Mediator.objects.count())
    assert populate_mediation_demo() == 0
    assert (Case.objects.count(), VisitTask.objects.count(), Mediator.objects.count()) == before


def test_demo_without_logins_adds_nothing(territory: Territory) -> None:
    assert populate_mediation_demo() == 0
    assert Case.objects.count() == 0 and VisitTask.objects.count() == 0
