"""Configuration through the API: mediation organisations and rooms, mediators with their
specialities and workload, a court's diversion route, the provincial average wage — who may
write each (403 otherwise), field errors (422, never a 500) and scoped lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.mediation.models import (
    AverageWage,
    DiversionRoute,
    DiversionStep,
    MediationOrg,
    MediationRoom,
    Mediator,
)
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.procedures.testing import Api, ok
from fengqiao.testing import Territory
from fengqiao.units.models import Unit, UnitType

BASE = "/api/v1/mediation"


def fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


# ------------------------------------------------------------------ organisations and rooms


def test_orgs_are_listed_within_scope(
    territory: Territory, county_operator: User, outsider: User, bodies: Bodies
) -> None:
    listed = ok(Api(county_operator).get(f"{BASE}/orgs"))
    assert {o["unit_code"] for o in listed} == {
        bodies.village.code,
        bodies.township.code,
        bodies.admin.code,
        bodies.centre.code,
        bodies.pretrial.code,
        bodies.team.code,
    }
    village = next(o for o in listed if o["unit_code"] == bodies.village.code)
    assert village["kind_label"] == "村（居）民委员会人民调解委员会"
    assert village["mediation_type"] == "people" and village["rooms"] == []
    only = ok(Api(county_operator).get(f"{BASE}/orgs", kind="administrative"))
    assert [o["unit_code"] for o in only] == [bodies.admin.code]
    assert ok(Api(outsider).get(f"{BASE}/orgs")) == []


def test_save_org_creates_and_updates_a_profile(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    api = Api(county_operator)
    unit = Unit.objects.create(
        code="TW-QY-1",
        name="某某公司人民调解委员会",
        unit_type=UnitType.MEDIATION_COMMITTEE,
        region=territory.town,
    )
    created = ok(api.post(f"{BASE}/orgs", {"unit_code": unit.code, "kind": "enterprise"}))
    assert created["kind"] == "enterprise" and created["mediation_type"] == "people"
    updated = ok(
        api.post(
            f"{BASE}/orgs",
            {"unit_code": unit.code, "kind": "industry", "sector": "物业", "address": "某路1号"},
        )
    )
    assert updated["id"] == created["id"] and updated["sector"] == "物业"
    assert MediationOrg.objects.filter(unit=unit).count() == 1
    assert AuditEntry.objects.filter(action__startswith="mediation.").exists()


def test_save_org_refusals(
    territory: Territory, county_operator: User, grid_worker: User, bodies: Bodies
) -> None:
    api = Api(county_operator)
    unknown = api.post(f"{BASE}/orgs", {"unit_code": "NOPE", "kind": "village"})
    assert unknown.status_code == 422 and fields(unknown) == {"unit_code"}
    police = api.post(f"{BASE}/orgs", {"unit_code": bodies.police.code, "kind": "village"})
    assert police.status_code == 422 and fields(police) == {"unit_code"}
    invited = api.post(
        f"{BASE}/orgs",
        {
            "unit_code": bodies.township.code,
            "kind": "court_invited",
            "invited_by_code": bodies.police.code,
        },
    )
    assert invited.status_code == 422 and fields(invited) == {"invited_by_code"}
    bad_kind = api.post(f"{BASE}/orgs", {"unit_code": bodies.township.code, "kind": "club"})
    assert bad_kind.status_code == 422
    # a grid worker neither belongs to the body nor administers the region
    denied = Api(grid_worker).post(
        f"{BASE}/orgs", {"unit_code": bodies.township.code, "kind": "township"}
    )
    assert denied.status_code == 403
    assert MediationOrg.objects.get(unit=bodies.township).kind == "township"


def test_court_invited_org_names_its_court(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    saved = ok(
        Api(county_operator).post(
            f"{BASE}/orgs",
            {
                "unit_code": bodies.township.code,
                "kind": "court_invited",
                "invited_by_code": bodies.court.code,
            },
        )
    )
    assert saved["invited_by"] == bodies.court.name


def test_rooms_are_added_to_a_visible_org(
    territory: Territory, county_operator: User, outsider: User, bodies: Bodies
) -> None:
    org = MediationOrg.objects.get(unit=bodies.village)
    body = {"name": "和事佬调解室", "location": "社区二楼", "capacity": 8, "has_video": True}
    saved = ok(Api(county_operator).post(f"{BASE}/orgs/{org.pk}/rooms", body))
    assert saved["rooms"] == [
        {"id": MediationRoom.objects.get().pk, "name": "和事佬调解室", "has_video": True}
    ]
    assert Api(outsider).post(f"{BASE}/orgs/{org.pk}/rooms", body).status_code == 404
    assert Api(county_operator).post(f"{BASE}/orgs/999999/rooms", body).status_code == 404
    bad = Api(county_operator).post(f"{BASE}/orgs/{org.pk}/rooms", {"name": "", "capacity": 0})
    assert bad.status_code == 422
    assert MediationRoom.objects.count() == 1


# ------------------------------------------------------------------ mediators


def test_add_mediator_with_specialities_and_masked_phone(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    api = Api(county_operator)
    saved = ok(
        api.post(
            f"{BASE}/mediators",
            {
                "org_code": bodies.village.code,
                "name": "马大姐",
                "kind": "part_time",
                "phone": "13912345678",
                "speciality_codes": ["TJ01", "TJ02"],
                "max_active": 5,
            },
        )
    )
    assert saved["org_name"] == bodies.village.name and saved["kind_label"] == "兼职人民调解员"
    assert sorted(saved["specialities"]) == ["TJ01", "TJ02"]
    assert saved["phone"] != "13912345678" and saved["phone"].startswith("139")
    assert saved["workload"] == 0 and saved["max_active"] == 5
    by_speciality = ok(api.get(f"{BASE}/mediators", speciality="TJ01"))
    assert [x["name"] for x in by_speciality] == ["马大姐"]
    by_org = ok(api.get(f"{BASE}/mediators", org_code=bodies.village.code))
    assert {x["name"] for x in by_org} == {"马大姐", bodies.mediators["village"].name}


def test_add_mediator_refusals(
    territory: Territory, county_operator: User, outsider: User, bodies: Bodies
) -> None:
    api = Api(county_operator)
    response = api.post(
        f"{BASE}/mediators",
        {
            "org_code": "NOPE",
            "name": "某",
            "kind": "full_time",
            "speciality_codes": ["ZZ99"],
            "username": "nobody_here",
        },
    )
    assert response.status_code == 422
    assert fields(response) == {"org_code", "speciality_codes", "username"}
    too_many = api.post(
        f"{BASE}/mediators",
        {"org_code": bodies.village.code, "name": "某", "kind": "full_time", "max_active": 0},
    )
    assert too_many.status_code == 422
    hidden = Api(outsider).post(
        f"{BASE}/mediators", {"org_code": bodies.village.code, "name": "某", "kind": "full_time"}
    )
    assert hidden.status_code == 404
    assert Mediator.objects.count() == len(bodies.mediators)


def test_invited_mediator_of_a_court(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    saved = ok(
        Api(county_operator).post(
            f"{BASE}/mediators",
            {
                "org_code": bodies.centre.code,
                "name": "特邀调解员甲",
                "kind": "invited",
                "invited_by_code": bodies.court.code,
            },
        )
    )
    assert saved["invited_by"] == bodies.court.name and saved["kind"] == "invited"


def test_workload_is_shown(
    territory: Territory, grid_worker: User, villager: User, county_operator: User, bodies: Bodies
) -> None:
    from fengqiao.mediation.tests.helpers import accept, intake, to_mediating
    from fengqiao.procedures.testing import at

    mine = bodies.mediators["village"]
    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    to_mediating(accept(case, villager, at("2026-03-02", 10)), villager, mine, at("2026-03-03"))
    listed = ok(Api(county_operator).get(f"{BASE}/mediators", org_code=bodies.village.code))
    assert next(x for x in listed if x["id"] == mine.pk)["workload"] == 1


# ------------------------------------------------------------------ routes


def test_save_route_replaces_the_courts_route(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    api = Api(county_operator)
    saved = ok(
        api.post(
            f"{BASE}/routes",
            {
                "court_code": bodies.court.code,
                "name": "城关区法院两步分流",
                "effective_from": "2026-01-01",
                "steps": [
                    {"name": "社区调委会", "unit_code": bodies.village.code},
                    {"name": "审前调解中心", "unit_code": bodies.pretrial.code},
                ],
                "note": "试行",
            },
        )
    )
    assert [s["name"] for s in saved["steps"]] == ["社区调委会", "审前调解中心"]
    assert [s["order"] for s in saved["steps"]] == [1, 2]
    assert saved["is_active"] is True and saved["court"] == bodies.court.name
    routes = ok(api.get(f"{BASE}/routes"))
    active = [r for r in routes if r["is_active"]]
    assert [r["name"] for r in active] == ["城关区法院两步分流"]
    assert not DiversionRoute.objects.get(pk=bodies.route.pk).is_active
    assert DiversionStep.objects.filter(route_id=saved["id"]).count() == 2


def test_save_route_refusals(territory: Territory, county_operator: User, bodies: Bodies) -> None:
    api = Api(county_operator)
    response = api.post(
        f"{BASE}/routes",
        {
            "court_code": "NOPE",
            "name": "路径",
            "effective_from": "2026-01-01",
            "steps": [{"name": "一", "unit_code": "NOPE2"}],
        },
    )
    assert response.status_code == 422
    assert fields(response) == {"court_code", "steps.0.unit_code"}
    not_court = api.post(
        f"{BASE}/routes",
        {
            "court_code": bodies.police.code,
            "name": "路径",
            "effective_from": "2026-01-01",
            "steps": [{"name": "一", "unit_code": bodies.village.code}],
        },
    )
    assert not_court.status_code == 422
    not_mediating = api.post(
        f"{BASE}/routes",
        {
            "court_code": bodies.court.code,
            "name": "路径",
            "effective_from": "2026-01-01",
            "steps": [{"name": "一", "unit_code": bodies.police.code}],
        },
    )
    assert not_mediating.status_code == 422
    empty = api.post(
        f"{BASE}/routes",
        {
            "court_code": bodies.court.code,
            "name": "路径",
            "effective_from": "2026-01-01",
            "steps": [],
        },
    )
    assert empty.status_code == 422
    assert DiversionRoute.objects.count() == 1


# ------------------------------------------------------------------ wages


def test_average_wage_is_entered_by_a_provincial_region_admin(
    territory: Territory, county_admin: User, bodies: Bodies
) -> None:
    from fengqiao.accounts.models import Role
    from fengqiao.testing import make_user

    body = {
        "province_code": territory.province.code,
        "year": 2025,
        "amount": "98765.43",
        "source_document": "测试数据（非真实统计数字）",
        "published_on": "2026-05-20",
    }
    denied = Api(county_admin).post(f"{BASE}/wages", body)
    assert denied.status_code == 403
    province_admin = make_user("province_admin", Role.REGION_ADMIN, territory.province)
    saved = ok(Api(province_admin).post(f"{BASE}/wages", body))
    assert saved["amount"] == "98765.43" and saved["year"] == 2025
    again = ok(Api(province_admin).post(f"{BASE}/wages", {**body, "amount": "99000.00"}))
    assert again["amount"] == "99000.00"
    assert AverageWage.objects.get(province=territory.province, year=2025).amount == Decimal(
        "99000.00"
    )
    listed = ok(Api(province_admin).get(f"{BASE}/wages"))
    assert [(w["year"], w["source_document"]) for w in listed] == [
        (2025, "测试数据（非真实统计数字）")
    ]


def test_average_wage_refusals(territory: Territory, county_admin: User) -> None:
    from fengqiao.accounts.models import Role
    from fengqiao.testing import make_user

    admin = Api(make_user("province_admin", Role.REGION_ADMIN, territory.province))
    unknown = admin.post(
        f"{BASE}/wages",
        {
            "province_code": "990000000000",
            "year": 2025,
            "amount": "1",
            "source_document": "测试来源",
        },
    )
    assert unknown.status_code == 422 and fields(unknown) == {"province_code"}
    county = admin.post(
        f"{BASE}/wages",
        {
            "province_code": territory.county.code,
            "year": 2025,
            "amount": "1",
            "source_document": "测试来源",
        },
    )
    assert county.status_code == 422
    for bad in ({"amount": "0"}, {"year": 1999}, {"source_document": "短"}):
        body = {
            "province_code": territory.province.code,
            "year": 2025,
            "amount": "1",
            "source_document": "测试来源",
            **bad,
        }
        assert admin.post(f"{BASE}/wages", body).status_code == 422
    assert not AverageWage.objects.exists()


def test_mediator_member_manages_its_own_body(territory: Territory, bodies: Bodies) -> None:
    own = member("own_member", bodies.township)
    saved = ok(
        Api(own).post(
            f"{BASE}/orgs",
            {"unit_code": bodies.township.code, "kind": "township", "sector": "街道"},
        )
    )
    assert saved["sector"] == "街道"
