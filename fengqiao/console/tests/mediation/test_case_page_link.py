"""The operator's generic case page for a dispute (矛盾纠纷, 法院委派/委托调解): instead of the
cases app's versions of the dispute machine's steps (分派, 受理, 退回, 改派, 维持) and the 12345
协办 steps, it shows 到调解工作台办理, a link to the dispute page, where the centre's steps are
done by the mediation app (stage, clocks, lead hand-over). 督办 stays on the case page (it
leaves the dispute's state alone); a posted generic step is refused with 409 and changes
nothing; a 12345 order keeps its actions and has no link."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import Role, User
from fengqiao.cases.models import Case
from fengqiao.console import case_ops
from fengqiao.console.tests.cases_helpers import act, client_for, offered, register
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import MediationStage
from fengqiao.mediation.tests.conftest import Bodies
from fengqiao.mediation.tests.helpers import draft
from fengqiao.testing import Territory, make_user

pytestmark = pytest.mark.django_db
LINK = "到调解工作台办理"


@pytest.fixture
def operator(territory: Territory) -> User:
    return make_user("county_operator", Role.OPERATOR, territory.county)


def registered_dispute(territory: Territory, actor: User) -> Case:
    """A dispute registered without a body: the centre has to 分派 it."""
    return m.do_intake_dispute(draft(territory.grid_a1), m.DisputeDraft(), actor=actor).case


def case_page(client: Client, case: Case) -> Any:
    response = client.get(f"/console/cases/{case.pk}/")
    assert response.status_code == 200
    return response


def mediation_act(client: Client, case: Case, action: str, **fields: Any) -> Any:
    case.refresh_from_db()
    data = {f"{action}-version": case.version}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/console/mediation/{case.pk}/act/{action}/", data)


def test_a_registered_dispute_links_to_the_workspace_instead_of_the_generic_dispatch(
    territory: Territory, bodies: Bodies, operator: User
) -> None:
    case = registered_dispute(territory, operator)
    client = client_for(operator)
    response = case_page(client, case)
    html = response.content.decode()
    assert response.context["dispute_url"] == f"/console/mediation/{case.pk}/"
    assert f'href="/console/mediation/{case.pk}/"' in html and LINK in html
    # the generic 分派 (cases.do_dispatch to any serving unit, no mediation stage) is gone
    assert offered(client, case) == ["supervise"]
    refused = act(client, case, "dispatch", lead_opt=bodies.village.pk)
    assert refused.status_code == 409
    assert "调解工作台" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "registered" and not MediationStage.objects.filter(case=case).exists()
    # 督办 stays: it leaves the dispute's state alone
    assert act(client, case, "supervise", level=1, reason="群众反映多次").status_code == 302
    case.refresh_from_db()
    assert case.supervision_level == 1 and case.status == "registered"

    # on the dispute page the operator dispatches with the mediation app's bookkeeping
    workspace = client.get(f"/console/mediation/{case.pk}/")
    assert workspace.status_code == 200
    assert [op.name for op in workspace.context["offered"]] == ["dispatch"]
    done = mediation_act(client, case, "dispatch", org=bodies.village.pk)
    assert done.status_code == 302, done.content.decode()
    case.refresh_from_db()
    assert case.status == "dispatched" and case.lead_unit_id == bodies.village.pk
    stage = MediationStage.objects.get(case=case)
    assert stage.org_id == bodies.village.pk


def test_the_bodys_steps_and_the_centres_ruling_are_not_on_the_case_page(
    territory: Territory, bodies: Bodies, operator: User, villager: User
) -> None:
    case = m.do_intake_dispute(
        draft(territory.grid_a1), m.DisputeDraft(org=bodies.village), actor=operator
    ).case
    member = client_for(villager)
    # the committee's 受理 / 退回 were offered here as the cases app's do_accept / do_object
    assert offered(member, case) == []
    assert LINK in case_page(member, case).content.decode()
    steps: list[tuple[str, dict[str, Any]]] = [("accept", {}), ("object", {"reason": "不属本会"})]
    for action, fields in steps:
        assert act(member, case, action, **fields).status_code == 409
    case.refresh_from_db()
    assert case.status == "dispatched"

    assert mediation_act(member, case, "object", reason="不属本委员会调解范围").status_code == 302
    centre = client_for(operator)
    assert offered(centre, case) == ["supervise"]
    rulings: list[tuple[str, dict[str, Any]]] = [
        ("redispatch", {"lead": bodies.township.pk, "reason": "改派"}),
        ("uphold", {"reason": "属本会"}),
    ]
    for action, fields in rulings:
        assert act(centre, case, action, **fields).status_code == 409
    workspace = centre.get(f"/console/mediation/{case.pk}/")
    assert [op.name for op in workspace.context["offered"]] == ["redispatch", "uphold"]
    form = next(op.form for op in workspace.context["offered"] if op.name == "redispatch")
    assert bodies.village.pk not in [u.pk for u in form.fields["org"].queryset]
    bad = mediation_act(centre, case, "redispatch", reason="改派")
    assert bad.status_code == 422
    done = mediation_act(centre, case, "redispatch", org=bodies.township.pk, reason="属街道调委会")
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "dispatched" and case.lead_unit_id == bodies.township.pk
    units = list(MediationStage.objects.filter(case=case).order_by("pk").values_list("org_id"))
    assert units == [(bodies.village.pk,), (bodies.township.pk,)]


def test_the_centre_upholds_a_return_on_the_dispute_page(
    territory: Territory, bodies: Bodies, operator: User, villager: User
) -> None:
    case = m.do_intake_dispute(
        draft(territory.grid_a1), m.DisputeDraft(org=bodies.village), actor=operator
    ).case
    assert mediation_act(client_for(villager), case, "object", reason="不属本会").status_code == 302
    done = mediation_act(client_for(operator), case, "uphold", reason="属本会调解范围")
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "dispatched" and case.lead_unit_id == bodies.village.pk


def test_a_hotline_order_keeps_its_actions_and_has_no_link(
    territory: Territory, operator: User
) -> None:
    case = register(operator, territory.grid_a1).case
    client = client_for(operator)
    response = case_page(client, case)
    assert response.context["dispute_url"] == ""
    assert LINK not in response.content.decode()
    assert offered(client, case)[-2:] == ["accept", "supervise"]
    assert act(client, case, "accept").status_code == 302


def test_the_link_only_for_a_user_who_may_open_the_dispute(
    territory: Territory, bodies: Bodies, operator: User
) -> None:
    case = registered_dispute(territory, operator)
    stranger = make_user("west_operator", Role.OPERATOR, territory.other_town)
    assert case_ops.dispute_page(case, operator) == f"/console/mediation/{case.pk}/"
    assert case_ops.dispute_page(case, stranger) == ""
    assert client_for(stranger).get(f"/console/cases/{case.pk}/").status_code == 404
    leader = client_for(make_user("county_leader", Role.LEADER, territory.county))
    response = case_page(leader, case)
    assert LINK in response.content.decode() and response.context["offered"] == []
    assert leader.get(f"/console/mediation/{case.pk}/").status_code == 200


def test_the_rule_covers_every_generic_step_of_the_dispute_machine() -> None:
    from fengqiao.mediation.machine import DISPUTE

    shared = {spec.name for spec in DISPUTE.actions} & set(case_ops.OPS)
    assert shared == {"dispatch", "accept", "object", "redispatch", "uphold"}
    assert not shared & case_ops.ENGINE_LEVEL
    assert set(case_ops.OPS) >= case_ops.ENGINE_LEVEL
