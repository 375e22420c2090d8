"""The three types and the six routes of 申诉求决类 (第二十九—三十一条) end to end through the
actions: which items get the 60-day handling clock (route 6 and the other types), which are
redirected into another procedure (routes 1–4), which end with a written reply (routes 5–6)."""

from __future__ import annotations

import pytest

from fengqiao.accounts.models import User
from fengqiao.petitions import actions as p
from fengqiao.petitions.models import ClaimRoute, Petition
from fengqiao.petitions.tests.conftest import Organs, unit_user
from fengqiao.petitions.tests.helpers import accept, decision, refused, register, route, timer
from fengqiao.procedures.testing import at, travel
from fengqiao.testing import Territory

REDIRECTED = ["arbitration", "party_appeal", "administrative"]


@pytest.mark.parametrize("claim_route", REDIRECTED)
def test_routes_two_to_four_are_redirected_without_a_handling_clock(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User, claim_route: str
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03"), claim_route=claim_route)
    case = accept(case, housing_officer, at("2026-03-04"))
    assert Petition.objects.get(case=case).route == claim_route
    assert timer(case, "petition.handling") is None
    with refused("应导入相应程序"), travel(at("2026-03-05")):
        p.do_decide(case, actor=housing_officer, draft=decision())
    procedure = ClaimRoute(claim_route).label
    with travel(at("2026-03-05")):
        case = p.do_redirect(case, actor=housing_officer, procedure=procedure)
    assert case.status == "redirected" and not case.is_open
    assert Petition.objects.get(case=case).redirected_to == procedure[:200]


def test_route_five_ends_with_a_written_reply(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03"), claim_route="duty")
    case = accept(case, housing_officer, at("2026-03-04"))
    assert timer(case, "petition.handling") is None  # its own statutory procedure applies
    with refused("第（一）至（四）项"), travel(at("2026-03-05")):
        p.do_redirect(case, actor=housing_officer, procedure="查处")
    with travel(at("2026-03-20")):
        case = p.do_decide(case, actor=housing_officer, draft=decision("support"))
    assert case.status == "decided"
    assert timer(case, "petition.review_request").running


@pytest.mark.parametrize("petition_type", ["suggestion", "accusation"])
def test_other_types_run_the_handling_clock(
    territory: Territory, organs: Organs, clerk: User, petition_type: str
) -> None:
    organ = organs.discipline if petition_type == "accusation" else organs.housing
    officer = unit_user(f"{petition_type}_officer", organ)
    case = register(territory.village, at("2026-06-01", 10), about=organs.accused)
    case = route(case, clerk, organ, at("2026-06-02", 10), petition_type=petition_type)
    case = accept(case, officer, at("2026-06-03", 10))
    assert Petition.objects.get(case=case).route == ""
    handling = timer(case, "petition.handling")
    assert handling is not None and handling.primary
    with travel(at("2026-06-20", 10)):
        case = p.do_decide(case, actor=officer, draft=decision("explain"))
    assert timer(case, "petition.handling").met is True


def test_route_given_at_acceptance_overrides_the_routing(
    territory: Territory, organs: Organs, clerk: User, housing_officer: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.housing, at("2026-03-03"), claim_route="duty")
    with travel(at("2026-03-04")):
        case = p.do_accept_petition(
            case, actor=housing_officer, mode="written", route="investigate"
        )
    assert Petition.objects.get(case=case).route == "investigate"
    assert timer(case, "petition.handling") is not None


def test_litigation_route_marks_the_item_litigation_related(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.court, at("2026-03-03"), claim_route="litigation")
    petition = Petition.objects.get(case=case)
    assert petition.litigation_related and petition.route == "litigation"


def test_redispatch_keeps_the_separation_rules(
    territory: Territory, organs: Organs, clerk: User
) -> None:
    court_officer = unit_user("court_officer", organs.court)
    case = register(territory.village, at("2026-03-02", 10))
    case = route(case, clerk, organs.court, at("2026-03-03"), claim_route="litigation")
    with travel(at("2026-03-04")):
        case = p.do_object_misrouted(case, actor=court_officer, reason="属检察机关")
        with refused("转送、交办的机关不符合规定"):
            p.do_redispatch_petition(case, actor=clerk, organ=organs.housing, reason="改派")
