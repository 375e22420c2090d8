"""Demo disputes and visit tasks (DEMO ONLY), on top of the console's demo cases.

酒泉路街道人民调解委员会 with two mediators (陈桂英 is the `demo_mediator` login), 城关区人民法院,
and four neighbours' disputes a grid worker sent to the committee — one waiting for
acceptance, one being mediated, one settled with a written agreement waiting for signatures,
one whose agreement took effect and went to the court for 司法确认 — so the 调解员工作台 makes
sense at first sight. `demo_grid` gets three 走访任务. Everything goes through the mediation
and visits apps' `do_*` actions; names and phones are invented (199-0932 block). Running it
twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases.actions import CaseDraft, PartyDraft
from fengqiao.cases.models import Case, PartyRole
from fengqiao.cases.workflow import Kind
from fengqiao.mediation import actions as m
from fengqiao.mediation.models import MediationOrg, Mediator, MediatorKind, OrgKind
from fengqiao.regions.models import Region
from fengqiao.units.models import Category, Unit, UnitType
from fengqiao.visits.actions import VisitDraft, do_create_visit_task
from fengqiao.visits.models import VisitTask

MARK = "demo-mediation-"
TOWNSHIP = "620102001000"
COUNTY = "620102000000"
GRID = "620102001001001"
COMMITTEE = ("DEMO-TJ-620102001", "酒泉路街道人民调解委员会")
COURT = ("DEMO-FY-620102", "城关区人民法院")

DISPUTES = [
    ("TJ02", "楼上卫生间漏水导致楼下顶棚受损，两户多次争吵。", ("张桂兰", "王建平")),
    ("TJ02", "邻居在楼道堆放杂物并安装监控对着对门，双方发生口角。", ("李秀英", "赵立新")),
    ("TJ02", "相邻两户因院墙排水沟改道产生纠纷，雨天积水进院。", ("周玉梅", "吴春生")),
    ("TJ02", "租户退租时押金被扣，双方对房屋损坏赔偿数额有争议。", ("徐淑芬", "孙永红")),
]
VISITS = [
    ("key_household", "秦安路社区5号楼3单元202 独居老人", "了解冬季取暖和用电安全", 0),
    ("dispute_followup", "秦安路社区12号院 漏水纠纷双方", "回访调解协议履行情况", 3),
    ("safety", "秦安路社区东门 电动车集中停放点", "查看私拉电线充电是否已整改", 5),
]


def _committee() -> tuple[Unit, Unit]:
    township = Region.objects.get(code=TOWNSHIP)
    county = Region.objects.get(code=COUNTY)
    unit, _ = Unit.objects.get_or_create(
        code=COMMITTEE[0],
        defaults={
            "name": COMMITTEE[1],
            "unit_type": UnitType.MEDIATION_COMMITTEE,
            "region": township,
        },
    )
    court, _ = Unit.objects.get_or_create(
        code=COURT[0], defaults={"name": COURT[1], "unit_type": UnitType.COURT, "region": county}
    )
    MediationOrg.objects.get_or_create(
        unit=unit,
        defaults={
            "kind": OrgKind.TOWNSHIP,
            "mediation_type": "people",
            "address": "酒泉路街道综治中心二楼调解室",
        },
    )
    return unit, court


def _draft(n: int, grid: Region, category: str, text: str, names: tuple[str, str]) -> CaseDraft:
    return CaseDraft(
        kind=Kind.DISPUTE,
        channel="grid_patrol",
        description=text,
        region=grid,
        category=Category.objects.get(code=category),
        address=f"秦安路社区{10 + n}号",
        parties=[
            PartyDraft(role=PartyRole.COMPLAINANT, name=names[0], phone=f"1990932{8100 + n:04d}"),
            PartyDraft(role=PartyRole.RESPONDENT, name=names[1], phone=f"1990932{8200 + n:04d}"),
        ],
        external_ref=f"{MARK}{n}",
    )


def _agreement(amount: str) -> m.AgreementDraft:
    return m.AgreementDraft(
        form="written",
        facts="双方为相邻住户，因房屋使用问题发生纠纷，经社区网格员发现并报送调解。",
        disputed_points="损失的原因及赔偿数额。",
        responsibility="被申请人对损失负主要责任。",
        terms=["被申请人于协议生效后十日内修复受损部位", f"被申请人赔偿申请人损失{amount}元"],
        performance_manner="现金或转账一次性支付",
        performance_place="酒泉路街道人民调解委员会",
        performance_deadline=timezone.localdate() + dt.timedelta(days=30),
        amount=Decimal(amount),
    )


def populate_mediation_demo() -> int:
    """Add the demo disputes and visit tasks; returns how many disputes were added."""
    mediator_user = User.objects.filter(username="demo_mediator").first()
    worker = User.objects.filter(username="demo_grid").first()
    operator = User.objects.filter(username="demo_operator").first()
    grid = Region.objects.filter(code=GRID).first()
    if (
        None in (mediator_user, worker, operator, grid)
        or not Region.objects.filter(code=TOWNSHIP).exists()
    ):
        return 0
    assert mediator_user is not None and worker is not None and operator is not None
    assert grid is not None
    _visits(grid, operator)
    if Case.objects.filter(external_ref=f"{MARK}1").exists():
        return 0
    if not Category.objects.filter(code="TJ02").exists():
        return 0
    unit, court = _committee()
    if mediator_user.unit_id is None:
        User.objects.filter(pk=mediator_user.pk).update(unit=unit)
        mediator_user.refresh_from_db()
    org = MediationOrg.objects.get(unit=unit)
    chen, _ = Mediator.objects.get_or_create(
        org=org, name="陈桂英", defaults={"kind": MediatorKind.FULL_TIME, "user": mediator_user}
    )
    Mediator.objects.get_or_create(
        org=org, name="王建国", defaults={"kind": MediatorKind.PART_TIME}
    )
    cases = [
        m.do_intake_dispute(
            _draft(n, grid, category, text, names), m.DisputeDraft(org=unit), actor=worker
        ).case
        for n, (category, text, names) in enumerate(DISPUTES, start=1)
    ]
    now = timezone.now()
    for index, case in enumerate(cases[1:], start=2):
        case = m.do_accept_dispute(case, actor=mediator_user)
        case = m.do_assign_mediators(
            case, actor=mediator_user, picks=[m.MediatorPick(chen, True)], chosen_by="designated"
        )
        m.do_hold_session(
            case,
            actor=mediator_user,
            draft=m.SessionDraft(
                held_at=now - dt.timedelta(hours=2),
                mode="on_site",
                record="双方到场陈述纠纷经过，调解员释法说理，双方同意协商解决。",
                mediators=[chen],
                parties=list(case.parties.all()),
                place="酒泉路街道调解室",
            ),
        )
        if index >= 3:
            case.refresh_from_db()
            case = m.do_record_outcome(
                case, actor=mediator_user, outcome="success", agreement=_agreement("1200")
            )
        if index == 4:
            signed = timezone.now()
            m.do_sign_agreement(
                case, actor=mediator_user, parties_signed_at=signed, sealed_at=signed
            )
            m.do_apply_confirmation(case, actor=mediator_user, court=court, joint=True)
    return len(cases)


def _visits(grid: Region, operator: User) -> None:
    if VisitTask.objects.filter(grid=grid, instructions=VISITS[0][2]).exists():
        return
    today = timezone.localdate()
    for kind, target, instructions, days in VISITS:
        do_create_visit_task(
            VisitDraft(
                grid=grid,
                kind=kind,
                target=target,
                instructions=instructions,
                due_on=today + dt.timedelta(days=days),
            ),
            actor=operator,
        )
