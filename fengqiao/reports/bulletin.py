"""The monthly 通报, written in Chinese from the figures.

Every number in the text goes through `Text.value` / `Text.change` / `Text.count`, which
record what it is — indicator id, parameters (area, period, kinds), numerator and
denominator, or the comparison period — so each number can be traced back to its indicator
(the `traces` list, in the order the numbers appear; a test checks every digit in the body
is one of them). The layout is `fengqiao.documents.kinds.bulletin` (GB/T 9704).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from fengqiao.documents.kinds.bulletin import BulletinData, BulletinSection, bulletin
from fengqiao.documents.model import Document
from fengqiao.regions.models import Level, Region
from fengqiao.reports import indicators as ind
from fengqiao.reports import periods, rankings, selectors, tables
from fengqiao.reports.definitions import DISPUTE_KINDS, HOTLINE_KINDS, TABLES
from fengqiao.reports.facts import PROVIDERS
from fengqiao.reports.periods import Period
from fengqiao.reports.selectors import Filters

KIND_NAMES = {
    "hotline": "12345热线工单",
    "grid_event": "网格事件",
    "dispute": "矛盾纠纷",
    "petition": "信访事项",
    "court_referral": "法院委派委托调解",
    "police_referral": "110非警务警情",
}
CHILD_UNITS = {
    Level.PROVINCE: "各市（州）",
    Level.CITY: "各县（市、区）",
    Level.COUNTY: "各乡镇（街道）",
    Level.TOWNSHIP: "各村（社区）",
    Level.VILLAGE: "各网格",
}


def whole(region: Region) -> str:
    """全省 / 全市 / 全区 / 全县 / 全镇 …: how a bulletin names its own area."""
    if region.level == Level.PROVINCE:
        return "全省"
    # longest suffix first: 社区 before 区 (秦安路社区 is not a 区)
    for suffix, word in (("街道", "全街道"), ("社区", "全社区"), ("自治州", "全州"), ("州", "全州"),
                         ("市", "全市"), ("区", "全区"), ("县", "全县"), ("旗", "全旗"),
                         ("镇", "全镇"), ("乡", "全乡"), ("村", "全村")):  # fmt: skip
        if region.name.endswith(suffix):
            return word
    return region.name


@dataclass
class Text:
    """Builds sentences; every number is recorded with where it came from."""

    traces: list[dict[str, Any]] = field(default_factory=list)

    def _add(self, text: str, kind: str, detail: dict[str, Any]) -> str:
        self.traces.append({"text": text, "kind": kind, **detail})
        return text

    def value(self, figure: ind.Figure) -> str:
        return self._add(figure.text(), "value", figure.trace())

    def cell(self, text: str, trace: dict[str, Any]) -> str:
        """A table cell's number quoted in the text, traced like the cell."""
        return self._add(text, "value", trace)

    def count(self, figure: ind.Figure) -> str:
        """A rate's numerator as a count (化解 Z 件)."""
        unit = "件"
        return self._add(f"{figure.numerator}{unit}", "numerator", figure.trace())

    def change(self, change: ind.Change) -> str:
        return self._add(change.text(), "change", change.trace())

    def setting(self, value: int, detail: dict[str, Any]) -> str:
        return self._add(str(value), "setting", detail)

    def period(self, period: Period) -> str:
        return self._add(period.label, "period", {"period": period.code})


@dataclass
class Figures:
    """The figures of one area, kinds and period, with 同比 and 环比."""

    region: Region
    period: Period
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.plist = [self.period, periods.year_before(self.period)]
        before = periods.before(self.period)
        if before is not None:
            self.plist.append(before)
        f = Filters(kinds=self.kinds)
        self.sums = selectors.totals(self.region, self.plist, f)
        self.params = {"region": self.region.code, "period": self.period.code, **f.params()}

    def get(self, indicator: str, index: int = 0) -> ind.Figure:
        params = {**self.params, "period": self.plist[index].code}
        return ind.compute(indicator, self.sums[index], params)

    def yoy(self, indicator: str) -> ind.Change:
        return ind.change(self.get(indicator), self.get(indicator, 1))

    def mom(self, indicator: str) -> ind.Change | None:
        if len(self.plist) < 3:
            return None
        return ind.change(self.get(indicator), self.get(indicator, 2))


