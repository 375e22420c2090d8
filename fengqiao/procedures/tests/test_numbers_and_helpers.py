"""Statutory numbers as versioned, region-scoped data with their source; handing a case's
lead between units; idempotent intake; serving a rendered document."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from fengqiao.accounts.models import Role
from fengqiao.api import ApiError
from fengqiao.cases.models import Assignment, AssignmentRole, AssignmentStatus, Case
from fengqiao.core.models import Outbox
from fengqiao.documents.model import Document, Paragraph
from fengqiao.procedures.files import TYPES, document_response
from fengqiao.procedures.handover import hand_lead, sign_lead
from fengqiao.procedures.intake import register_once
from fengqiao.procedures.models import StatutoryNumber
from fengqiao.procedures.numbers import statutory_number
from fengqiao.procedures.tests.conftest import new_case
from fengqiao.rules.errors import RuleNotFound
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Unit

MAX_REPS = "petition.max_visit_representatives"


# ------------------------------------------------------------------ statutory numbers


def test_shipped_numbers_carry_their_source(db: None) -> None:
    rows = {r.code: r for r in StatutoryNumber.objects.filter(version=1)}
    assert rows[MAX_REPS].value == Decimal("5") and rows[MAX_REPS].rule_number == 21
    assert rows[MAX_REPS].citation == "《信访工作条例》第二十条"
    assert str(rows[MAX_REPS]) == "多人采用走访形式提出同一信访事项的，推选代表人数上限：5人"
    wage = rows["court.small_claims_wage_percent"]
    assert (wage.value, wage.unit, wage.rule_number) == (Decimal("50"), "%", 28)
    assert "第一百六十五条" in wage.source_article
    consent = rows["court.small_claims_consent_percent"]
    assert consent.value == Decimal("200") and consent.source_grade == "V"


def test_national_number_applies_everywhere(territory: Territory) -> None:
    number = statutory_number(MAX_REPS, region=territory.grid_a1, on=dt.date(2026, 1, 1))
    assert number.as_int == 5 and number.unit == "人"
    assert statutory_number(MAX_REPS, region=None, on=dt.date(2026, 1, 1)).as_int == 5


def test_not_in_force_before_its_effective_date(territory: Territory) -> None:
    with pytest.raises(RuleNotFound):
        statutory_number(MAX_REPS, region=territory.county, on=dt.date(2022, 4, 30))


def test_unknown_code_is_a_configuration_error(territory: Territory) -> None:
    with pytest.raises(RuleNotFound) as info:
        statutory_number("no.such.number", region=territory.county, on=dt.date(2026, 1, 1))
    assert "no.such.number" in info.value.message


def _local(region: Any, value: str, **kw: Any) -> StatutoryNumber:
    return StatutoryNumber.objects.create(
        code=MAX_REPS,
        name="测试地方数值",
        value=Decimal(value),
        unit="人",
        region=region,
        effective_from=kw.pop("effective_from", dt.date(2025, 1, 1)),
        issuing_authority="测试机关",
        source_document="测试地方规定（非真实文件）",
        source_article="第一条",
        version=kw.pop("version", 1),
        **kw,
    )


def test_the_deepest_region_wins(territory: Territory) -> None:
    _local(territory.province, "4")
    _local(territory.county, "3")
    assert statutory_number(MAX_REPS, region=territory.grid_a1, on=dt.date(2026, 1, 1)).value == 3
    other = statutory_number(MAX_REPS, region=territory.other_grid, on=dt.date(2026, 1, 1))
    assert other.value == 4  # another county of the same province
    assert other.citation == "《测试地方规定（非真实文件）》第一条"


def test_the_latest_version_in_force_wins_and_expired_rows_do_not(territory: Territory) -> None:
    _local(territory.county, "3", version=1, effective_to=dt.date(2025, 12, 31))
    _local(territory.county, "2", version=2, effective_from=dt.date(2026, 1, 1))
    assert statutory_number(MAX_REPS, region=territory.county, on=dt.date(2025, 6, 1)).value == 3
    assert statutory_number(MAX_REPS, region=territory.county, on=dt.date(2026, 6, 1)).value == 2


# ------------------------------------------------------------------ handing the lead


def _lead(case: Case) -> Assignment:
    return Assignment.objects.get(
        case=case, role=AssignmentRole.LEAD, status__in=["pending", "signed"]
    )


def test_hand_lead_withdraws_the_previous_lead(
    territory: Territory, committee: Unit, other_committee: Unit
) -> None:
    case = new_case(territory)
    first = hand_lead(case, committee, actor=None, task="调解")
    assert first.status == AssignmentStatus.PENDING and case.lead_unit_id == committee.pk
    second = hand_lead(case, other_committee, actor=None, task="移交")
    assert Assignment.objects.get(pk=first.pk).status == AssignmentStatus.WITHDRAWN
    assert _lead(case).pk == second.pk
    assert Case.objects.get(pk=case.pk).lead_unit_id == other_committee.pk
    notices = Outbox.objects.filter(case=case, topic="assignment.new").values_list(
        "recipient", flat=True
    )
    assert set(notices) == {f"unit:{committee.code}", f"unit:{other_committee.code}"}


def test_hand_lead_may_keep_the_previous_as_co_unit(
    territory: Territory, committee: Unit, other_committee: Unit
) -> None:
    case = new_case(territory)
    first = hand_lead(case, committee, actor=None)
    hand_lead(case, other_committee, actor=None, keep_previous=True, signed=True)
    kept = Assignment.objects.get(pk=first.pk)
    assert kept.role == AssignmentRole.CO and kept.status == AssignmentStatus.PENDING
    assert _lead(case).status == AssignmentStatus.SIGNED


def test_hand_lead_to_the_current_lead_changes_nothing(
    territory: Territory, committee: Unit
) -> None:
    case = new_case(territory)
    first = hand_lead(case, committee, actor=None)
    again = hand_lead(case, committee, actor=None)
    assert again.pk == first.pk
    assert Assignment.objects.filter(case=case).count() == 1


def test_hand_lead_back_reuses_an_active_co_assignment(
    territory: Territory, committee: Unit, other_committee: Unit
) -> None:
    case = new_case(territory)
    first = hand_lead(case, committee, actor=None, task="原任务")
    hand_lead(case, other_committee, actor=None, keep_previous=True)
    back = hand_lead(case, committee, actor=None, task="")
    assert back.pk == first.pk and back.role == AssignmentRole.LEAD and back.task == "原任务"


def test_sign_lead_marks_the_pending_lead_signed(territory: Territory, committee: Unit) -> None:
    case = new_case(territory)
    user = make_user("signer", Role.MEDIATOR, territory.village)
    assert sign_lead(case, actor=user) is None  # no lead yet
    hand_lead(case, committee, actor=None)
    signed = sign_lead(case, actor=user)
    assert signed is not None and signed.status == AssignmentStatus.SIGNED
    assert signed.signed_by == user and signed.signed_at is not None
    assert sign_lead(case, actor=user) == signed  # already signed: unchanged


# ------------------------------------------------------------------ idempotent intake


def test_register_once_replays_the_first_response(territory: Territory) -> None:
    key = str(uuid.uuid4())
    calls: list[int] = []

    def create() -> tuple[Case, dict[str, Any]]:
        case = new_case(territory)
        calls.append(case.pk)
        return case, {"id": case.pk, "receipt_no": case.receipt_no}

    first = register_once(key, scope="user:1", endpoint="test", payload={"a": 1}, create=create)
    second = register_once(key, scope="user:1", endpoint="test", payload={"a": 1}, create=create)
    assert first.status_code == 201 and second.status_code == 201
    assert first.value == second.value and len(calls) == 1
    assert Case.objects.count() == 1


def test_register_once_with_another_payload_is_refused(territory: Territory) -> None:
    key = str(uuid.uuid4())

    def create() -> tuple[Case, dict[str, Any]]:
        case = new_case(territory)
        return case, {"id": case.pk}

    register_once(key, scope="user:1", endpoint="test", payload={"a": 1}, create=create)
    with pytest.raises(ApiError) as info:
        register_once(key, scope="user:1", endpoint="test", payload={"a": 2}, create=create)
    assert info.value.status_code == 422


def test_register_once_forgets_the_key_when_creation_fails(territory: Territory) -> None:
    key = str(uuid.uuid4())

    def broken() -> tuple[Case, dict[str, Any]]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        register_once(key, scope="user:1", endpoint="test", payload={}, create=broken)

    def create() -> tuple[Case, dict[str, Any]]:
        case = new_case(territory)
        return case, {"id": case.pk}

    retried = register_once(key, scope="user:1", endpoint="test", payload={}, create=create)
    assert retried.status_code == 201


def test_register_once_needs_a_key(territory: Territory) -> None:
    with pytest.raises(ApiError) as info:
        register_once(None, scope="user:1", endpoint="test", payload={}, create=lambda: None)  # type: ignore[arg-type,return-value]
    assert info.value.status_code == 400


# ------------------------------------------------------------------ documents


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_document_response_is_an_uncached_attachment(fmt: str) -> None:
    document = Document(title="测试文书", blocks=[Paragraph("正文内容")])
    response = document_response(document, fmt=fmt, filename="调解协议书-TJ1")
    assert response["Content-Type"] == TYPES[fmt]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and f".{fmt}" in disposition
    assert "utf-8''" in disposition.lower()  # the Chinese name is RFC 5987-encoded
    assert len(response.content) > 1000
