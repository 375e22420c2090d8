"""Exports through fengqiao.documents: tables as .xlsx (merged header rows), .docx and .pdf;
the bulletin as .docx and .pdf. Small ones are answered at once by the API; large ones run
as `ExportJob`s (generators registered here: `reports.table`, `reports.report`,
`reports.bulletin`) with progress, never timing out a request.

Every generator re-checks the owner's analytic scope when it runs (AC-06).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import Http404
from django.utils import timezone

from fengqiao.accounts.models import User
from fengqiao.documents import registry
from fengqiao.documents.model import Document, PageBreak, PageSetup
from fengqiao.documents.registry import (
    DOCX,
    PDF,
    XLSX,
    ExportContext,
    ExportFailed,
    ExportFile,
    ExportGenerator,
    ExportInvalid,
)
from fengqiao.documents.render import render_docx, render_pdf, render_xlsx
from fengqiao.regions.models import Region
from fengqiao.reports import annual, bulletin, periods, selectors, tables
from fengqiao.reports.definitions import REPORTS, TABLES
from fengqiao.reports.periods import Period, PeriodError
from fengqiao.reports.selectors import NotAvailable

FORMATS = {"xlsx": XLSX, "docx": DOCX, "pdf": PDF}


WIDE = 10  # leaf columns above which a table is printed on landscape A4


def landscape() -> PageSetup:
    """A4 landscape for wide statistics tables (GB/T 9704 covers portrait 公文 pages; the
    margins here are the house style for 统计报表, 20 mm all round)."""
    return dataclasses.replace(
        PageSetup.official(), width_mm=297, height_mm=210, top_mm=20, bottom_mm=20,
        left_mm=20, right_mm=20, lines_per_page=16, chars_per_line=46,
    )  # fmt: skip


def tables_file(results: list[tables.TableResult], fmt: str, title: str) -> ExportFile:
    """A set of tables as one file: one sheet per table (xlsx) or one document (landscape
    when a table is wide)."""
    if fmt == "xlsx":
        content = render_xlsx([r.to_datatable() for r in results])
    else:
        blocks: list[Any] = []
        for index, result in enumerate(results):
            if index:
                blocks.append(PageBreak())
            blocks.append(result.to_datatable())
        wide = any(len(r.to_datatable().leaves) > WIDE for r in results)
        page = landscape() if wide else PageSetup.official()
        doc = Document(title=title, blocks=blocks, subject=title, page=page)
        content = render_docx(doc) if fmt == "docx" else render_pdf(doc)
    return ExportFile(f"{title}.{fmt}", content, FORMATS[fmt])


def bulletin_file(result: bulletin.BulletinResult, fmt: str) -> ExportFile:
    doc = result.document()
    content = render_docx(doc) if fmt == "docx" else render_pdf(doc)
    return ExportFile(f"{result.data.title}.{fmt}", content, FORMATS[fmt])


def annual_file(result: bulletin.BulletinResult, fmt: str) -> ExportFile:
    """The 信访情况年度报告: the written report (.docx / .pdf) or its tables (.xlsx)."""
    if fmt == "xlsx":
        content = render_xlsx([r.to_datatable() for r in result.tables])
        return ExportFile(f"{result.data.title}.xlsx", content, XLSX)
    return bulletin_file(result, fmt)


# ------------------------------------------------------------------ export jobs


def _clean(owner: User, params: dict[str, Any], *, formats: tuple[str, ...]) -> dict[str, Any]:
    errors = []
    region_code = str(params.get("region") or "")
    try:
        region = selectors.area_for(owner, region_code or None)
    except Http404:
        errors.append({"field": "params.region", "message": "区划不存在或不在您的统计范围内。"})
        region = None
    try:
        period = periods.parse(str(params.get("period") or ""))
    except PeriodError as exc:
        errors.append({"field": "params.period", "message": str(exc)})
        period = None
    fmt = str(params.get("format") or formats[0])
    if fmt not in formats:
        errors.append({"field": "params.format", "message": f"格式应为 {'、'.join(formats)}。"})
    if errors:
        raise ExportInvalid(errors)
    assert region is not None and period is not None
    return {"region": region.code, "period": period.code, "format": fmt}


def _resolve(context: ExportContext) -> tuple[Region, Period]:
    try:
        region = selectors.area_for(context.owner, context.params["region"])
    except Http404:
        raise ExportFailed("区划已不在您的统计范围内。") from None
    return region, periods.parse(context.params["period"])


def validate_table(owner: User, params: dict[str, Any]) -> dict[str, Any]:
    table = str(params.get("table") or "")
    if table not in TABLES:
        raise ExportInvalid([{"field": "params.table", "message": "未知的报表。"}])
    return {**_clean(owner, params, formats=("xlsx", "docx", "pdf")), "table": table}


def validate_report(owner: User, params: dict[str, Any]) -> dict[str, Any]:
    report = str(params.get("report") or "")
    if report not in REPORTS:
        raise ExportInvalid([{"field": "params.report", "message": "未知的报表组。"}])
    return {**_clean(owner, params, formats=("xlsx", "docx", "pdf")), "report": report}


def validate_bulletin(owner: User, params: dict[str, Any]) -> dict[str, Any]:
    return _clean(owner, params, formats=("docx", "pdf"))


def _build_all(context: ExportContext, ids: tuple[str, ...]) -> list[tables.TableResult]:
    region, period = _resolve(context)
    results = []
    for index, table_id in enumerate(ids):
        try:
            results.append(tables.build_for(TABLES[table_id], region, period, limit_rows=False))
        except NotAvailable as exc:
            raise ExportFailed(str(exc)) from None
        context.progress(int(80 * (index + 1) / len(ids)))
    return results


def generate_table(context: ExportContext) -> ExportFile:
    results = _build_all(context, (context.params["table"],))
    title = f"{results[0].region.name}{results[0].definition.title}（{results[0].period.label}）"
    return tables_file(results, context.params["format"], title)


def generate_report(context: ExportContext) -> ExportFile:
    name, ids = REPORTS[context.params["report"]]
    results = _build_all(context, ids)
    title = f"{results[0].region.name}{name}（{results[0].period.label}）"
    return tables_file(results, context.params["format"], title)


def generate_bulletin(context: ExportContext) -> ExportFile:
    region, period = _resolve(context)
    context.progress(10)
    result = bulletin.build(region, period, issued_on=timezone.localdate())
    context.progress(70)
    return bulletin_file(result, context.params["format"])


def validate_annual(owner: User, params: dict[str, Any]) -> dict[str, Any]:
    return _clean(owner, params, formats=("docx", "pdf", "xlsx"))


def generate_annual(context: ExportContext) -> ExportFile:
    region, period = _resolve(context)
    context.progress(10)
    try:
        result = annual.build(region, period, issued_on=timezone.localdate())
    except NotAvailable as exc:
        raise ExportFailed(str(exc)) from None
    context.progress(70)
    return annual_file(result, context.params["format"])


def register_generators() -> None:
    for generator in (
        ExportGenerator("reports.table", "统计报表", generate_table, validate_table),
        ExportGenerator("reports.report", "标准报表组", generate_report, validate_report),
        ExportGenerator("reports.bulletin", "统计通报", generate_bulletin, validate_bulletin),
        ExportGenerator(
            "reports.petition_annual", "信访情况年度报告", generate_annual, validate_annual
        ),
    ):
        registry.register(generator, replace=True)
