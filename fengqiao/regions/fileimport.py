"""Reading and checking CSV / GeoJSON files of townships, villages, grids and grid workers.

Nothing here writes: a file is read whole, every row is checked, and only a file without a
single error is handed to the actions (one transaction), so an import is all-or-nothing.
Row numbers are file lines with the header as line 1 (spreadsheet numbering); GeoJSON rows
are numbered by feature, from 1.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fengqiao.core.pii import mask_phone
from fengqiao.regions import codes, geo
from fengqiao.regions.actions import WorkerSpec, is_valid_phone
from fengqiao.regions.bulk import NodeSpec
from fengqiao.regions.models import (
    GridAssignment,
    GridType,
    GridWorker,
    GridWorkerStatus,
    Level,
    Region,
)

KIND_LEVELS: dict[str, int] = {
    "township": Level.TOWNSHIP,
    "village": Level.VILLAGE,
    "grid": Level.GRID,
}
KINDS = (*KIND_LEVELS, "grid_worker")
SOURCE_FILE = "file"
WORKER_NUMBER_RE = re.compile(r"^[0-9A-Za-z-]{4,24}$")
CODE_SEPARATORS = re.compile(r"[;；,，、|\s]+")

# Accepted column headings (English key or Chinese heading) → field.
# fmt: off
ALIASES: dict[str, str] = {
    "代码": "code", "区划代码": "code", "统计用区划代码": "code", "网格代码": "code",
    "名称": "name", "姓名": "name",
    "城乡分类代码": "urban_rural", "网格类型": "grid_type", "户数": "households",
    "编号": "number", "网格员编号": "number", "手机号": "phone", "电话": "phone",
    "网格": "grid_codes", "服务网格": "grid_codes", "网格长": "is_chief",
    "状态": "status", "专职": "is_full_time",
}
# fmt: on
REQUIRED: dict[str, tuple[str, ...]] = {
    "township": ("code", "name"),
    "village": ("code", "name"),
    "grid": ("code", "name"),
    "grid_worker": ("number", "name", "phone", "grid_codes"),
}
TRUE_WORDS = {"是", "1", "true", "yes", "y", "t"}
FALSE_WORDS = {"否", "0", "false", "no", "n", "f", ""}
GRID_TYPES = {
    "": GridType.BASIC,
    "basic": GridType.BASIC,
    "基础": GridType.BASIC,
    "基础网格": GridType.BASIC,
    "dedicated": GridType.DEDICATED,
    "专属": GridType.DEDICATED,
    "专属网格": GridType.DEDICATED,
}
STATUSES = {"": GridWorkerStatus.ACTIVE} | {
    word: status for status in GridWorkerStatus for word in (status.value, str(status.label))
}


@dataclass(frozen=True)
class RowError:
    """One problem with one row (row 0 = the file as a whole)."""

    row: int
    message: str
    unit: str = "行"

    def __str__(self) -> str:
        return f"第 {self.row} {self.unit}：{self.message}" if self.row else self.message


class FileRejected(Exception):
    """The file cannot be imported; `errors` says why, row by row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


Row = tuple[int, dict[str, Any]]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected([RowError(0, "文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV。")])


def _field(heading: str) -> str:
    heading = heading.strip().lstrip("\ufeff")
    return ALIASES.get(heading, heading.lower())