@dataclass
class BulletinResult:
    data: BulletinData
    traces: list[dict[str, Any]]
    tables: list[tables.TableResult]

    def document(self) -> Document:
        return bulletin(self.data)

    def body(self) -> list[str]:
        out: list[str] = list(self.data.intro)
        for section in self.data.sections:
            out += list(section.paragraphs)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.data.title,
            "number": self.data.number,
            "issuer": self.data.issuer,
            "recipients": self.data.recipients,
            "intro": list(self.data.intro),
            "sections": [
                {"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in self.data.sections
            ],
            "closing": list(self.data.closing),
            "traces": self.traces,
            "tables": [t.as_json() for t in self.tables],
        }


def _changes(t: Text, figures: Figures, indicator: str) -> str:
    parts = [f"同比{t.change(figures.yoy(indicator))}"]
    mom = figures.mom(indicator)
    if mom is not None:
        parts.append(f"环比{t.change(mom)}")
    return "，".join(parts)


def _overall(t: Text, fig: Figures, region: Region) -> list[str]:
    first = (
        f"{t.period(fig.period)}，{whole(region)}共受理各类事项{t.value(fig.get('received'))}，"
        f"{_changes(t, fig, 'received')}；办结{t.value(fig.get('closed'))}，"
        f"按期办结率{t.value(fig.get('on_time_rate'))}，"
        f"同比{t.change(fig.yoy('on_time_rate'))}；"
        f"化解率{t.value(fig.get('resolution_rate'))}；"
        f"超期件{t.value(fig.get('overdue'))}，并单{t.value(fig.get('merged'))}。"
    )
    parts = []
    for kind, name in KIND_NAMES.items():
        figure = Figures(region, fig.period, (kind,)).get("received")
        if figure.value:
            parts.append(f"{name}{t.value(figure)}")
    paragraphs = [first]
    if parts:
        paragraphs.append(f"其中，{'，'.join(parts)}。")
    return paragraphs


def _disputes(t: Text, region: Region, period: Period) -> list[str]:
    fig = Figures(region, period, DISPUTE_KINDS)
    if not fig.get("received").value:
        return [f"本期{whole(region)}未受理矛盾纠纷。"]
    resolution = fig.get("resolution_rate")
    text = (
        f"本期{whole(region)}共受理矛盾纠纷{t.value(fig.get('received'))}，"
        f"{_changes(t, fig, 'received')}；化解{t.count(resolution)}，"
        f"化解率{t.value(resolution)}"
    )
    if any(kind in PROVIDERS for kind in DISPUTE_KINDS):
        text += (
            f"；调解成功率{t.value(fig.get('mediation_success_rate'))}，"
            f"防止民转刑{t.value(fig.get('prevented_criminal'))}，"
            f"防止群体性上访{t.value(fig.get('prevented_group'))}"
        )
    return [text + "。"]


def _hotline(t: Text, region: Region, period: Period) -> list[str]:
    fig = Figures(region, period, HOTLINE_KINDS)
    if not fig.get("received").value and not fig.get("closed").value:
        return [f"本期{whole(region)}未受理12345热线工单。"]
    return [
        f"本期受理12345热线工单{t.value(fig.get('received'))}，"
        f"{_changes(t, fig, 'received')}；办结{t.value(fig.get('closed'))}。"
        f"响应率{t.value(fig.get('response_rate'))}，同比{t.change(fig.yoy('response_rate'))}；"
        f"解决率{t.value(fig.get('solve_rate'))}，同比{t.change(fig.yoy('solve_rate'))}；"
        f"满意率{t.value(fig.get('satisfaction_rate'))}，"
        f"同比{t.change(fig.yoy('satisfaction_rate'))}。"
        f"按期办结率{t.value(fig.get('on_time_rate'))}，"
        f"重复诉求率{t.value(fig.get('repeat_rate'))}，回访率{t.value(fig.get('callback_rate'))}。"
    ]


# The rule-22 routing figures the 信访工作 paragraph quotes (the `petition_routing` table's
# 转送 / 交办 / 督办 columns), defined in the 数据说明 section when quoted.
PETITION_ROUTING = ("routed_transfer", "routed_assign", "supervised")


