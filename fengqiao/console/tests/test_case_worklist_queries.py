"""The operator worklist request's database round trips are pinned: the user's units are read
once (they serve the scope and the AC-10 redaction), and the number of queries does not grow
with the number of cases on the page, so a change that adds a query fails here first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fengqiao.accounts.models import User
from fengqiao.cases.tests.conftest import Units
from fengqiao.console.tests.cases_helpers import client_for, register
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db

# session, user, roles (page access), categories, scope paths (form), regions (form), scope
# paths (cases), units (once), bucket counts, page count, page rows, parties (prefetch), roles
# (intake button), nav badges, units that may act (nav), and the session save (3 statements).
WORKLIST_QUERIES = 18
UNIT_READ = 'SELECT "accounts_roleassignment"."unit_id" AS "unit_id" FROM'


def _worklist_queries(user: User, path: str = "/console/cases/") -> list[str]:
    client = client_for(user)
    assert client.get(path).status_code == 200  # warm: session and caches settle
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _unit_reads(queries: list[str]) -> tuple[int, int]:
    """(reads of the user's units, reads of the units they may act for)."""
    reads = [q for q in queries if q.startswith(UNIT_READ)]
    acting = [q for q in reads if '"accounts_roleassignment"."can_act"' in q]
    return len(reads) - len(acting), len(acting)


@pytest.fixture
def operator_with_unit(town_operator: User, units: Units) -> User:
    town_operator.unit = units.street
    town_operator.save(update_fields=["unit"])
    return town_operator


def test_worklist_reads_the_users_units_once(
    territory: Territory, operator_with_unit: User
) -> None:
    register(operator_with_unit, territory.grid_a1)
    queries = _worklist_queries(operator_with_unit)
    assert _unit_reads(queries) == (1, 1)  # the page's units; the nav's acting units


def test_worklist_query_count_is_pinned(territory: Territory, operator_with_unit: User) -> None:
    register(operator_with_unit, territory.grid_a1)
    assert len(_worklist_queries(operator_with_unit)) == WORKLIST_QUERIES


def test_worklist_query_count_does_not_grow_with_the_page(
    territory: Territory, operator_with_unit: User
) -> None:
    for _ in range(4):
        register(operator_with_unit, territory.grid_a1)
    many = _worklist_queries(operator_with_unit)
    assert len(many) == WORKLIST_QUERIES
    filtered = _worklist_queries(operator_with_unit, "/console/cases/?list=open&sort=-received")
    assert len(filtered) == WORKLIST_QUERIES


def test_worklist_with_an_empty_page_asks_no_more(
    territory: Territory, operator_with_unit: User
) -> None:
    # no case: the page's rows and their parties are not read, the rest is the same
    queries = _worklist_queries(operator_with_unit)
    assert len(queries) <= WORKLIST_QUERIES
    assert _unit_reads(queries) == (1, 1)
