"""信访情况年度报告 (信访工作条例 第四十一条, rule 22) written from the figures: (一) the
statistics, the fields involved and the most-complained units; (二) 转送、交办、督办; (三)
the recommendations made and their adoption — with the rule-22 tables attached.

Every number in the text goes through the bulletin's `Text` (bulletin.py), so it is traced to
its indicator, area and period exactly like the monthly 通报; the tables are the same
`TableResult`s the API and the xlsx export give, so a figure cannot differ between the text,
the tables and the files. The layout is the 通报's GB/T 9704 layout (red header, sections,
signature, 版记).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from fengqiao.documents.kinds.bulletin import BulletinData, BulletinSection
from fengqiao.regions.models import Level, Region
from fengqiao.reports import indicators as ind
from fengqiao.reports import tables
from fengqiao.reports.bulletin import BulletinResult, Figures, Text, whole
from fengqiao.reports.definitions import REPORTS, TABLES
from fengqiao.reports.periods import Period
from fengqiao.reports.selectors import NotAvailable

KINDS = ("petition",)
TOP = 5  # fields and units named in the text (the tables list more)
USED = (
    "received", "closed", "on_time_rate", "routed_transfer", "routed_assign", "supervised",
    "recommendations", "recommendations_adopted", "adoption_rate",
)  # fmt: skip


def _check(region: Region, period: Period) -> None:
    if period.shape != "year":
        raise NotAvailable("信访情况年度报告按年度编制，统计期应为年份，如 2026。")
    if region.level >= Level.GRID:
        raise NotAvailable("信访情况年度报告按村（社区）及以上区划编制。")


def _changes(t: Text, fig: Figures, indicator: str) -> str:
    return f"同比{t.change(fig.yoy(indicator))}"


def _statistics(t: Text, fig: Figures, region: Region) -> list[str]:
    received = fig.get("received")
    on_time = fig.get("on_time_rate")
    first = (
        f"{t.period(fig.period)}，{whole(region)}共登记受理信访事项{t.value(received)}，"
        f"{_changes(t, fig, 'received')}；办结{t.value(fig.get('closed'))}"
    )
    if on_time.value is not None:  # nothing closed with a time limit: no rate to state
        first += f"，按期办结率{t.value(on_time)}"
    return [first + "。"]


def _ranked_rows(result: tables.TableResult) -> list[tables.Row]:
    """Rows with a count, most first (ties in the table's order)."""
    rows = [r for r in result.rows if r.cells[0].value]
    return sorted(rows, key=lambda r: -int(r.cells[0].value or 0))


def _named(t: Text, rows: list[tables.Row]) -> str:
    parts = []
    for row in rows[:TOP]:
        trace = row.cells[0].trace or {}
        parts.append(f"{row.label}{t.cell(row.cells[0].text, trace)}")
    return "、".join(parts)


def _forms(t: Text, result: tables.TableResult) -> str:
    rows = [r for r in result.rows if r.cells[0].value]
    if not rows:
        return ""
    return f"按信访形式分，{_named(t, rows)}。"


def _fields(t: Text, result: tables.TableResult) -> str:
    rows = _ranked_rows(result)
    if not rows:
        return ""
    return f"反映问题涉及的领域主要是：{_named(t, rows)}。"


def _units(t: Text, result: tables.TableResult) -> str:
    rows = _ranked_rows(result)
    if not rows:
        return "本年度信访事项未涉及具体被反映单位。"
    return f"被反映问题较多的机关、单位是：{_named(t, rows)}。"


def _routing(t: Text, fig: Figures) -> list[str]:
    transfer, assign = fig.get("routed_transfer"), fig.get("routed_assign")
    supervised = fig.get("supervised")
    return [
        f"全年转送有权处理机关信访事项{t.value(transfer)}，{_changes(t, fig, 'routed_transfer')}；"
        f"交办下级机关{t.value(assign)}，{_changes(t, fig, 'routed_assign')}；"
        f"对受理的信访事项督办{t.value(supervised)}，{_changes(t, fig, 'supervised')}。"
    ]


def _recommendations(t: Text, fig: Figures) -> list[str]:
    made = fig.get("recommendations")
    if not made.value:
        return ["本年度未提出改进工作、完善政策和追究责任的建议。"]
    return [
        f"全年提出改进工作、完善政策和追究责任的建议{t.value(made)}，"
        f"{_changes(t, fig, 'recommendations')}；截至统计时被采纳"
        f"{t.value(fig.get('recommendations_adopted'))}，"
        f"采纳率{t.value(fig.get('adoption_rate'))}。"
    ]


def build(
    region: Region, period: Period, *, issuer: str = "", issued_on: date | None = None
) -> BulletinResult:
    """The annual report of an area already checked against the reader's scope."""
    _check(region, period)
    t = Text()
    fig = Figures(region, period, KINDS)
    built = {
        table_id: tables.build_for(TABLES[table_id], region, period, limit_rows=False)
        for table_id in REPORTS["petition_annual"][1]
        if region.level <= TABLES[table_id].max_level
    }
    first = _statistics(t, fig, region)
    if "petition_channels" in built:
        first.append(_forms(t, built["petition_channels"]))
    first.append(_fields(t, built["petition_fields"]))
    if "petition_units" in built:
        first.append(_units(t, built["petition_units"]))
    attached = [
        built[i].to_datatable() for i in ("petition_fields", "petition_units") if i in built
    ]
    sections = [
        BulletinSection(
            "信访事项数据统计、涉及领域及被投诉较多的机关单位",
            tuple(p for p in first if p),
            tables=tuple(attached),
        ),
        BulletinSection(
            "转送、交办、督办情况",
            tuple(_routing(t, fig)),
            tables=(built["petition_routing"].to_datatable(),),
        ),
        BulletinSection(
            "提出改进工作、完善政策和追究责任建议及被采纳情况", tuple(_recommendations(t, fig))
        ),  # fmt: skip
        BulletinSection(
            "数据说明",
            tuple(f"{ind.INDICATORS[i].name}：{ind.INDICATORS[i].definition}。" for i in USED),
        ),
    ]
    issuer = issuer or f"{region.name}信访局"
    year = period.start.year
    data = BulletinData(
        issuer=issuer,
        number=f"信访年报〔{year + 1}〕1号",
        title=f"关于{period.label}度{region.name}信访情况的报告",
        recipients=f"{region.name}党委、政府",
        sections=tuple(sections),
        signer=issuer,
        issued_on=issued_on or timezone.localdate(),
        intro=(
            f"根据《信访工作条例》第四十一条，现将{period.label}度{region.name}信访情况报告如下。",
        ),
        closing=("以上报告，请审阅。",),
    )
    t.traces.insert(0, {"text": period.label, "kind": "period", "period": period.code})
    return BulletinResult(data, t.traces, list(built.values()))
