"""The refusal type every action raises (its defaults decide what is audited and how the API
answers) and the URL sampling behind the endpoint inventory (AC-04)."""

from __future__ import annotations

import pytest

from fengqiao.api import _field_name
from fengqiao.core.endpoints import _sample_regex, _sample_route
from fengqiao.core.errors import ActionError
from fengqiao.regions.models import Region


@pytest.mark.parametrize(
    ("status", "audited"), [(400, False), (403, True), (404, True), (409, True), (429, True)]
)
def test_refusals_are_audited_but_plain_bad_input_is_not(status: int, audited: bool) -> None:
    assert ActionError(status, "中文", "English").audit is audited
    assert ActionError(status, "中文", "English", audit=not audited).audit is not audited


def test_field_errors_take_the_api_shape() -> None:
    error = ActionError(400, "手机号格式不正确。", "Bad phone.", code="invalid", field="phone")
    assert error.errors == [{"field": "phone", "message": "手机号格式不正确。", "type": "invalid"}]
    assert ActionError(403, "不允许。", "No.").errors == []
    assert str(error) == "Bad phone."  # the log line stays English


@pytest.mark.parametrize(
    ("loc", "field"),
    [
        (("body", "payload", "reason"), "reason"),
        (("body", "payload", "parties", 0, "phone"), "parties.0.phone"),
        (("body", "payload"), "payload"),  # the whole body is missing or not an object
        (("query", "page"), "page"),
        (("path", "pk"), "pk"),
    ],
)
def test_schema_errors_name_fields_like_semantic_errors(
    loc: tuple[object, ...], field: str
) -> None:
    assert _field_name(loc) == field


@pytest.mark.django_db
def test_a_target_names_the_object_for_the_audit_row(territory: object) -> None:
    region = Region.objects.get(code="620102000000")
    error = ActionError(404, "未找到。", "Not found.", target=region, data={"k": 1})
    assert (error.object_type, error.object_id) == ("regions.region", str(region.pk))
    assert error.data == {"k": 1} and error.outcome == "denied"
    named = ActionError(403, "x", "x", object_type="cases.case", object_id="42")
    assert (named.object_type, named.object_id) == ("cases.case", "42")


@pytest.mark.parametrize(
    ("route", "sample"),
    [
        ("api/v1/cases/<int:case_id>", "api/v1/cases/1"),
        ("portal/<slug:code>/", "portal/x/"),
        ("files/<uuid:key>", "files/00000000-0000-0000-0000-000000000000"),
        ("plain/<name>/", "plain/1/"),
        ("static/", "static/"),
    ],
)
def test_routes_get_a_sample_url_for_each_converter(route: str, sample: str) -> None:
    assert _sample_route(route) == sample


def test_regex_groups_get_a_matching_sample() -> None:
    assert _sample_regex(r"^(?P<app_label>accounts|auth)/$") == "accounts/"
    assert _sample_regex(r"^r/(?P<content_type_id>\d+)/(?P<object_id>.+)/$") == "r/1/1/"
    with pytest.raises(ValueError, match="no sample"):
        _sample_regex(r"^(?P<code>[A-Z]{9})/$")
