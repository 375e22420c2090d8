"""The scoping oracle and the registry of scoped endpoints (issue 2 "Done when", AC-01, AC-02).

`fengqiao/accounts/tests/test_scoping_property.py` builds random worlds (a region forest,
users, role assignments, objects of every registered family) and checks every registered
list and detail endpoint against an oracle computed here in plain Python: it walks `parent`
links, never the materialized `path`, and never calls the scoping code it checks.

Adding an endpoint family is one line in `ENDPOINTS`, for example

    anchored("cases", "/api/v1/cases/", Case, make=lambda region, n: make_case(region, n)),

where `make(region, n)` creates the n-th object anchored in `region` (a `region` foreign key;
pass `region_field=` otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

from fengqiao.accounts.models import BUSINESS_ROLES, User
from fengqiao.accounts.policy import ACCOUNT_VIEW_ROLES, AUDIT_READ_ROLES
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.models import Case
from fengqiao.regions.models import Region
from fengqiao.units.models import Unit, UnitType


@dataclass(frozen=True)
class Grant:
    """One role assignment as the oracle sees it."""

    user_id: int
    role: str
    region_id: int
    can_act: bool
    expires_at: datetime | None


@dataclass
class World:
    """Everything the oracle knows: the tree as parent links, accounts and their grants."""

    now: datetime
    parent: dict[int, int | None] = field(default_factory=dict)
    home: dict[int, int | None] = field(default_factory=dict)  # user → home region
    active_users: set[int] = field(default_factory=set)
    grants: list[Grant] = field(default_factory=list)

    def ancestors_or_self(self, region_id: int) -> list[int]:
        chain: list[int] = []
        current: int | None = region_id
        while current is not None:
            chain.append(current)
            current = self.parent[current]
        return chain

    def roots(self, user_id: int, roles: frozenset[str], *, act: bool) -> set[int]:
        """Regions of the user's live grants in `roles` (act: only can_act grants)."""
        if user_id not in self.active_users:
            return set()
        return {
            g.region_id
            for g in self.grants
            if g.user_id == user_id
            and g.role in roles
            and (g.expires_at is None or g.expires_at > self.now)
            and (g.can_act or not act)
        }

    def within(self, region_id: int | None, roots: set[int]) -> bool:
        return region_id is not None and bool(set(self.ancestors_or_self(region_id)) & roots)

    def sees(self, user_id: int, region_id: int | None) -> bool:
        """Business view scope: any live business grant at the region or an ancestor."""
        return self.within(region_id, self.roots(user_id, BUSINESS_ROLES, act=False))


Oracle = Callable[[World, int], "set[int] | None"]  # None: the endpoint answers 403


@dataclass(frozen=True)
class ScopedEndpoint:
    """One endpoint family: list URL, detail URL, how to seed objects, and the oracle."""

    name: str
    list_url: str
    detail_url: str
    universe: Callable[[], set[int]]
    oracle: Oracle
    seed: Callable[[World, list[Region]], None] = lambda world, regions: None


def anchored(
    name: str,
    list_url: str,
    model: type[models.Model],
    *,
    make: Callable[[Region, int], object],
    region_field: str = "region",
    per_region: int = 1,
) -> ScopedEndpoint:
    """A family of objects each anchored in one region, visible where the region is."""

    def universe() -> set[int]:
        return set(model._default_manager.values_list("pk", flat=True))

    def oracle(world: World, user_id: int) -> set[int]:
        rows = model._default_manager.values_list("pk", f"{region_field}_id")
        return {pk for pk, region_id in rows if world.sees(user_id, region_id)}

    def seed(world: World, regions: list[Region]) -> None:
        for n, region in enumerate(regions):
            for k in range(per_region):
                make(region, n * per_region + k)

    return ScopedEndpoint(name, list_url, list_url + "{id}", universe, oracle, seed)


def _regions_oracle(world: World, user_id: int) -> set[int]:
    return {r for r in world.parent if world.sees(user_id, r)}


def _users_oracle(world: World, user_id: int) -> set[int] | None:
    roots = world.roots(user_id, ACCOUNT_VIEW_ROLES, act=True)
    if not roots:
        return None
    return {
        u
        for u in world.home
        if world.within(world.home[u], roots)
        or any(g.user_id == u and world.within(g.region_id, roots) for g in world.grants)
    }


