"""Every case endpoint that takes a case id, for scoping tests (AC-01, AC-02).

When the security branch's scoping oracle (an endpoint registry) lands in main, register these
rows there too. Each row: HTTP method, path template with {case} (and {attachment} / {party} /
{assignment}), a JSON body (valid enough that only scope decides the answer), and whether the
endpoint needs act scope ("act") or view scope ("view").
"""

from __future__ import annotations

from typing import Any

Row = tuple[str, str, dict[str, Any] | None, str]

V = {"version": 1}

CASE_ENDPOINTS: list[Row] = [
    ("get", "/api/v1/cases/{case}", None, "view"),
    ("get", "/api/v1/cases/{case}/duplicates", None, "view"),
    ("get", "/api/v1/cases/{case}/suggestion", None, "view"),
    ("get", "/api/v1/cases/{case}/attachments/{attachment}", None, "view"),
    ("post", "/api/v1/cases/{case}/parties/{party}/reveal", {"reason": "回访核实身份"}, "view"),
    ("post", "/api/v1/cases/{case}/accept", V, "act"),
    ("post", "/api/v1/cases/{case}/answer", {**V, "answer": "已答复"}, "act"),
    ("post", "/api/v1/cases/{case}/transfer-emergency", {**V, "service": "110"}, "act"),
    ("post", "/api/v1/cases/{case}/refer-channel", {**V, "channel": "诉讼"}, "act"),
    ("post", "/api/v1/cases/{case}/reject", {**V, "reason": "不属于受理范围"}, "act"),
    ("post", "/api/v1/cases/{case}/report", V, "act"),
    ("post", "/api/v1/cases/{case}/resolve-on-site", {**V, "result": "当场化解"}, "act"),
    ("post", "/api/v1/cases/{case}/dispatch", {**V, "lead": {"unit_id": 1}}, "act"),
    ("post", "/api/v1/cases/{case}/sign", V, "act"),
    ("post", "/api/v1/cases/{case}/object", {**V, "reason": "不属于本单位"}, "act"),
    (
        "post",
        "/api/v1/cases/{case}/redispatch",
        {**V, "lead": {"unit_id": 1}, "reason": "改派"},
        "act",
    ),
    ("post", "/api/v1/cases/{case}/uphold", {**V, "reason": "维持派单"}, "act"),
    (
        "post",
        "/api/v1/cases/{case}/assignments/{assignment}/objection-ruling",
        {"accept": True, "reason": "异议成立"},
        "act",
    ),
    ("post", "/api/v1/cases/{case}/start", V, "act"),
    ("post", "/api/v1/cases/{case}/pause", {**V, "reason": "等待材料"}, "act"),
    ("post", "/api/v1/cases/{case}/resume", V, "act"),
    ("post", "/api/v1/cases/{case}/extension", {**V, "reason": "需要协调"}, "act"),
    ("post", "/api/v1/cases/{case}/extension/approve", V, "act"),
    ("post", "/api/v1/cases/{case}/extension/refuse", {**V, "note": "不同意"}, "act"),
    ("post", "/api/v1/cases/{case}/reply", {"reply": "已处理", "resolved": True}, "act"),
    ("post", "/api/v1/cases/{case}/return", {**V, "reason": "重办"}, "act"),
    ("post", "/api/v1/cases/{case}/approve-reply", V, "act"),
    ("post", "/api/v1/cases/{case}/close", V, "act"),
    ("post", "/api/v1/cases/{case}/callback", {**V, "satisfaction": "satisfied"}, "act"),
    ("post", "/api/v1/cases/{case}/archive", V, "act"),
    ("post", "/api/v1/cases/{case}/supervise", {"level": 1, "reason": "群众反映强烈"}, "act"),
    ("post", "/api/v1/cases/{case}/merge", {**V, "into_id": 1}, "act"),
    ("post", "/api/v1/cases/{case}/unmerge", V, "act"),
]

# Endpoints without a case id: their results must be filtered by scope.
LIST_ENDPOINTS: list[Row] = [
    ("get", "/api/v1/cases/", None, "view"),
    (
        "post",
        "/api/v1/cases/duplicates",
        {"description": "夜间施工噪声扰民", "region_code": "620102001001001"},
        "view",
    ),
]
