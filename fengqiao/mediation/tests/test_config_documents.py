"""Configuration actions on their own (who manages a body, 特邀 checks, audit rows, the wage's
province and source) and the agreement's document data (parties and their roles, masked phones,
company representatives, presiding mediator first, a deadline-less agreement, the copies with
their source) read back from the rendered files."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from fengqiao.accounts.models import Role, User
from fengqiao.audit.models import AuditEntry
from fengqiao.cases.actions import CaseDraft, PartyDraft
from fengqiao.cases.errors import Invalid, NotAllowed
from fengqiao.cases.models import PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.documents.render import render_docx, render_pdf
from fengqiao.mediation import actions as m
from fengqiao.mediation.documents import COPIES_SOURCE, agreement_data, agreement_document
from fengqiao.mediation.models import Agreement, MediationOrg, Mediator, MediatorKind
from fengqiao.mediation.tests.conftest import Bodies, member
from fengqiao.mediation.tests.helpers import accept, settle, to_mediating
from fengqiao.procedures.testing import at, travel
from fengqiao.testing import Territory, make_user
from fengqiao.units.models import Category

# ------------------------------------------------------------------ configuration actions


def test_members_and_region_operators_manage_a_body(
    territory: Territory, county_operator: User, grid_worker: User, bodies: Bodies
) -> None:
    org = MediationOrg.objects.get(unit=bodies.village)
    own = member("own_m", bodies.village)
    room = m.do_add_room(org, actor=own, name="一号调解室", capacity=6)
    assert room.org == org and room.capacity == 6 and not room.has_video
    m.do_add_room(org, actor=county_operator, name="视频调解室", has_video=True)
    with pytest.raises(NotAllowed):
        m.do_add_room(org, actor=grid_worker, name="不该有的调解室")
    assert org.rooms.count() == 2
    audited = AuditEntry.objects.filter(action="mediation.room_added")
    assert audited.count() == 2


def test_another_bodys_member_may_not_manage(territory: Territory, bodies: Bodies) -> None:
    other = member("township_m", bodies.township)
    org = MediationOrg.objects.get(unit=bodies.village)
    with pytest.raises(NotAllowed):
        m.do_add_mediator(org, m.MediatorDraft(name="某", kind="full_time"), actor=other)


def test_invited_mediator_needs_a_court(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    org = MediationOrg.objects.get(unit=bodies.centre)
    for inviter in (None, bodies.police):
        with pytest.raises(Invalid) as info:
            m.do_add_mediator(
                org,
                m.MediatorDraft(name="特邀甲", kind=MediatorKind.INVITED, invited_by=inviter),
                actor=county_operator,
            )
        assert info.value.errors[0]["field"] == "invited_by_code"
    mediator = m.do_add_mediator(
        org,
        m.MediatorDraft(
            name="特邀甲",
            kind=MediatorKind.INVITED,
            invited_by=bodies.court,
            specialities=list(Category.objects.filter(code__in=["TJ04", "TJ13"])),
            max_active=3,
            phone="13900001111",
        ),
        actor=county_operator,
    )
    stored = Mediator.objects.get(pk=mediator.pk)
    assert stored.invited_by == bodies.court and stored.max_active == 3
    assert sorted(c.code for c in stored.specialities.all()) == ["TJ04", "TJ13"]
    row = AuditEntry.objects.get(action="mediation.mediator_added")
    assert row.data["kind"] == "invited" and "13900001111" not in str(row.data)


def test_org_profile_defaults_its_mediation_type(
    territory: Territory, county_operator: User, bodies: Bodies
) -> None:
    org = m.do_save_org(bodies.admin, actor=county_operator, kind="administrative")
    assert org.mediation_type == "administrative"
    court_org = m.do_save_org(
        bodies.township, actor=county_operator, kind="court_invited", invited_by=bodies.court
    )
    assert court_org.invited_by == bodies.court


def test_wage_only_for_a_province_by_its_region_admin(
    territory: Territory, county_admin: User
) -> None:
    admin = make_user("province_admin", Role.REGION_ADMIN, territory.province)
    with pytest.raises(Invalid):
        m.do_set_average_wage(
            territory.city,
            actor=admin,
            year=2025,
            amount=Decimal("1"),
            source_document="测试来源",
        )
    with pytest.raises(NotAllowed):
        m.do_set_average_wage(
            territory.province,
            actor=county_admin,
            year=2025,
            amount=Decimal("1"),
            source_document="测试来源",
        )
    with pytest.raises(Invalid):
        m.do_set_average_wage(
            territory.province, actor=admin, year=2025, amount=Decimal("0"), source_document="x"
        )
    row = m.do_set_average_wage(
        territory.province,
        actor=admin,
        year=2025,
        amount=Decimal("100000.00"),
        source_document="测试数据（非真实统计数字）",
        published_on=dt.date(2026, 5, 20),
    )
    assert row.published_on == dt.date(2026, 5, 20)
    audited = AuditEntry.objects.get(action="mediation.average_wage")
    assert audited.data["source"] == "测试数据（非真实统计数字）"


# ------------------------------------------------------------------ agreement data and files


def docx_text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return re.sub(r"\s+", "", "".join(parts))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def _company_dispute(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> Agreement:
    d = CaseDraft(
        kind=Kind.DISPUTE,
        channel="grid_patrol",
        description="业主与物业公司因停车费发生纠纷",
        region=territory.grid_a1,
        category=Category.objects.get(code="TJ14"),
        parties=[
            PartyDraft(
                role=PartyRole.COMPLAINANT,
                name="周八",
                phone="13912345678",
                address="兰州市城关区秦安路8号",
            ),
            PartyDraft(
                role=PartyRole.RESPONDENT,
                party_type="organisation",
                name="兰州某某物业服务有限公司",
                phone="09318888888",
            ),
        ],
    )
    with travel(at("2026-03-02", 9)):
        case = m.do_intake_dispute(d, m.DisputeDraft(org=bodies.village), actor=grid_worker).case
    case = accept(case, villager, at("2026-03-02", 10))
    second = Mediator.objects.create(
        org=bodies.mediators["village"].org, name="副调解员", kind=MediatorKind.PART_TIME
    )
    with travel(at("2026-03-02", 11)):
        case = m.do_assign_mediators(
            case,
            actor=villager,
            picks=[m.MediatorPick(second), m.MediatorPick(bodies.mediators["village"], True)],
            chosen_by="parties",
        )
        m.do_hold_session(
            case,
            actor=villager,
            draft=m.SessionDraft(
                held_at=at("2026-03-02", 11), mode="on_site", record="记录", mediators=[second]
            ),
        )
    with travel(at("2026-03-03", 10)):
        m.do_record_outcome(
            case,
            actor=villager,
            outcome="success",
            agreement=m.AgreementDraft(
                form="written",
                facts="物业公司重复收取停车费。",
                disputed_points="停车费是否重复收取。",
                terms=["物业公司退还多收停车费三百元。"],
                performance_manner="银行转账。",
                performance_deadline=dt.date(2026, 3, 31),
                amount=Decimal("300"),
            ),
        )
    return Agreement.objects.get(case=case)


def test_agreement_data_roles_masking_and_mediators(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    agreement = _company_dispute(territory, grid_worker, villager, bodies)
    data = agreement_data(agreement)
    assert [(x.name, x.role) for x in data.parties] == [
        ("周八", "申请人"),
        ("兰州某某物业服务有限公司", "被申请人"),
    ]
    assert data.parties[0].contact != "13912345678" and data.parties[0].representative == ""
    assert data.parties[1].representative == "（法定代表人）"
    assert data.mediators == (bodies.mediators["village"].name, "副调解员")  # presiding first
    assert data.copies.count == 3 and data.copies.source == COPIES_SOURCE
    assert data.committee == bodies.village.name and data.number == agreement.number
    assert data.signed_on == dt.date(2026, 3, 3)  # not yet sealed: the day it was reached


def test_agreement_files_for_a_company_party(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    agreement = _company_dispute(territory, grid_worker, villager, bodies)
    document = agreement_document(agreement)
    assert document.title == "人民调解协议书"
    for text in (docx_text(render_docx(document)), pdf_text(render_pdf(document))):
        for expected in (
            "周八",
            "兰州某某物业服务有限公司",
            "物业公司重复收取停车费",
            "停车费是否重复收取",
            "物业公司退还多收停车费三百元",
            "银行转账",
            "2026年3月31日",
            "一式三份",
        ):
            assert expected in text, expected
        assert "13912345678" not in text and "09318888888" not in text


def test_deadline_less_oral_agreement(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    from fengqiao.mediation.tests.helpers import intake

    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-02", 11),
    )
    with travel(at("2026-03-02", 15)):
        m.do_record_outcome(
            case,
            actor=villager,
            outcome="success",
            agreement=m.AgreementDraft(
                form="oral", facts="", disputed_points="", terms=["当场和解"], performance_manner=""
            ),
        )
    agreement = Agreement.objects.get(case=case)
    data = agreement_data(agreement)
    assert data.performance_deadline == "协议生效后即时"
    assert data.signed_on == dt.date(2026, 3, 2)
    text = pdf_text(render_pdf(agreement_document(agreement)))
    assert "人民调解口头协议登记表" in text and "当场和解" in text


def test_signed_agreement_dates_from_its_effect(
    territory: Territory, grid_worker: User, villager: User, bodies: Bodies
) -> None:
    from fengqiao.mediation.tests.helpers import intake

    case = intake(grid_worker, territory.grid_a1, bodies.village, at("2026-03-02", 9))
    case = to_mediating(
        accept(case, villager, at("2026-03-02", 10)),
        villager,
        bodies.mediators["village"],
        at("2026-03-02", 11),
    )
    case = settle(case, villager, at("2026-03-02", 15))
    with travel(at("2026-03-05", 9)):
        m.do_sign_agreement(
            case,
            actor=villager,
            parties_signed_at=at("2026-03-04", 9),
            sealed_at=at("2026-03-04", 10),
        )
    assert agreement_data(Agreement.objects.get(case=case)).signed_on == dt.date(2026, 3, 4)