def _audit_oracle(world: World, user_id: int) -> set[int] | None:
    if not world.roots(user_id, AUDIT_READ_ROLES, act=False):
        return None
    return set(AuditEntry.objects.values_list("pk", flat=True))


def _make_unit(region: Region, n: int) -> Unit:
    return Unit.objects.create(
        name=f"单位{n}", code=f"P{n:04d}", unit_type=UnitType.DEPARTMENT, region=region
    )


def _make_case(region: Region, n: int) -> object:
    from fengqiao.cases.actions import CaseDraft, do_register

    draft = CaseDraft(kind="hotline", channel="other", description=f"事项{n}", region=region)
    return do_register(draft, actor=None).case


def _make_schedule(region: Region, n: int) -> object:
    from fengqiao.reports.models import ReportSchedule

    # inactive: several schedules of one region and cadence may exist side by side
    return ReportSchedule.objects.create(
        region=region, cadence="monthly", audience_roles=["leader"], is_active=False
    )


def _schedules_universe() -> set[int]:
    from fengqiao.reports.models import ReportSchedule

    return set(ReportSchedule.objects.values_list("pk", flat=True))


def _schedules_oracle(world: World, user_id: int) -> set[int]:
    """Every schedule (the packs' ones too) is visible where its area is."""
    from fengqiao.reports.models import ReportSchedule

    rows = ReportSchedule.objects.values_list("pk", "region_id")
    return {pk for pk, region_id in rows if world.sees(user_id, region_id)}


def _seed_schedules(world: World, regions: list[Region]) -> None:
    for n, region in enumerate(regions):
        _make_schedule(region, n)


PACK_AUDIENCES = (["leader"], ["operator", "region_admin"], ["grid_worker"])


def _seed_packs(world: World, regions: list[Region]) -> None:
    from fengqiao.reports.models import ReportPack, ReportSchedule

    for n, region in enumerate(regions):
        schedule = ReportSchedule.objects.create(
            region=region,
            cadence="monthly",
            audience_roles=PACK_AUDIENCES[n % len(PACK_AUDIENCES)],
            is_active=False,
        )
        ReportPack.objects.create(
            schedule=schedule,
            region=region,
            period="2026-03",
            period_label="2026年3月",
            files=[{"name": "通报.docx", "stored": "x.docx", "size": 1, "content_type": "x"}],
        )


def _packs_universe() -> set[int]:
    from fengqiao.reports.models import ReportPack

    return set(ReportPack.objects.values_list("pk", flat=True))


def _packs_oracle(world: World, user_id: int) -> set[int]:
    """A pack is readable by a live grant in one of its audience roles over its area."""
    from fengqiao.reports.models import ReportPack

    rows = ReportPack.objects.values_list("pk", "region_id", "schedule__audience_roles")
    return {
        pk
        for pk, region_id, audience in rows
        if world.within(region_id, world.roots(user_id, frozenset(audience), act=False))
    }


def _all(model: type[models.Model]) -> Callable[[], set[int]]:
    return lambda: set(model._default_manager.values_list("pk", flat=True))


ENDPOINTS: list[ScopedEndpoint] = [
    ScopedEndpoint(
        "regions", "/api/v1/regions/", "/api/v1/regions/{id}", _all(Region), _regions_oracle
    ),
    anchored("units", "/api/v1/units/", Unit, make=_make_unit),
    anchored("cases", "/api/v1/cases/", Case, make=_make_case),
    ScopedEndpoint(
        "report packs",
        "/api/v1/reports/packs",
        "/api/v1/reports/packs/{id}",
        _packs_universe,
        _packs_oracle,
        _seed_packs,
    ),
    ScopedEndpoint(
        "report schedules",
        "/api/v1/reports/schedules",
        "/api/v1/reports/schedules/{id}",
        _schedules_universe,
        _schedules_oracle,
        _seed_schedules,
    ),
    ScopedEndpoint(
        "users", "/api/v1/accounts/users", "/api/v1/accounts/users/{id}", _all(User), _users_oracle
    ),
    ScopedEndpoint(
        "audit", "/api/v1/audit/", "/api/v1/audit/{id}", _all(AuditEntry), _audit_oracle
    ),
]
