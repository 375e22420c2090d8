"""Attachments (WEB-05) seen from each side: who may upload and download, out-of-scope and
withdrawn units get 404, the type comes from the content, every download is audited."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fengqiao.accounts.models import User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases import files
from fengqiao.cases.models import Attachment, Case
from fengqiao.cases.tests.conftest import Api, Units
from fengqiao.cases.tests.test_attachments import JPEG, upload

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF"


def _dispatched(api: Api, units: Units) -> int:
    case_id: int = api.create().json()["id"]
    api.act(case_id, "accept")
    api.act(
        case_id,
        "dispatch",
        {"lead": {"unit_id": units.env.pk}, "co_units": [{"unit_id": units.street.pk}]},
    )
    return case_id


def test_units_on_the_case_upload_and_download(
    api_for: Any, town_operator: User, units: Units, env_handler: User, street_handler: User
) -> None:
    ops = api_for(town_operator)
    case_id = _dispatched(ops, units)
    env, street = api_for(env_handler), api_for(street_handler)
    # the lead unit adds its on-site photo; the co-unit its written record
    photo = upload(env, case_id, "整改后.jpg", JPEG)
    record = upload(street, case_id, "笔录.pdf", PDF)
    assert (photo.status_code, record.status_code) == (201, 201)
    # everyone on the case reads both
    for api in (ops, env, street):
        for body in (photo.json(), record.json()):
            got = api.client.get(body["url"])
            assert got.status_code == 200, (api.user, body)
            assert got["Cache-Control"] == "no-store"
    # the uploads are on the timeline with who added them
    rows = Case.objects.get(pk=case_id).transitions.filter(action="attach").order_by("pk")
    assert [r.actor_unit_id for r in rows] == [None, None]
    assert [r.actor.username for r in rows if r.actor] == ["env_handler", "street_handler"]
    assert [r.data["type"] for r in rows] == ["image/jpeg", "application/pdf"]


def test_a_withdrawn_unit_loses_the_files_with_the_case(
    api_for: Any, town_operator: User, units: Units, env_handler: User
) -> None:
    ops, env = api_for(town_operator), api_for(env_handler)
    case_id = _dispatched(ops, units)
    url = upload(env, case_id, "a.pdf", PDF).json()["url"]
    assert env.client.get(url).status_code == 200
    env.act(case_id, "object", {"reason": "属于物业"})
    ops.act(case_id, "redispatch", {"lead": {"unit_id": units.housing.pk}, "reason": "改派"})
    assert env.client.get(url).status_code == 404
    assert upload(env, case_id, "b.pdf", PDF + b" ").status_code == 404


def test_view_scope_reads_act_scope_writes(
    api_for: Any, town_operator: User, county_leader: User, outsider: User, units: Units
) -> None:
    ops = api_for(town_operator)
    case_id = ops.create().json()["id"]
    url = upload(ops, case_id, "a.pdf", PDF).json()["url"]
    leader = api_for(county_leader)
    assert leader.client.get(url).status_code == 200
    assert upload(leader, case_id, "b.pdf", PDF + b" ").status_code == 403
    hidden = api_for(outsider).client.get(url)
    missing = api_for(outsider).client.get(f"/api/v1/cases/{case_id}/attachments/987654")
    assert hidden.status_code == missing.status_code == 404
    # anonymous: not even a 404 — sign in first
    assert Client().get(url).status_code == 401


def test_every_download_is_audited(api_for: Any, town_operator: User, units: Units) -> None:
    ops = api_for(town_operator)
    case_id = ops.create().json()["id"]
    body = upload(ops, case_id, "a.pdf", PDF).json()
    for _ in range(2):
        ops.client.get(body["url"])
    rows = AuditEntry.objects.filter(action="case.attachment_download", object_id=str(case_id))
    assert rows.count() == 2
    assert all(r.data["attachment_id"] == body["id"] for r in rows)


def test_type_comes_from_the_content_not_the_name(
    api_for: Any, town_operator: User, units: Units
) -> None:
    ops = api_for(town_operator)
    case_id = ops.create().json()["id"]
    response = ops.client.post(
        f"/api/v1/cases/{case_id}/attachments",
        {"file": SimpleUploadedFile("../../etc/照片.jpg", PDF, content_type="image/jpeg")},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf"
    assert body["name"] == "照片.jpg"  # no path survives
    got = ops.client.get(body["url"])
    assert got["Content-Type"] == "application/pdf"


def test_the_same_file_on_two_cases_is_two_attachments(
    api_for: Any, town_operator: User, units: Units
) -> None:
    ops = api_for(town_operator)
    first, second = ops.create().json()["id"], ops.create().json()["id"]
    a = upload(ops, first, "a.pdf", PDF).json()
    b = upload(ops, second, "a.pdf", PDF).json()
    assert a["id"] != b["id"]
    rows = Attachment.objects.order_by("pk")
    assert rows[0].sha256 == rows[1].sha256 and rows[0].stored_name != rows[1].stored_name
    # an attachment is read only through its own case
    assert ops.client.get(f"/api/v1/cases/{first}/attachments/{b['id']}").status_code == 404


def test_a_row_whose_file_is_gone_is_404(api_for: Any, town_operator: User, units: Units) -> None:
    ops = api_for(town_operator)
    case_id = ops.create().json()["id"]
    body = upload(ops, case_id, "a.pdf", PDF).json()
    files.path_for(Attachment.objects.get(pk=body["id"]).stored_name).unlink()
    assert ops.client.get(body["url"]).status_code == 404
    assert not AuditEntry.objects.filter(action="case.attachment_download").exists()


def test_upload_without_a_file_is_a_field_error(
    api_for: Any, town_operator: User, units: Units
) -> None:
    ops = api_for(town_operator)
    case_id = ops.create().json()["id"]
    response = ops.client.post(f"/api/v1/cases/{case_id}/attachments", {})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"]
    empty = upload(ops, case_id, "empty.pdf", b"")
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "file"
    assert not Attachment.objects.exists()
