"""Official-document layout numbers (GB/T 9704-2012 党政机关公文格式) and font roles, as data.

Every measure carries the clause it comes from; the renderers read them from here and never
hold their own copies. Numbers marked "house" are this project's choices where the standard
leaves room ("特定情况可以作适当调整").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GBT9704 = "GB/T 9704-2012 党政机关公文格式"
MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Measure:
    """One layout number with its unit and source."""

    key: str
    label: str
    value: float
    unit: str
    source: str


LAYOUT_TABLE: tuple[Measure, ...] = (
    Measure("paper_width", "幅面宽（A4）", 210, "mm", f"{GBT9704} 5.1（GB/T 148 A4）"),
    Measure("paper_height", "幅面高（A4）", 297, "mm", f"{GBT9704} 5.1（GB/T 148 A4）"),
    Measure("margin_top", "天头（上白边）", 37, "mm", f"{GBT9704} 5.2.1（37 mm ± 1 mm）"),
    Measure("margin_left", "订口（左白边）", 28, "mm", f"{GBT9704} 5.2.1（28 mm ± 1 mm）"),
    Measure("body_width", "版心宽", 156, "mm", f"{GBT9704} 5.2.1（版心 156 mm × 225 mm）"),
    Measure("body_height", "版心高", 225, "mm", f"{GBT9704} 5.2.1（不含页码）"),
    Measure("margin_right", "右白边", 26, "mm", f"{GBT9704} 5.2.1：210 − 28 − 156"),
    Measure("margin_bottom", "下白边", 35, "mm", f"{GBT9704} 5.2.1：297 − 37 − 225"),
    Measure("body_size", "正文字号（3号仿宋体）", 16, "pt", f"{GBT9704} 5.2.2；3号 = 16 磅"),
    Measure("title_size", "标题字号（2号小标宋体）", 22, "pt", f"{GBT9704} 7.3.1；2号 = 22 磅"),
    Measure("lines_per_page", "每面行数", 22, "行", f"{GBT9704} 5.2.3（一般每面排22行）"),
    Measure("chars_per_line", "每行字数", 28, "字", f"{GBT9704} 5.2.3（每行排28个字）"),
    Measure("issuer_top", "发文机关标志上边缘至版心上边缘", 35, "mm", f"{GBT9704} 7.2.3"),
    Measure("issuer_size", "发文机关标志字号", 30, "pt", "house：标准只要求醒目、美观、庄重"),
    Measure("rule_gap", "发文字号之下至红色分隔线", 4, "mm", f"{GBT9704} 7.2.5"),
    Measure("rule_width", "版头红色分隔线粗细", 0.5, "mm", "house：与版心等宽，红色"),
    Measure("imprint_size", "版记字号（4号仿宋体）", 14, "pt", f"{GBT9704} 7.4.1；4号 = 14 磅"),
    Measure("imprint_thick", "版记首末分隔线（粗线）", 0.35, "mm", f"{GBT9704} 7.4.1（推荐）"),
    Measure("imprint_thin", "版记中间分隔线（细线）", 0.25, "mm", f"{GBT9704} 7.4.1（推荐）"),
    Measure("page_number_size", "页码字号（4号半角宋体）", 14, "pt", f"{GBT9704} 7.5"),
    Measure("page_number_gap", "页码一字线上距版心下边缘", 7, "mm", f"{GBT9704} 7.5"),
    Measure("date_right_indent", "成文日期右空", 4, "字", f"{GBT9704} 7.3.5.1（右空四字）"),
    Measure("kv_table_size", "信息表格字号（4号）", 14, "pt", "house：表格字号可适当调整"),
    Measure("data_table_size", "数据表格字号（小四号）", 12, "pt", "house：表格字号可适当调整"),
    Measure("note_size", "表注字号（5号）", 10.5, "pt", "house"),
)

LAYOUT: dict[str, float] = {measure.key: measure.value for measure in LAYOUT_TABLE}


def line_pitch_mm() -> float:
    """Distance between two body lines: 版心高 ÷ 每面行数 (22 lines fill 225 mm)."""
    return LAYOUT["body_height"] / LAYOUT["lines_per_page"]


def char_pitch_mm() -> float:
    """Width of one body character: 版心宽 ÷ 每行字数 (28 characters fill 156 mm)."""
    return LAYOUT["body_width"] / LAYOUT["chars_per_line"]


class FontRole(StrEnum):
    """The typefaces GB/T 9704 names; each renderer maps a role to a concrete font."""

    BODY = "fangsong"  # 仿宋: 正文 and most elements (5.2.2), 第三、四层标题 (7.3.3)
    TITLE = "xiaobiaosong"  # 小标宋: 标题 (7.3.1), 发文机关标志 (7.2.3, recommended)
    HEI = "heiti"  # 黑体: 第一层标题 (7.3.3)
    KAI = "kaiti"  # 楷体: 第二层标题 (7.3.3)
    SONG = "songti"  # 宋体: 页码 (7.5)


@dataclass(frozen=True)
class FontChoice:
    """What the standard asks for, the name written into .docx / .xlsx files (the reader's
    installed font is used), and the embedded face substituted in PDF output."""

    role: FontRole
    standard: str
    office_name: str
    pdf_face: str
    source: str


FONT_TABLE: tuple[FontChoice, ...] = (
    FontChoice(FontRole.BODY, "仿宋体", "仿宋", "serif", f"{GBT9704} 5.2.2"),
    FontChoice(FontRole.TITLE, "小标宋体", "方正小标宋简体", "serif-bold", f"{GBT9704} 7.3.1"),
    FontChoice(FontRole.HEI, "黑体", "黑体", "sans-bold", f"{GBT9704} 7.3.3"),
    FontChoice(FontRole.KAI, "楷体", "楷体", "serif-bold", f"{GBT9704} 7.3.3"),
    FontChoice(FontRole.SONG, "宋体", "宋体", "serif", f"{GBT9704} 7.5"),
)

FONTS: dict[FontRole, FontChoice] = {choice.role: choice for choice in FONT_TABLE}

# Latin letters and digits in .docx runs: the usual companion of 仿宋 in office templates.
LATIN_FONT = "Times New Roman"

# GB/T 9704 7.3.3: 第一层用黑体字、第二层用楷体字、第三层和第四层用仿宋体字.
HEADING_ROLES: dict[int, FontRole] = {
    1: FontRole.HEI,
    2: FontRole.KAI,
    3: FontRole.BODY,
    4: FontRole.BODY,
}

# Red of the 版头 (发文机关标志 and 分隔线); GB/T 9704 7.2.3 / 7.2.5 say only "红色".
OFFICIAL_RED = (0xE6, 0x00, 0x12)


def red_hex() -> str:
    return "".join(f"{part:02X}" for part in OFFICIAL_RED)
