"""The list's query count does not grow with the page size (style-anchors §3 example 13)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fengqiao.accounts.models import User
from fengqiao.cases.tests.conftest import Units


def _list_queries(api: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/cases/", limit=50)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_queries_do_not_grow_with_rows(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api = api_for(town_operator)
    for _ in range(2):
        api.create(respondent_unit_code=units.env.code)
    few = _list_queries(api)
    for _ in range(6):
        api.create()
    assert _list_queries(api) == few