def read_csv(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected([RowError(0, "文件为空。")]) from None
    fields = [_field(h) for h in header]
    rows: list[Row] = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(fields):
            rows.append((number, dict.fromkeys(fields, "") | {"__error__": "列数多于表头。"}))
            continue
        rows.append((number, {f: v.strip() for f, v in zip(fields, values, strict=False)}))
    return rows


def read_geojson(text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRejected([RowError(0, f"GeoJSON 解析失败（第 {exc.lineno} 行）。")]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise FileRejected([RowError(0, "GeoJSON 文件必须是 FeatureCollection。")])
    rows: list[Row] = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        if not isinstance(feature, dict):
            rows.append((number, {"__error__": "要素格式错误。"}))
            continue
        props = feature.get("properties") or {}
        row: dict[str, Any] = {
            _field(str(k)): "" if v is None else str(v).strip() for k, v in props.items()
        }
        row["boundary"] = feature.get("geometry")
        rows.append((number, row))
    return rows


def read_file(path: Path) -> tuple[list[Row], str]:
    """Rows of a .csv or .geojson file and the row unit used in messages."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = "找不到文件" if isinstance(exc, FileNotFoundError) else "无法读取文件"
        raise FileRejected([RowError(0, f"{reason}：{path}")]) from None
    text = _decode(data)
    if path.suffix.lower() in (".geojson", ".json"):
        return read_geojson(text), "个要素"
    if path.suffix.lower() == ".csv":
        return read_csv(text), "行"
    raise FileRejected([RowError(0, "只支持 .csv 和 .geojson 文件。")])


def _missing_columns(kind: str, rows: list[Row]) -> list[RowError]:
    present = set().union(*(row.keys() for _, row in rows)) if rows else set()
    missing = [f for f in REQUIRED[kind] if f not in present]
    if not rows:
        return [RowError(0, "文件中没有数据行。")]
    if missing:
        return [RowError(0, f"缺少必需的列：{'、'.join(missing)}。")]
    return []


def check_regions(kind: str, rows: list[Row], unit: str = "行") -> list[NodeSpec]:
    """NodeSpecs for a file of townships, villages or grids, or FileRejected."""
    level = KIND_LEVELS[kind]
    errors = _missing_columns(kind, rows)
    if errors:
        raise FileRejected(errors)
    parsed: list[tuple[int, dict[str, Any], str]] = []
    for number, row in rows:
        code = str(row.get("code", ""))
        if level == Level.TOWNSHIP and len(code) == 9 and code.isdigit():
            code += "000"  # 9-digit township codes (MCA style) are accepted
        parsed.append((number, row, code))
    wanted = {code for _, _, code in parsed} | {
        codes.parent_code(code) or "" for _, _, code in parsed
    }
    known = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    first_row: dict[str, int] = {}
    specs: list[NodeSpec] = []
    for number, row, code in parsed:
        problems = _check_region_row(level, row, code, known, first_row)
        first_row.setdefault(code, number)
        errors += [RowError(number, problem, unit) for problem in problems]
        if not problems:
            specs.append(
                NodeSpec(code, row["name"], level, codes.parent_code(code), _fields(level, row))
            )
    if errors:
        raise FileRejected(errors)
    return specs


def _check_region_row(
    level: int,
    row: dict[str, Any],
    code: str,
    known: dict[str, Region],
    first_row: dict[str, int],
) -> list[str]:
    if "__error__" in row:
        return [row["__error__"]]
    problems: list[str] = []
    name = str(row.get("name", ""))
    if not name:
        problems.append("名称为空。")
    elif len(name) > 100:
        problems.append("名称超过 100 个字。")
    issues = codes.errors(codes.validate_code(code, level=level))
    problems += [issue.message for issue in issues]
    if issues:
        return problems
    if code in first_row:
        problems.append(f"代码“{code}”与第 {first_row[code]} 行重复。")
    elif code in known:
        problems.append(f"代码“{code}”已存在（{known[code].name}）。")
    parent_code = codes.parent_code(code)
    parent = known.get(parent_code or "")
    if parent is None:
        problems.append(f"上级区划“{parent_code}”不存在，请先导入上级。")
    elif parent.retired_on is not None:
        problems.append(f"上级区划“{parent.name}”已撤销。")
    problems += _check_optional(level, row)
    return problems


def _check_optional(level: int, row: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    urban_rural = str(row.get("urban_rural", ""))
    if urban_rural:
        problems += [i.message for i in codes.validate_urban_rural(urban_rural, level=level)]
    if level == Level.GRID and str(row.get("grid_type", "")).lower() not in GRID_TYPES:
        problems.append(f"网格类型“{row['grid_type']}”无效，应为“基础网格”或“专属网格”。")
    households = str(row.get("households", ""))
    if households and not households.isdigit():
        problems.append(f"户数“{households}”不是非负整数。")
    boundary = row.get("boundary")
    if isinstance(boundary, str) and boundary:
        try:
            boundary = json.loads(boundary)
        except json.JSONDecodeError:
            return [*problems, "边界不是有效的 GeoJSON。"]
        row["boundary"] = boundary
    if boundary:
        problem = geo.check_geometry(boundary)
        if problem:
            problems.append(problem)
    return problems


def _fields(level: int, row: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {"source": SOURCE_FILE}
    if row.get("urban_rural"):
        fields["urban_rural"] = row["urban_rural"]
    if level == Level.GRID:
        fields["grid_type"] = GRID_TYPES[str(row.get("grid_type", "")).lower()]
    if row.get("households"):
        fields["households"] = int(row["households"])
    if row.get("boundary"):
        fields["boundary"] = row["boundary"]
    return fields


def _flag(value: str) -> bool | None:
    value = value.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return None


def check_workers(rows: list[Row], unit: str = "行") -> list[WorkerSpec]:
    """WorkerSpecs for a file of grid workers, or FileRejected."""
    errors = _missing_columns("grid_worker", rows)
    if errors:
        raise FileRejected(errors)
    grid_lists = {n: _split_codes(str(row.get("grid_codes", ""))) for n, row in rows}
    all_codes = {code for codes_ in grid_lists.values() for code in codes_}
    grids = {g.code: g for g in Region.objects.filter(code__in=all_codes, level=Level.GRID)}
    chiefs = set(
        GridAssignment.objects.filter(grid__code__in=all_codes, is_chief=True).values_list(
            "grid__code", flat=True
        )
    )
    numbers = [str(row.get("number", "")) for _, row in rows]
    taken = set(GridWorker.objects.filter(number__in=numbers).values_list("number", flat=True))
    seen_numbers: dict[str, int] = {}
    chief_rows: dict[str, int] = {}
    specs: list[WorkerSpec] = []
    for number, row in rows:
        problems = _check_worker_row(
            number, row, grid_lists[number], grids, chiefs, taken, seen_numbers, chief_rows
        )
        errors += [RowError(number, problem, unit) for problem in problems]
        if not problems:
            specs.append(
                WorkerSpec(
                    number=row["number"],
                    name=row["name"],
                    phone=row["phone"],
                    grid_codes=tuple(grid_lists[number]),
                    is_chief=bool(_flag(str(row.get("is_chief", "")))),
                    status=STATUSES[str(row.get("status", ""))],
                    is_full_time=_flag(str(row.get("is_full_time", "是"))) is not False,
                )
            )
    if errors:
        raise FileRejected(errors)
    return specs


def _split_codes(value: str) -> list[str]:
    return [code for code in CODE_SEPARATORS.split(value) if code]


def _check_worker_row(
    number: int,
    row: dict[str, Any],
    grid_codes: list[str],
    grids: dict[str, Region],
    chiefs: set[str],
    taken: set[str],
    seen_numbers: dict[str, int],
    chief_rows: dict[str, int],
) -> list[str]:
    if "__error__" in row:
        return [row["__error__"]]
    problems: list[str] = []
    worker_number = str(row.get("number", ""))
    if not WORKER_NUMBER_RE.match(worker_number):
        problems.append(f"网格员编号“{worker_number}”应为 4–24 位字母、数字或连字符。")
    elif worker_number in seen_numbers:
        problems.append(f"网格员编号“{worker_number}”与第 {seen_numbers[worker_number]} 行重复。")
    elif worker_number in taken:
        problems.append(f"网格员编号“{worker_number}”已存在。")
    seen_numbers.setdefault(worker_number, number)
    if not row.get("name"):
        problems.append("姓名为空。")
    phone = str(row.get("phone", ""))
    if not is_valid_phone(phone):
        problems.append(f"电话号码“{mask_phone(phone)}”格式不正确（手机号 11 位或带区号座机）。")
    problems += _check_worker_grids(number, row, grid_codes, grids, chiefs, chief_rows)
    if str(row.get("status", "")) not in STATUSES:
        problems.append(f"状态“{row['status']}”无效，应为在岗、请假或离岗。")
    if _flag(str(row.get("is_full_time", ""))) is None:
        problems.append(f"专职“{row['is_full_time']}”应为“是”或“否”。")
    return problems


def _check_worker_grids(
    number: int,
    row: dict[str, Any],
    grid_codes: list[str],
    grids: dict[str, Region],
    chiefs: set[str],
    chief_rows: dict[str, int],
) -> list[str]:
    problems: list[str] = []
    if not grid_codes:
        problems.append("没有填写服务网格。")
    if len(set(grid_codes)) != len(grid_codes):
        problems.append("服务网格中有重复的代码。")
    for code in grid_codes:
        grid = grids.get(code)
        if grid is None:
            kind = "不是网格代码" if codes.level_of(code) != Level.GRID else "不存在"
            problems.append(f"服务网格“{code}”{kind}。")
        elif grid.retired_on is not None:
            problems.append(f"服务网格“{code}”已撤销。")
    chief = _flag(str(row.get("is_chief", "")))
    if chief is None:
        problems.append(f"网格长“{row['is_chief']}”应为“是”或“否”。")
    elif chief:
        for code in grid_codes:
            if code in chiefs:
                problems.append(f"网格“{code}”已有网格长。")
            elif code in chief_rows:
                problems.append(f"网格“{code}”的网格长已在第 {chief_rows[code]} 行指定。")
            else:
                chief_rows[code] = number
    return problems


def summarise(specs: Iterable[NodeSpec]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for spec in specs:
        counts[spec.level] = counts.get(spec.level, 0) + 1
    return counts
