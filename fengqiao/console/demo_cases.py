"""Demo cases for the console (DEMO ONLY): units, a 派单目录 for 城关区, and a dozen cases in
酒泉路街道 at every stage, so that 事项工作台, 本单位待办 and 网格任务 make sense at first sight.

Everything goes through the cases app's `do_*` actions, as a real operator, handler and grid
worker would do it; callers and phones are invented (199-0932 block). Units are marked with a
`DEMO-` code prefix; running it twice adds nothing (the first demo case's external reference).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.cases import actions as a
from fengqiao.cases.models import Case
from fengqiao.regions.models import Level, Region
from fengqiao.units.models import CatalogueEntry, CatalogueVersion, Category, Unit, UnitType

MARK = "demo-console-"
COUNTY = "620102000000"
TOWNSHIP = "620102001000"
WORKER_GRID = "620102001001001"
CATEGORIES = {
    "RX0101",
    "RX01",
    "RX02",
    "RX0201",
    "RX0402",
    "RX0501",
    "RX0502",
    "RX0504",
    "WG0101",
    "WG0301",
    "WG0303",
    "WG05",
}

UNITS = [
    ("DEMO-ENV-620102", "城关区生态环境分局", UnitType.DEPARTMENT, COUNTY),
    ("DEMO-HOUSE-620102", "城关区住房和城乡建设局", UnitType.DEPARTMENT, COUNTY),
    ("DEMO-CITY-620102", "城关区城市管理执法局", UnitType.DEPARTMENT, COUNTY),
    ("DEMO-GOV-620102001", "酒泉路街道办事处", UnitType.GOVERNMENT, TOWNSHIP),
]
CATALOGUE = [  # category → lead, co-units
    ("RX0501", "DEMO-ENV-620102", ["DEMO-GOV-620102001"]),
    ("RX01", "DEMO-CITY-620102", []),
    ("RX02", "DEMO-HOUSE-620102", ["DEMO-GOV-620102001"]),
]


def _units() -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    for code, name, unit_type, region_code in UNITS:
        region = Region.objects.get(code=region_code)
        out[code], _ = Unit.objects.get_or_create(
            code=code, defaults={"name": name, "unit_type": unit_type, "region": region}
        )
    county = Region.objects.get(code=COUNTY)
    if not CatalogueVersion.objects.filter(region=county).exists():
        version = CatalogueVersion.objects.create(
            region=county,
            version=1,
            effective_from=date(2026, 1, 1),
            issued_by="城关区综治中心（演示）",
            note="演示数据",
        )
        for category, lead, co in CATALOGUE:
            entry = CatalogueEntry.objects.create(
                catalogue=version,
                category=Category.objects.get(code=category),
                region=county,
                lead_unit=out[lead],
            )
            entry.co_units.set([out[c] for c in co])
    return out


def _draft(
    n: int,
    grid: Region,
    category: str,
    text: str,
    *,
    caller: str = "",
    kind: str = "hotline",
    channel: str = "hotline_phone",
    **extra: object,
) -> a.CaseDraft:
    parties = []
    if caller:
        parties = [a.PartyDraft(role="complainant", name=caller, phone=f"1990932{8000 + n:04d}")]
    return a.CaseDraft(
        kind=kind,
        channel=channel,
        description=text,
        region=grid,
        category=Category.objects.get(code=category),
        request_type="complaint" if kind == "hotline" else "",
        address=f"{grid.parent.name if grid.parent else ''}{10 + n}号",
        parties=parties,
        external_ref=f"{MARK}{n}",
        **extra,  # type: ignore[arg-type]
    )


def populate_case_demo() -> int:
    """Add the demo cases; returns how many were added (0 when they already exist)."""
    operator = User.objects.filter(username="demo_operator").first()
    handler = User.objects.filter(username="demo_handler").first()
    worker = User.objects.filter(username="demo_grid").first()
    # demo_grid's own grid first: the grid worker reports there
    grids = list(
        Region.objects.filter(path__startswith=_path(TOWNSHIP), level=Level.GRID)
        .exclude(code=WORKER_GRID)
        .order_by("code")[:1]
    )
    grids.insert(0, Region.objects.filter(code=WORKER_GRID).first())  # type: ignore[arg-type]
    if operator is None or handler is None or worker is None or None in grids or len(grids) < 2:
        return 0
    if Case.objects.filter(external_ref=f"{MARK}1").exists():
        return 0
    if Category.objects.filter(code__in=CATEGORIES).count() < len(CATEGORIES):
        return 0  # the taxonomies ship as data migrations; without them there is nothing to file
    units = _units()
    env, house, city, street = (units[code] for code, *_ in UNITS)
    if handler.unit_id is None:
        User.objects.filter(pk=handler.pk).update(unit=env)
        handler.refresh_from_db()
    g1, g2 = grids[0], grids[1]

    def reg(n: int, *args: object, actor: User | None = operator, **kw: object) -> Case:
        return a.do_register(_draft(n, *args, **kw), actor=actor).case  # type: ignore[arg-type]

    def dispatched(case: Case, lead: Unit | None = None, **kw: object) -> Case:
        case = a.do_accept(case, actor=operator) if case.kind == "hotline" else case
        draft = a.AssignmentDraft(unit=lead) if lead else None
        return a.do_dispatch(case, actor=operator, lead=draft, **kw)  # type: ignore[arg-type]

    added = []
    added.append(
        reg(
            1,
            g1,
            "RX0501",
            "小区旁工地每晚施工到凌晨两点，噪声很大，老人孩子无法休息。",
            caller="张桂兰",
        )
    )
    added.append(
        reg(2, g1, "RX0501", "工地夜间施工噪声扰民，晚上十二点后还在打桩。", caller="王建平")
    )
    added.append(
        a.do_accept(
            reg(
                3,
                g2,
                "RX0201",
                "物业长期不清理楼道杂物，存在消防隐患，多次反映无果。",
                caller="李秀英",
            ),
            actor=operator,
        )
    )
    added.append(
        dispatched(
            reg(4, g1, "RX0501", "楼下餐馆排风机噪声大，夜里十点以后仍在运转。", caller="赵立新")
        )
    )
    case = dispatched(
        reg(5, g2, "RX0504", "小区垃圾清运不及时，垃圾桶满溢，气味很大。", caller="周玉梅"), env
    )
    case = a.do_sign(case, actor=handler)
    added.append(a.do_start(case, actor=handler))
    case = dispatched(
        reg(6, g1, "RX0502", "附近烧烤摊油烟直排，影响住户开窗通风。", caller="吴春生"), env
    )
    case = a.do_start(a.do_sign(case, actor=handler), actor=handler)
    added.append(
        a.do_reply(
            case,
            actor=handler,
            reply="已约谈摊主并责令加装油烟净化设备，三日内复查。",
            resolved=True,
        )
    )
    case = dispatched(reg(7, g2, "RX0501", "KTV营业到深夜，音响声音过大。", caller="徐淑芬"), env)
    case = a.do_start(a.do_sign(case, actor=handler), actor=handler)
    case = a.do_reply(
        case, actor=handler, reply="已现场检查，责令降低音量并安装隔音设施。", resolved=True
    )
    added.append(a.do_approve_reply(case, actor=operator))
    case = dispatched(
        reg(8, g1, "RX0501", "广场舞音响声音太大，影响周边居民。", caller="孙永红"), env
    )
    case = a.do_start(a.do_sign(case, actor=handler), actor=handler)
    case = a.do_reply(
        case, actor=handler, reply="已与广场舞队协商，限定时段和音量。", resolved=True
    )
    case = a.do_approve_reply(case, actor=operator)
    added.append(a.do_callback(case, actor=operator, satisfaction="satisfied", resolved=True))
    case = dispatched(reg(9, g2, "RX0101", "邻居在楼顶私自加盖彩钢房。", caller="马明辉"), house)
    # the housing bureau has no demo login: the objection comes through the engine as a note
    added.append(case)
    now = timezone.now()
    event = reg(
        10,
        g1,
        "WG0301",
        "楼道内电动车充电，私拉电线，存在火灾隐患。",
        kind="grid_event",
        channel="grid_patrol",
        actor=worker,
    )
    added.append(a.do_report(event, actor=worker))
    late = reg(
        11,
        g1,
        "WG05",
        "小区门口占道经营，早晚高峰影响通行。",
        kind="grid_event",
        channel="grid_patrol",
        actor=worker,
    )
    late = a.do_report(late, actor=worker)
    late = a.do_dispatch(
        late,
        actor=operator,
        lead=a.AssignmentDraft(unit=city, task="清理占道经营", due_at=now - timedelta(days=2)),
    )
    a.do_mark_overdue(late, now=now)
    a.do_raise_supervision(late, level=1, actor=operator, reason="超期未办结（演示）")
    added.append(late)
    today = reg(
        12,
        g1,
        "WG0303",
        "老旧住宅外墙瓷砖脱落，存在坠落风险。",
        kind="grid_event",
        channel="grid_patrol",
        actor=worker,
    )
    today = a.do_report(today, actor=worker)
    end_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 0)))
    added.append(
        a.do_dispatch(
            today,
            actor=operator,
            lead=a.AssignmentDraft(unit=street, task="设置警示并联系维修", due_at=end_of_day),
        )
    )
    done = reg(
        13,
        g1,
        "WG0101",
        "两户邻居因楼上漏水发生争执。",
        kind="grid_event",
        channel="grid_patrol",
        actor=worker,
    )
    added.append(
        a.do_resolve_on_site(
            done, actor=worker, result="网格员上门调解，楼上住户同意维修防水层，双方和解。"
        )
    )
    citizen = _draft(
        14,
        g1,
        "RX0402",
        "小区门前道路井盖破损，夜间行人容易摔倒。",
        caller="胡爱琴",
        channel="citizen_web",
    )
    added.append(a.do_register(citizen, actor=None).case)
    return len(added)


def _path(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.path if region else "-"
