"""/api/v1/reports/ on bad input (a per-field 422 in Chinese, never a 500) on every read
endpoint, and scope: a leader of one county never sees another county's figures, whichever
endpoint and parameters are used (AC-02: outside the scope answers like a missing area)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.reports.tests.desk import Desk
from fengqiao.reports.tests.test_indicators import build

API = "/api/v1/reports"
READS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/areas", {}),
    ("/tables/overview", {}),
    ("/tables/hotline_units/export", {"format": "xlsx"}),
    ("/rankings", {"indicator": "on_time_rate"}),
    ("/bulletin", {}),
    ("/bulletin/export", {"format": "docx"}),
)
BAD_PERIODS = (
    "2026-13",
    "2026-00",
    "2026-Q5",
    "2026-W54",
    "2026-W00",
    "2026-02-30..2026-03-01",
    "2026-03..2026-01",
    "2024-01-01..2026-01-01",
    "26-03",
    "2026/03",
    "二〇二六年三月",
    "x" * 300,
    "'; DROP TABLE reports; --",
)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "extra"), READS)
def test_bad_periods_are_a_chinese_422_on_every_read(
    desk: Desk, county_leader: User, path: str, extra: dict[str, str]
) -> None:
    client = _client(county_leader)
    for period in BAD_PERIODS:
        response = client.get(f"{API}{path}", {"period": period, **extra})
        assert response.status_code == 422, (period, response.content[:300])
        body = response.json()
        assert body["errors"][0]["field"] == "period", period
        assert _chinese(body["errors"][0]["message"]), body
        assert _chinese(body["detail"]), body


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "extra"), READS)
def test_missing_period_is_a_client_error(
    county_leader: User, path: str, extra: dict[str, str]
) -> None:
    response = _client(county_leader).get(f"{API}{path}", extra)
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/rankings", {"indicator": "overdue", "kinds": "hotline,ghost"}, "kinds"),
        ("/rankings", {"indicator": ""}, "indicator"),
        ("/rankings", {"indicator": "overdue", "by": "grids"}, "by"),
        ("/areas", {"kinds": ",,,hotline,"}, None),  # empty items are ignored
        ("/areas", {"indicators": " received , closed "}, None),
        ("/areas", {"category": " "}, "category"),
        ("/areas", {"category": "rx05"}, "category"),  # codes are exact
        ("/tables/overview/export", {"format": "csv"}, "format"),
        ("/tables/overview/export", {"format": ""}, "format"),
        ("/bulletin/export", {"format": "DOCX"}, "format"),
    ],
)
def test_other_bad_parameters(
    desk: Desk, county_leader: User, path: str, params: dict[str, str], field: str | None
) -> None:
    response = _client(county_leader).get(f"{API}{path}", {"period": "2026-03", **params})
    if field is None:
        assert response.status_code == 200, response.content[:300]
        return
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert _chinese(body["errors"][0]["message"])


@pytest.mark.django_db
def test_unknown_tables_and_odd_region_codes_are_404(desk: Desk, county_leader: User) -> None:
    client = _client(county_leader)
    assert client.get(f"{API}/tables/nothing", {"period": "2026-03"}).status_code == 404
    assert client.get(f"{API}/tables/nothing/export", {"period": "2026-03"}).status_code == 404
    for code in ("x" * 500, "6201020000001", "' OR 1=1 --", "６２０１０２０００００００"):
        for path, extra in READS:
            response = client.get(f"{API}{path}", {"period": "2026-03", "region": code, **extra})
            assert response.status_code == 404, (path, code)
    # a code with spaces around it is the same area
    padded = client.get(f"{API}/areas", {"period": "2026-03", "region": " 620102000000 "})
    assert padded.status_code == 200 and padded.json()["area"]["name"] == "城关区"


@pytest.mark.django_db
def test_a_long_day_range_over_a_leap_day_is_answered(desk: Desk, county_leader: User) -> None:
    # 401 days from 29 Feb 2024: its 同比 period is 402 days long (it crosses 29 Feb 2024);
    # the comparison must not refuse its own derived period (it raised, giving a 500)
    client = _client(county_leader)
    period = "2024-02-29..2025-04-04"
    response = client.get(f"{API}/areas", {"period": period})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["figures"]["received"]["value"] == "0"
    bulletin = client.get(f"{API}/bulletin", {"period": period})
    assert bulletin.status_code in (200, 422), bulletin.content[:300]


def _texts(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.django_db
def test_a_county_leader_never_sees_another_county(
    desk: Desk, county_leader: User, outsider: User
) -> None:
    build(desk)
    mine, theirs = desk.t.county, desk.t.other_county
    client = _client(county_leader)
    for path, extra in READS:
        for period in ("2026-03", "2026-Q1", "2026", "2026-W10", "2026-03-01..2026-03-31"):
            params = {"period": period, **extra}
            for region in (theirs, desk.t.other_town, desk.t.other_grid, desk.t.city):
                outside = client.get(f"{API}{path}", {**params, "region": region.code})
                missing = client.get(f"{API}{path}", {**params, "region": "629999999999"})
                assert outside.status_code == missing.status_code == 404, (path, region.name)
                assert outside.content == missing.content
            if path.endswith("export"):
                continue
            own = client.get(f"{API}{path}", params)
            assert own.status_code in (200, 422), (path, period, own.content[:300])
            text = own.content.decode()
            assert theirs.name not in text and theirs.code not in text, (path, period)
            assert desk.t.other_grid.code not in text and "七里河区住建局" not in text
    # and the other way round: 七里河区's operator sees only 七里河区
    body = _client(outsider).get(f"{API}/areas", {"period": "2026-03"}).json()
    assert body["area"]["code"] == theirs.code
    assert mine.name not in _texts(body) and "城关区生态环境分局" not in _texts(body)
    units = _client(outsider).get(
        f"{API}/rankings", {"period": "2026-03", "indicator": "overdue", "by": "units"}
    )
    assert units.status_code == 200
    assert {r["name"] for r in units.json()["rows"]} <= {"七里河区住建局"}