def _petitions(t: Text, region: Region, period: Period) -> list[str]:
    fig = Figures(region, period, ("petition",))
    if not fig.get("received").value and not fig.get("closed").value:
        return [f"本期{whole(region)}未受理信访事项。"]
    text = (
        f"本期受理信访事项{t.value(fig.get('received'))}，{_changes(t, fig, 'received')}；"
        f"办结{t.value(fig.get('closed'))}，按期办结率{t.value(fig.get('on_time_rate'))}；"
    )
    if "petition" in PROVIDERS:
        # 转送 / 交办 on the routing date (the petition provider), 督办 of the items received
        text += (
            f"转送有权处理机关{t.value(fig.get('routed_transfer'))}，"
            f"交办下级机关{t.value(fig.get('routed_assign'))}，"
        )
    return [text + f"督办{t.value(fig.get('supervised'))}。"]


def _ranking(t: Text, region: Region, period: Period) -> list[str]:
    out = []
    minimum = 0
    for indicator in ("on_time_rate", "satisfaction_rate"):
        r = rankings.ranking(region, period, indicator)
        minimum = r.min_sample
        name = ind.INDICATORS[indicator].name
        setting = {"setting": "ranking_min_sample", "value": r.min_sample}
        if not r.shown:
            out.append(
                f"{name}：达到最小样本量（{t.setting(r.min_sample, setting)}件）的"
                "地区不足两个，不予排名。"
            )
            continue
        ranked = [row for row in r.rows if row.rank is not None]
        top = "、".join(f"{row.name}（{t.value(row.figure)}）" for row in ranked[:3])
        text = f"{name}排名靠前的是{top}"
        if len(ranked) > 3:
            low = "、".join(f"{row.name}（{t.value(row.figure)}）" for row in ranked[-2:])
            text += f"；排名靠后的是{low}"
        out.append(text + "。")
    setting = {"setting": "ranking_min_sample", "value": minimum}
    out.append(f"样本量不足{t.setting(minimum, setting)}件的不参与排名。")
    return out


def build(
    region: Region, period: Period, *, issuer: str = "", issued_on: date | None = None
) -> BulletinResult:
    """The bulletin of an area (already checked against the reader's scope)."""
    t = Text()
    fig = Figures(region, period)
    sections = [
        BulletinSection("总体情况", tuple(_overall(t, fig, region))),
        BulletinSection("矛盾纠纷排查化解", tuple(_disputes(t, region, period))),
        BulletinSection("12345热线办理", tuple(_hotline(t, region, period))),
        BulletinSection("信访工作", tuple(_petitions(t, region, period))),
    ]
    built: list[tables.TableResult] = []
    if region.level < Level.GRID:
        overview = tables.build_for(TABLES["overview"], region, period)
        built.append(overview)
        sections.append(
            BulletinSection(
                "各地情况", tuple(_ranking(t, region, period)), tables=(overview.to_datatable(),)
            )
        )
    sections.append(BulletinSection("数据说明", tuple(_definitions(fig, t.traces))))
    issuer = issuer or f"{region.name}平安建设领导小组办公室"
    data = BulletinData(
        issuer=issuer,
        number=f"平安建设通报〔{period.start.year}〕第{period.start.month}期",
        title=f"关于{period.label}{region.name}平安建设主要指标情况的通报",
        recipients=f"{CHILD_UNITS.get(Level(region.level), '各有关单位')}平安建设领导小组办公室",
        sections=tuple(sections),
        signer=issuer,
        issued_on=issued_on or timezone.localdate(),
        intro=(f"现将{period.label}{region.name}平安建设主要指标情况通报如下。",),
        closing=("各地各单位要对照通报数据，查找差距，对超期件和群众不满意的事项逐件跟踪办理。",),
    )
    t.traces.insert(0, {"text": period.label, "kind": "period", "period": period.code})
    return BulletinResult(data, t.traces, built)


def _definitions(fig: Figures, traces: list[dict[str, Any]]) -> list[str]:
    """The core indicators' definitions, then those of the routing figures the text quotes."""
    quoted = {t.get("indicator") for t in traces}
    used = [*ind.CORE, *(i for i in PETITION_ROUTING if i in quoted and i not in ind.CORE)]
    return [f"{ind.INDICATORS[i].name}：{ind.INDICATORS[i].definition}。" for i in used]
