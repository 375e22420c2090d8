"""并单 and the possible-duplicates query."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fengqiao.accounts.models import User
from fengqiao.cases.duplicates import bigrams, distance_m, similarity
from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import Units

NOISE = "秦安路12号工地夜间施工噪声扰民，持续到凌晨两点"


def test_similarity_basics() -> None:
    assert similarity(NOISE, NOISE) == 1.0
    assert similarity("夜间施工噪声扰民", "晚上工地施工噪音太大扰民") > 0.1
    assert similarity("夜间施工噪声扰民", "路灯不亮") == 0.0
    assert bigrams("噪声，噪声！") == {"噪声", "声噪"}
    assert round(distance_m(36.06, 103.83, 36.06, 103.84)) in range(895, 905)


@given(st.text(max_size=40), st.text(max_size=40))
def test_similarity_is_a_symmetric_score(a: str, b: str) -> None:
    score = similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == similarity(b, a)


def test_possible_duplicates_for_the_intake_screen(
    api_for: Any, town_operator: User, outsider: User, units: Units
) -> None:
    api = api_for(town_operator)
    near = api.create(description=NOISE, latitude="36.060000", longitude="103.830000").json()["id"]
    api.create(description="路灯不亮已经一周", category_code="RX0402")  # other category
    api.create(description="秦安路工地夜间施工噪声扰民到凌晨", region_code="620102001001002")
    far = api.create(description=NOISE, latitude="36.100000", longitude="103.900000").json()[
        "id"
    ]  # same text, 8 km away

    draft = {
        "description": "秦安路12号工地夜里施工噪声扰民",
        "category_code": "RX0501",
        "region_code": "620102001001001",
        "latitude": "36.060500",
        "longitude": "103.830200",
    }
    found = api.post("/api/v1/cases/duplicates", draft).json()
    ids = [row["case"]["id"] for row in found]
    assert ids[0] == near and far not in ids
    assert found[0]["distance_m"] is not None and found[0]["distance_m"] < 100
    assert len(ids) == 2  # the nearby case and the one in the neighbouring grid (no GPS)
    # the same query by someone from another county finds nothing
    assert api_for(outsider).post("/api/v1/cases/duplicates", draft).json() == []
    # the per-case query excludes the case itself
    own = api.get(f"/api/v1/cases/{near}/duplicates").json()
    assert near not in [row["case"]["id"] for row in own]


def test_merge_keeps_each_original_and_can_be_undone(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api = api_for(town_operator)
    parent = api.create(description=NOISE).json()["id"]
    child = api.create(description=NOISE, channel="hotline_web").json()["id"]
    api.act(parent, "accept")
    merged = api.act(child, "merge", {"into_id": parent, "reason": "重复诉求"})
    assert merged.status_code == 200, merged.content
    body = merged.json()
    assert body["status"] == "merged" and body["status_label"] == "已并单"
    assert body["parent"] == Case.objects.get(pk=parent).receipt_no
    case = Case.objects.get(pk=child)
    assert case.channel == "hotline_web" and not case.is_open and case.received_at is not None
    assert api.case(parent)["merged_children"] == [case.receipt_no]
    # merged cases leave the open-work list but stay countable
    open_ids = {r["id"] for r in api.get("/api/v1/cases/", open="true").json()["items"]}
    assert child not in open_ids and parent in open_ids
    # a merged case has no workflow actions until it is unmerged
    assert api.act(child, "accept").status_code == 409
    undone = api.act(child, "unmerge", {"reason": "并错了"})
    assert undone.json()["status"] == "registered" and undone.json()["parent"] is None
    assert Case.objects.get(pk=child).is_open


def test_merge_refusals(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    a = api.create().json()["id"]
    b = api.create().json()["id"]
    assert api.act(a, "merge", {"into_id": a}).status_code == 409
    api.act(b, "accept")
    api.act(b, "dispatch", {"lead": {"unit_id": units.env.pk}})
    # a dispatched case is not merged away from its units
    assert api.act(b, "merge", {"into_id": a}).status_code == 409
    api.act(a, "merge", {"into_id": b})
    c = api.create().json()["id"]
    # nothing is merged into a merged case
    assert api.act(c, "merge", {"into_id": a}).status_code == 409
    assert api.act(c, "unmerge").status_code == 409
