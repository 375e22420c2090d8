"""Console fixtures: a region administrator persona and grid workers on the shared territory.

- town_admin: 区域管理员 of 酒泉路街道; administers its villages, grids and grid workers.
- other_admin: 区域管理员 of 七里河区; must never reach 城关区 objects.
- workers: 马小红 (chief of A1, linked to the grid_worker login when that persona is used),
  李建国 (A1 and A2, so he counts once), 王秀兰 (A2, left: not counted), 杨志强 (other grid).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.core.crypto import provider
from fengqiao.core.pii import blind_index
from fengqiao.regions.models import GridAssignment, GridWorker, GridWorkerStatus
from fengqiao.testing import Territory, make_user

TEST_SM4_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _sm4_test_key(settings: Any) -> Iterator[None]:
    """Grid worker phones are encrypted: tests run with DEBUG off, so give them a key."""
    settings.SM4_KEY = TEST_SM4_KEY
    provider.cache_clear()
    yield
    provider.cache_clear()


@pytest.fixture
def town_admin(territory: Territory) -> User:
    return make_user("town_admin", Role.REGION_ADMIN, territory.town)


@pytest.fixture
def other_admin(territory: Territory) -> User:
    return make_user("other_admin", Role.REGION_ADMIN, territory.other_county)


@dataclass
class Workers:
    chief_a1: GridWorker
    shared: GridWorker
    left: GridWorker
    other: GridWorker


def _worker(
    number: str, name: str, phone: str, status: str = GridWorkerStatus.ACTIVE
) -> GridWorker:
    return GridWorker.objects.create(
        number=number, name=name, phone=phone, phone_index=blind_index(phone), status=status
    )


@pytest.fixture
def workers(territory: Territory) -> Workers:
    territory.grid_a1.households = 320
    territory.grid_a1.save(update_fields=["households"])
    territory.grid_a2.households = 410
    territory.grid_a2.save(update_fields=["households"])
    chief = _worker("62010200100100101", "马小红", "13912345678")
    shared = _worker("62010200100100102", "李建国", "13812345679")
    left = _worker("62010200100100201", "王秀兰", "13712345670", GridWorkerStatus.LEFT)
    other = _worker("62010300100100101", "杨志强", "13612345671")
    GridAssignment.objects.create(worker=chief, grid=territory.grid_a1, is_chief=True)
    GridAssignment.objects.create(worker=shared, grid=territory.grid_a1)
    GridAssignment.objects.create(worker=shared, grid=territory.grid_a2, is_chief=True)
    GridAssignment.objects.create(worker=left, grid=territory.grid_a2)
    GridAssignment.objects.create(worker=other, grid=territory.other_grid, is_chief=True)
    return Workers(chief, shared, left, other)


# The cases app's units, dispatch catalogue and handlers (and its autouse cache clearing and
# attachment directory) serve the case pages' tests too.
from fengqiao.cases.tests.conftest import (  # noqa: E402, F401
    _attachment_dir,
    _clear_cache,
    env_handler,
    street_handler,
    units,
)


@pytest.fixture
def grid_a1_boundary(territory: Territory) -> Iterator[None]:
    """Grid A1 gets a real boundary, so a GPS point inside it resolves to it."""
    from django.db.models import F

    from fengqiao.regions import geo as regions_geo
    from fengqiao.regions.models import Region

    square = [[103.83, 36.06], [103.84, 36.06], [103.84, 36.07], [103.83, 36.07], [103.83, 36.06]]
    Region.objects.filter(pk=territory.grid_a1.pk).update(
        boundary={"type": "Polygon", "coordinates": [square]}, boundary_rev=F("boundary_rev") + 1
    )
    regions_geo.invalidate()
    yield
    regions_geo.invalidate()
