"""/api/v1/reports/: indicators, drill-down figures, standard tables, rankings, the bulletin,
file exports, report packs and their schedules. Every read starts from the caller's analytic
scope; an area outside it answers 404 like a missing one (AC-02); nothing returns personal
information (AC-06: the rollups hold none). Large files: POST /api/v1/exports/ with kind
`reports.table`, `reports.report` or `reports.bulletin` (background job with progress)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from fengqiao.accounts.scope import path_condition, request_user
from fengqiao.api import ApiError
from fengqiao.cases.workflow import Kind
from fengqiao.reports import (
    annual,
    bulletin,
    dashboard,
    exports,
    packs,
    periods,
    rankings,
    selectors,
)
from fengqiao.reports import indicators as ind
from fengqiao.reports import tables as tb
from fengqiao.reports.actions import (
    ScheduleRefused,
    do_create_schedule,
    do_record_pack_download,
    do_stop_schedule,
)
from fengqiao.reports.definitions import REPORTS, TABLES
from fengqiao.reports.models import ReportPack, ReportSchedule
from fengqiao.reports.periods import Period, PeriodError
from fengqiao.reports.selectors import Filters, NotAvailable
from fengqiao.units.models import Category

router = Router(tags=["reports"])


def _invalid(field: str, message: str, message_en: str) -> ApiError:
    return ApiError(422, message, message_en, [{"field": field, "message": message}])


def _period(code: str | None) -> Period:
    try:
        return periods.parse(code or "")
    except PeriodError as exc:
        raise _invalid("period", str(exc), "Invalid period.") from None


def _kinds(text: str | None) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in (text or "").split(",") if k.strip())
    unknown = [k for k in kinds if k not in Kind.values]
    if unknown:
        raise _invalid("kinds", f"未知的事项类型：{'、'.join(unknown)}", "Unknown kind.")
    return kinds


def _filters(kinds: str | None, category: str | None) -> Filters:
    category_id = None
    if category:
        row = Category.objects.filter(code=category.strip(), parent__isnull=True).first()
        if row is None:
            raise _invalid("category", "分类代码不存在或不是一级分类。", "Unknown category.")
        category_id = row.pk
    return Filters(kinds=_kinds(kinds), category=category_id)


def _unavailable(exc: NotAvailable) -> ApiError:
    return ApiError(422, str(exc), "Not available at this level or period.", [])


class AreaQuery(Schema):
    region: str | None = Field(None, description="区划代码；默认为本人统计范围的最高一级")
    period: str = Field(..., description="统计期：2026-03、2026-Q1、2026、2026-W12、…")
    kinds: str | None = Field(None, description="事项类型，逗号分隔，如 hotline,grid_event")
    category: str | None = Field(None, description="一级分类代码，如 TJ01")
    indicators: str | None = Field(None, description="指标 id，逗号分隔；默认 11 项核心指标")


@router.get("/indicators", summary="指标定义（分子、分母、时间口径）")
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id,
            "name": i.name,
            "unit": i.unit,
            "numerator": list(i.numerator),
            "denominator": list(i.denominator),
            "basis": i.basis,
            "basis_label": ind.BASIS_LABEL[i.basis],
            "better": i.better,
            "definition": i.definition,
            "core": i.id in ind.CORE,
        }
        for i in ind.INDICATORS.values()
    ]


@router.get("/areas", summary="区划指标及下一级下钻（五级下钻）")
def areas(request: HttpRequest, q: Query[AreaQuery]) -> dict[str, Any]:
    user = request_user(request)
    region = selectors.area_for(user, q.region)
    wanted = tuple(i.strip() for i in (q.indicators or "").split(",") if i.strip())
    unknown = [i for i in wanted if i not in ind.INDICATORS]
    if unknown:
        raise _invalid("indicators", f"未知的指标：{'、'.join(unknown)}", "Unknown indicator.")
    request_ = dashboard.Request(
        region,
        _period(q.period),
        _filters(q.kinds, q.category),
        wanted or dashboard.DEFAULT_INDICATORS,
    )
    try:
        out = dashboard.drill(user, request_)
    except NotAvailable as exc:
        raise _unavailable(exc) from None
    out["scope"] = [
        {"code": r.code, "name": r.name} for r in selectors.analytic_scope(user).roots()
    ]
    return out


@router.get("/tables", summary="标准报表目录")
def table_list(request: HttpRequest) -> dict[str, Any]:
    return {
        "tables": [
            {
                "id": t.id,
                "title": t.title,
                "rows": t.rows,
                "kinds": list(t.kinds),
                "basis": t.basis,
                "levels": [t.min_level, t.max_level],
                "pending": sorted(tb.pending_indicators(t)),
            }
            for t in TABLES.values()
        ],  # fmt: skip
        "reports": [
            {"id": key, "title": title, "tables": list(ids)}
            for key, (title, ids) in REPORTS.items()
        ],
    }


class TableQuery(Schema):
    region: str | None = None
    period: str


def _table(request: HttpRequest, table_id: str, q: TableQuery) -> tb.TableResult:
    definition = TABLES.get(table_id)
    if definition is None:
        raise Http404
    user = request_user(request)
    region = selectors.area_for(user, q.region)
    try:
        return tb.build_for(definition, region, _period(q.period))
    except NotAvailable as exc:
        raise _unavailable(exc) from None


@router.get("/tables/{table_id}", summary="标准报表（含同比、环比及每格数字来源）")
def table(request: HttpRequest, table_id: str, q: Query[TableQuery]) -> dict[str, Any]:
    return _table(request, table_id, q).as_json()


class ExportQuery(TableQuery):
    format: str = Field("xlsx", description="xlsx、docx 或 pdf")


def _file(output: Any) -> HttpResponse:
    response = HttpResponse(output.content, content_type=output.content_type)
    response["Content-Disposition"] = content_disposition_header(True, output.filename) or ""
    return response


@router.get("/tables/{table_id}/export", summary="导出报表（xlsx 合并表头 / docx / pdf）")
def table_export(request: HttpRequest, table_id: str, q: Query[ExportQuery]) -> HttpResponse:
    if q.format not in exports.FORMATS:
        raise _invalid("format", "格式应为 xlsx、docx 或 pdf。", "Unknown format.")
    result = _table(request, table_id, q)
    title = f"{result.region.name}{result.definition.title}（{result.period.label}）"
    return _file(exports.tables_file([result], q.format, title))


class RankingQuery(Schema):
    indicator: str
    region: str | None = None
    period: str
    by: str = Field("areas", description="areas（下一级区划）或 units（主办单位）")
    kinds: str | None = None


@router.get("/rankings", summary="排名通报（最小样本量、并列名次）")
def ranking(request: HttpRequest, q: Query[RankingQuery]) -> dict[str, Any]:
    user = request_user(request)
    region = selectors.area_for(user, q.region)
    if q.indicator not in ind.INDICATORS:
        raise _invalid("indicator", "未知的指标。", "Unknown indicator.")
    if q.by not in (rankings.AREAS, rankings.UNITS):
        raise _invalid("by", "by 应为 areas 或 units。", "by must be areas or units.")
    try:
        result = rankings.ranking(region, _period(q.period), q.indicator, by=q.by,
                                  kinds=_kinds(q.kinds))  # fmt: skip
    except NotAvailable as exc:
        raise _unavailable(exc) from None
    return result.as_json()


class BulletinQuery(Schema):
    region: str | None = None
    period: str


def _bulletin(request: HttpRequest, q: BulletinQuery) -> bulletin.BulletinResult:
    user = request_user(request)
    region = selectors.area_for(user, q.region)
    try:
        return bulletin.build(region, _period(q.period))
    except NotAvailable as exc:
        raise _unavailable(exc) from None


@router.get("/bulletin", summary="统计通报（文字稿及每个数字的来源）")
def bulletin_json(request: HttpRequest, q: Query[BulletinQuery]) -> dict[str, Any]:
    return _bulletin(request, q).as_json()


class BulletinExportQuery(BulletinQuery):
    format: str = Field("docx", description="docx 或 pdf")


@router.get("/bulletin/export", summary="导出统计通报（公文格式 docx / pdf）")
def bulletin_export(request: HttpRequest, q: Query[BulletinExportQuery]) -> HttpResponse:
    if q.format not in ("docx", "pdf"):
        raise _invalid("format", "格式应为 docx 或 pdf。", "Unknown format.")
    return _file(exports.bulletin_file(_bulletin(request, q), q.format))


def _annual(request: HttpRequest, q: BulletinQuery) -> bulletin.BulletinResult:
    user = request_user(request)
    region = selectors.area_for(user, q.region)
    period = _period(q.period)
    if period.shape != "year":
        raise _invalid("period", "年度报告的统计期应为年份，如 2026。", "A year is expected.")
    try:
        return annual.build(region, period)
    except NotAvailable as exc:
        raise _unavailable(exc) from None


@router.get(
    "/petition-annual", summary="信访情况年度报告（第四十一条；文字稿、附表及每个数字的来源）"
)
def annual_json(request: HttpRequest, q: Query[BulletinQuery]) -> dict[str, Any]:
    return _annual(request, q).as_json()


class AnnualExportQuery(BulletinQuery):
    format: str = Field("docx", description="docx、pdf 或 xlsx（附表）")


@router.get("/petition-annual/export", summary="导出信访情况年度报告（docx / pdf / xlsx）")
def annual_export(request: HttpRequest, q: Query[AnnualExportQuery]) -> HttpResponse:
    if q.format not in ("docx", "pdf", "xlsx"):
        raise _invalid("format", "格式应为 docx、pdf 或 xlsx。", "Unknown format.")
    return _file(exports.annual_file(_annual(request, q), q.format))


# ------------------------------------------------------------------ packs and schedules


class AreaOut(Schema):
    code: str
    name: str


class PackFileOut(Schema):
    index: int
    name: str
    size: int
    url: str


class PackOut(Schema):
    id: int
    region: AreaOut
    cadence: str
    period: str
    period_label: str
    generated_at: datetime
    files: list[PackFileOut]


def _pack_out(pack: ReportPack) -> dict[str, Any]:
    return {
        "id": pack.pk,
        "region": {"code": pack.region.code, "name": pack.region.name},
        "cadence": pack.schedule.cadence,
        "period": pack.period,
        "period_label": pack.period_label,
        "generated_at": pack.generated_at,
        "files": [
            {
                "index": i,
                "name": f["name"],
                "size": f["size"],
                "url": f"/api/v1/reports/packs/{pack.pk}/files/{i}",
            }
            for i, f in enumerate(pack.files)
        ],  # fmt: skip
    }


@router.get("/packs", response=list[PackOut], summary="定期报表包（本人可阅读的）")
@paginate
def pack_list(request: HttpRequest) -> list[dict[str, Any]]:
    packs_ = packs.readable_packs(request_user(request)).order_by("-generated_at", "-pk")
    return [_pack_out(p) for p in packs_]


@router.get("/packs/{pack_id}", response=PackOut, summary="报表包详情")
def pack_detail(request: HttpRequest, pack_id: int) -> dict[str, Any]:
    pack = get_object_or_404(packs.readable_packs(request_user(request)), pk=pack_id)
    return _pack_out(pack)


@router.get("/packs/{pack_id}/files/{index}", summary="下载报表包中的文件")
def pack_file(request: HttpRequest, pack_id: int, index: int) -> FileResponse:
    user = request_user(request)
    pack = get_object_or_404(packs.readable_packs(user), pk=pack_id)
    if not 0 <= index < len(pack.files):
        raise Http404
    item: dict[str, Any] = pack.files[index]
    path = packs.file_path(item)
    if not path.exists():
        raise Http404
    do_record_pack_download(actor=user, pack=pack, item=item)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=item["name"],
        content_type=item["content_type"],
    )


class ScheduleIn(Schema):
    region: str
    cadence: str = Field(..., description="monthly 或 weekly")
    audience_roles: list[str] = Field(..., description="可阅读的角色，如 leader、region_admin")
    tables: list[str] = []
    issuer: str = Field("", max_length=100)


class ScheduleOut(Schema):
    id: int
    region: AreaOut
    cadence: str
    audience_roles: list[str]
    tables: list[str]
    issuer: str
    is_active: bool


def _schedule_out(s: ReportSchedule) -> dict[str, Any]:
    return {
        "id": s.pk,
        "region": {"code": s.region.code, "name": s.region.name},
        "cadence": s.cadence,
        "audience_roles": s.audience_roles,
        "tables": s.tables,
        "issuer": s.issuer,
        "is_active": s.is_active,
    }


def _visible_schedules(request: HttpRequest) -> QuerySet[ReportSchedule]:
    scope = selectors.analytic_scope(request_user(request))
    return ReportSchedule.objects.filter(path_condition(list(scope.paths))).select_related("region")


@router.get("/schedules", response=list[ScheduleOut], summary="定期报表设置（本人统计范围内）")
@paginate
def schedule_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_schedule_out(s) for s in _visible_schedules(request).order_by("pk")]


@router.get("/schedules/{schedule_id}", response=ScheduleOut, summary="定期报表设置详情")
def schedule_detail(request: HttpRequest, schedule_id: int) -> dict[str, Any]:
    return _schedule_out(get_object_or_404(_visible_schedules(request), pk=schedule_id))


@router.post("/schedules", response={201: dict[str, Any]}, summary="新建定期报表（区域管理员）")
def schedule_create(request: HttpRequest, payload: ScheduleIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    region = selectors.area_for(user, payload.region)
    try:
        schedule = do_create_schedule(
            actor=user, region=region, cadence=payload.cadence,
            audience_roles=payload.audience_roles, tables=payload.tables, issuer=payload.issuer,
        )  # fmt: skip
    except ScheduleRefused as exc:
        status = 403 if exc.forbidden else 422
        raise ApiError(status, str(exc), "Schedule refused.", exc.errors) from None
    return Status(201, _schedule_out(schedule))


@router.post("/schedules/{schedule_id}/stop", summary="停用定期报表")
def schedule_stop(request: HttpRequest, schedule_id: int) -> dict[str, Any]:
    user = request_user(request)
    schedule = get_object_or_404(_visible_schedules(request), pk=schedule_id)
    try:
        return _schedule_out(do_stop_schedule(schedule, actor=user))
    except ScheduleRefused as exc:
        raise ApiError(403, str(exc), "Not allowed.", exc.errors) from None
