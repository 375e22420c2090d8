"""Properties of the case pages (hypothesis):

- any form data sent to any case-page endpoint answers with a page (2xx, 3xx or 4xx), never
  a 500, and never registers a case from invalid input;
- each worklist holds exactly the cases an oracle written from the bucket definitions in
  docs/console.md picks out of randomly placed cases;
- every console case URL answers 404 for a case outside the user's scope, the same as for a
  missing one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Units
from fengqiao.console import case_ops
from fengqiao.console.tests.cases_helpers import client_for, register
from fengqiao.console.worklists import BUCKETS
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "x" * 300, "13912345678", "620102001001001", "RX0501"]),
)
form_data = st.dictionaries(
    st.sampled_from(
        [
            "idempotency_key",
            "phone",
            "name",
            "channel",
            "request_type",
            "category",
            "region",
            "description",
            "urgency",
            "risk_colour",
            "latitude",
            "longitude",
            "handling",
            "result",
            "receipt_no",
            "code",
            "satisfaction",
            "resolved",
            "merge_into",
            "reason",
        ]
    ),
    text,
    max_size=12,
)


@FUZZ
@given(data=form_data, path=st.sampled_from(["/console/cases/new/", "/console/cases/new/check/"]))
def test_operator_forms_never_500(
    data: dict[str, str], path: str, territory: Territory, town_operator: User, units: Units
) -> None:
    before = Case.objects.count()
    response = client_for(town_operator).post(path, data)
    assert response.status_code < 500
    if response.status_code != 302:
        assert Case.objects.count() == before


@FUZZ
@given(data=form_data, path=st.sampled_from(["/portal/", "/portal/track/", "/portal/rate/"]))
def test_portal_forms_never_500(
    data: dict[str, str], path: str, territory: Territory, units: Units
) -> None:
    from django.core.cache import cache

    cache.clear()
    before = Case.objects.count()
    response = Client().post(path, data)
    assert response.status_code < 500
    if response.status_code != 201:
        assert Case.objects.count() == before


@FUZZ
@given(data=form_data)
def test_grid_report_never_500(
    data: dict[str, str], territory: Territory, grid_worker: User, units: Units
) -> None:
    response = client_for(grid_worker).post(
        "/console/grid/report/", data, headers={"Accept": "application/json"}
    )
    assert response.status_code < 500
    assert response.json()["received"] is (response.status_code in (200, 201))


@FUZZ
@given(
    action=st.sampled_from(sorted(case_ops.OPS)),
    values=st.dictionaries(st.sampled_from(sorted(case_ops.FIELDS) + ["version"]), text),
)
def test_action_forms_never_500(
    action: str,
    values: dict[str, str],
    territory: Territory,
    town_operator: User,
    units: Units,
) -> None:
    case = Case.objects.filter(region=territory.grid_a1).first()
    if case is None:
        case = register(town_operator, territory.grid_a1).case
    data = {f"{action}-{k}": v for k, v in values.items()}
    response = client_for(town_operator).post(f"/console/cases/{case.pk}/act/{action}/", data)
    assert response.status_code < 500


# ------------------------------------------------------------------ worklists against an oracle

case_spec = st.fixed_dictionaries(
    {
        "grid": st.sampled_from(["a1", "a2", "other"]),
        "accepted": st.booleans(),
        "due_days": st.one_of(st.none(), st.integers(-3, 3)),
        "overdue": st.booleans(),
        "supervision": st.integers(0, 3),
        "mine": st.booleans(),
        "closed": st.booleans(),
    }
)


def _oracle(spec: dict[str, Any], bucket: str, today: Any) -> bool:
    if spec["grid"] == "other" or spec["closed"]:
        return False
    due = spec["due_days"]
    expected: dict[str, bool] = {
        "new": True,  # nothing is dispatched here: no lead unit
        "mine": spec["mine"],
        "due_today": due == 0,
        "overdue": spec["overdue"],
        "supervised": spec["supervision"] > 0,
        "returned": False,
        "callback": False,
        "open": True,
    }
    return expected[bucket]


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs=st.lists(case_spec, min_size=1, max_size=6))
def test_worklists_match_the_oracle(
    specs: list[dict[str, Any]],
    territory: Territory,
    town_operator: User,
    outsider: User,
    units: Units,
) -> None:
    Case.objects.all().delete()
    grids = {"a1": territory.grid_a1, "a2": territory.grid_a2, "other": territory.other_grid}
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    made: list[tuple[Case, dict[str, Any]]] = []
    for n, spec in enumerate(specs):
        actor = outsider if spec["grid"] == "other" else town_operator
        creator = town_operator if spec["mine"] and spec["grid"] != "other" else None
        case = register(actor, grids[spec["grid"]], phone=f"1380000{n:04d}").case
        due = None if spec["due_days"] is None else noon + timedelta(days=spec["due_days"])
        Case.objects.filter(pk=case.pk).update(
            due_at=due,
            is_overdue=spec["overdue"],
            supervision_level=spec["supervision"],
            created_by=creator,
            is_open=not spec["closed"],
        )
        made.append((case, spec))
    client = client_for(town_operator)
    for bucket in BUCKETS:
        response = client.get("/console/cases/", {"list": bucket.key})
        listed = {row[0].receipt_no for row in response.context["rows"]}
        expected = {c.receipt_no for c, s in made if _oracle(s, bucket.key, noon)}
        assert listed == expected, bucket.key
        counts = dict((b.key, n) for b, n in response.context["buckets"])
        assert counts[bucket.key] == len(expected)


# ------------------------------------------------------------------ every URL, out of scope


def test_every_case_url_is_404_outside_the_scope(
    territory: Territory, town_operator: User, outsider: User, units: Units
) -> None:
    case = register(town_operator, territory.grid_a1).case
    party = case.parties.get()
    client = client_for(outsider)
    urls = [
        ("get", "/console/cases/{pk}/"),
        ("post", f"/console/cases/{{pk}}/parties/{party.pk}/reveal/"),
        ("post", "/console/cases/{pk}/attachments/"),
    ] + [("post", f"/console/cases/{{pk}}/act/{action}/") for action in sorted(case_ops.OPS)]
    for method, url in urls:
        theirs = getattr(client, method)(url.format(pk=case.pk), {"reason": "x"})
        missing = getattr(client, method)(url.format(pk=999999), {"reason": "x"})
        assert theirs.status_code == missing.status_code == 404, url
        assert case.receipt_no not in theirs.content.decode(), url
    case.refresh_from_db()
    assert case.status == "registered" and case.version == 1
