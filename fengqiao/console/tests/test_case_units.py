"""Small pieces of the case pages: registering once per key, error placement, bucket
conditions from the tables, the demo without a territory, CSRF, headers and English."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django import forms
from django.test import Client
from pydantic import ValidationError

from fengqiao.accounts.models import User
from fengqiao.api import ApiError
from fengqiao.cases.api.schemas import CaseIn
from fengqiao.cases.errors import Invalid, field_error
from fengqiao.cases.models import Case, IdempotencyKey
from fengqiao.cases.tests.conftest import Units
from fengqiao.cases.workflow import machine_for
from fengqiao.console import intake, worklists
from fengqiao.console.demo_cases import populate_case_demo
from fengqiao.console.tests.cases_helpers import client_for, register
from fengqiao.testing import Territory

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    phone = forms.CharField(required=False)
    region = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"phone": "1", "region": "2"})
    assert form.is_valid()
    return form


def test_api_errors_land_on_their_fields() -> None:
    form = _bound()
    intake.apply_api_errors(
        form,
        [
            {"field": "parties.0.phone", "message": "电话号码格式不正确"},
            {"field": "region_code", "message": "区划代码不存在或已撤销"},
            {"field": "amount", "message": "金额无效"},
        ],
    )
    assert form.errors["phone"] == ["电话号码格式不正确"]
    assert form.errors["region"] == ["区划代码不存在或已撤销"]
    assert form.non_field_errors() == ["金额无效"]


def test_api_error_without_fields_uses_the_detail() -> None:
    form = _bound()
    intake.apply_api_errors(form, [], "所选区划不在您的办理范围内。")
    assert form.non_field_errors() == ["所选区划不在您的办理范围内。"]


def test_reused_key_reads_as_a_sent_form() -> None:
    form = _bound()
    intake.apply_api_errors(form, [{"field": "Idempotency-Key", "message": "与先前请求内容不一致"}])
    assert form.non_field_errors() == [intake.KEY_REUSED]
    other = _bound()
    intake.apply_api_errors(other, [{"field": "Idempotency-Key", "message": "须为 UUID"}])
    assert other.non_field_errors() == ["须为 UUID"]


def test_validation_errors_are_chinese() -> None:
    form = _bound()
    with pytest.raises(ValidationError) as exc:
        CaseIn.model_validate({"kind": "hotline", "channel": "nope", "description": "x"})
    intake.apply_validation_error(form, exc.value)
    messages = " ".join(str(m) for m in form.non_field_errors())
    assert "内容过短" in messages and "取值无效" in messages


def test_refusal_reads_both_error_kinds() -> None:
    status, detail, errors = intake.refusal(ApiError(409, "处理中", "in flight"))
    assert (status, detail, errors) == (409, "处理中", [])
    invalid = Invalid("有误", "bad", [field_error("region", "不存在", "unknown")])
    status, detail, errors = intake.refusal(invalid)
    assert status == 422 and detail == "有误" and errors[0]["field"] == "region"
    with pytest.raises(KeyError):
        intake.refusal(KeyError("not a refusal"))


def test_register_once_frees_the_key_when_registration_fails(
    territory: Territory, town_operator: User, units: Units
) -> None:
    key = str(uuid.uuid4())

    def boom() -> Any:
        register(town_operator, territory.grid_a1)
        raise Invalid("失败", "failed")

    with pytest.raises(Invalid):
        intake.register_once(key, scope="t", endpoint="e", payload={"a": 1}, register=boom)
    assert Case.objects.count() == 0 and IdempotencyKey.objects.count() == 0
    outcome = intake.register_once(
        key,
        scope="t",
        endpoint="e",
        payload={"a": 1},
        register=lambda: register(town_operator, territory.grid_a1),
    )
    again = intake.register_once(
        key, scope="t", endpoint="e", payload={"a": 1}, register=lambda: pytest.fail("ran twice")
    )
    assert not outcome.replayed and again.replayed
    assert again.case.pk == outcome.case.pk
    assert again.verification_code == outcome.verification_code
    with pytest.raises(ApiError):
        intake.register_once("nope", scope="t", endpoint="e", payload={}, register=lambda: None)  # type: ignore[arg-type,return-value]


def test_bucket_states_come_from_the_tables() -> None:
    hotline = machine_for("hotline")
    assert hotline is not None
    callback = worklists.states_leaving_by("callback", "close")
    text = str(callback)
    for state in hotline.action("callback").sources:  # type: ignore[union-attr]
        assert state in text
    assert str(worklists.states_leaving_by("no_such_action")) == str(worklists.states_leaving_by())


def test_demo_cases_need_the_demo_logins(db: None) -> None:
    assert populate_case_demo() == 0
    assert Case.objects.count() == 0


def test_case_posts_need_the_csrf_token(
    territory: Territory, town_operator: User, units: Units
) -> None:
    case = register(town_operator, territory.grid_a1).case
    client = Client(enforce_csrf_checks=True)
    client.force_login(town_operator)
    response = client.post(f"/console/cases/{case.pk}/act/accept/", {"accept-version": 1})
    assert response.status_code == 403
    assert Client(enforce_csrf_checks=True).post("/portal/", {}).status_code == 403
    case.refresh_from_db()
    assert case.status == "registered"


def test_case_pages_are_no_store_and_strict(
    territory: Territory, town_operator: User, units: Units
) -> None:
    case = register(town_operator, territory.grid_a1).case
    client = client_for(town_operator)
    for url in ("/console/cases/", f"/console/cases/{case.pk}/", "/console/cases/new/"):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url
        csp = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "http" not in csp, url
    portal = Client().get("/portal/track/")
    assert "no-store" in portal["Cache-Control"] or "no-cache" in portal["Cache-Control"]


def test_case_page_in_english(territory: Territory, town_operator: User, units: Units) -> None:
    case = register(town_operator, territory.grid_a1).case
    client = client_for(town_operator)
    client.cookies["django_language"] = "en"
    body = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert "Actions you can take" in body and "Timeline" in body and "Parties" in body
    desk = client.get("/console/cases/").content.decode()
    assert "Case desk" in desk and "New / to dispatch" in desk
    portal = Client()
    portal.cookies["django_language"] = "en"
    assert "Tell us" in portal.get("/portal/").content.decode()
