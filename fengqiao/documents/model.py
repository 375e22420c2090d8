"""A small declarative model of an official document, shared by the .docx, .pdf and .xlsx
renderers. Templates build a `Document`; renderers turn it into bytes.

Nothing here knows about cases, mediation or petitions: callers pass plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from fengqiao.documents.layout import LAYOUT, FontRole
from fengqiao.documents.text import CellValue as CellValue
from fengqiao.documents.text import NumberFormat as NumberFormat
from fengqiao.documents.text import chinese_count, format_cell, format_date


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


@dataclass(frozen=True)
class PageSetup:
    """Paper and type area. `official()` gives the GB/T 9704 numbers from layout.LAYOUT."""

    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    body_size_pt: float
    title_size_pt: float
    lines_per_page: int
    chars_per_line: int
    page_numbers: bool = True

    @classmethod
    def official(cls, *, page_numbers: bool = True) -> PageSetup:
        return cls(
            width_mm=LAYOUT["paper_width"],
            height_mm=LAYOUT["paper_height"],
            top_mm=LAYOUT["margin_top"],
            bottom_mm=LAYOUT["margin_bottom"],
            left_mm=LAYOUT["margin_left"],
            right_mm=LAYOUT["margin_right"],
            body_size_pt=LAYOUT["body_size"],
            title_size_pt=LAYOUT["title_size"],
            lines_per_page=int(LAYOUT["lines_per_page"]),
            chars_per_line=int(LAYOUT["chars_per_line"]),
            page_numbers=page_numbers,
        )

    @property
    def body_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm

    @property
    def body_height_mm(self) -> float:
        return self.height_mm - self.top_mm - self.bottom_mm

    @property
    def line_pitch_mm(self) -> float:
        return self.body_height_mm / self.lines_per_page

    @property
    def char_pitch_mm(self) -> float:
        return self.body_width_mm / self.chars_per_line


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """A structural heading; the caller writes its number ("一、", "（一）", "1.", "（1）").
    The level picks the typeface (GB/T 9704 7.3.3)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Body text. `lead` is an inline run-in label set in 黑体 ("争议事项：")."""

    text: str
    lead: str = ""
    indent: bool = True  # 首行缩进二字
    align: Align = Align.JUSTIFY
    role: FontRole = FontRole.BODY


@dataclass(frozen=True)
class KeyValue:
    """One label–value pair of a KeyValueTable; `span` pairs wide (e.g. an address)."""

    label: str
    value: str
    span: int = 1


@dataclass(frozen=True)
class KeyValueTable:
    """A bordered form: `per_row` label–value pairs on each row; an optional row caption
    in a merged first column (e.g. "当事人" beside each party's rows)."""

    items: Sequence[KeyValue]
    per_row: int = 2
    caption: str = ""

    def rows(self) -> list[list[KeyValue]]:
        """Items grouped into rows; the last item of a short row widens to fill it."""
        rows: list[list[KeyValue]] = []
        current: list[KeyValue] = []
        used = 0

        def close() -> None:
            if current and used < self.per_row:
                last = current[-1]
                current[-1] = KeyValue(last.label, last.value, last.span + self.per_row - used)
            rows.append(list(current))

        for item in self.items:
            span = max(1, min(item.span, self.per_row))
            if used + span > self.per_row:
                close()
                current, used = [], 0
            current.append(KeyValue(item.label, item.value, span))
            used += span
        if current:
            close()
        return rows


@dataclass(frozen=True)
class Column:
    """A table column; a column with children is a header group spanning them."""

    title: str
    format: NumberFormat = NumberFormat.TEXT
    children: tuple[Column, ...] = ()
    width: float | None = None  # xlsx character units; computed when None


@dataclass(frozen=True)
class HeaderCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def leaf_columns(columns: Sequence[Column]) -> list[Column]:
    leaves: list[Column] = []
    for column in columns:
        leaves.extend(leaf_columns(column.children) if column.children else [column])
    return leaves


def header_depth(columns: Sequence[Column]) -> int:
    return max((1 + header_depth(c.children) if c.children else 1 for c in columns), default=0)


def header_cells(columns: Sequence[Column]) -> list[HeaderCell]:
    """Lay out a column tree as header cells with spans; a leaf above the deepest level
    spans the remaining rows downwards, as officials' tables do."""
    depth = header_depth(columns)
    cells: list[HeaderCell] = []

    def place(group: Sequence[Column], row: int, col: int) -> int:
        for column in group:
            if column.children:
                width = len(leaf_columns(column.children))
                cells.append(HeaderCell(row, col, 1, width, column.title))
                place(column.children, row + 1, col)
                col += width
            else:
                cells.append(HeaderCell(row, col, depth - row, 1, column.title))
                col += 1
        return col

    place(columns, 0, 0)
    return cells


@dataclass(frozen=True)
class DataTable:
    """A statistics table: title, column tree (multi-row merged header), rows, total rows
    (shown bold), unit note ("单位：件"), notes and data source."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[CellValue]]
    total_rows: Sequence[Sequence[CellValue]] = ()
    unit: str = ""
    notes: Sequence[str] = ()
    source: str = ""
    sheet_name: str = ""
    freeze_columns: int = 1

    def __post_init__(self) -> None:
        width = len(leaf_columns(self.columns))
        for row in (*self.rows, *self.total_rows):
            if len(row) != width:
                raise ValueError(f"table {self.title!r}: row of {len(row)} cells, want {width}")

    @property
    def leaves(self) -> list[Column]:
        return leaf_columns(self.columns)


@dataclass(frozen=True)
class SignaturePlace:
    """A place to sign by hand: its label, and space below it."""

    label: str


@dataclass(frozen=True)
class SignatureBlock:
    """Signature places (laid out `columns` across), then the seal place and the date,
    right-aligned as GB/T 9704 7.3.5 places 发文机关署名 and 成文日期."""

    places: Sequence[SignaturePlace] = ()
    seal: str = ""
    signed_on: date | str | None = None
    columns: int = 2


@dataclass(frozen=True)
class CopiesNote:
    """份数: "本协议一式三份，……" with the count taken from data."""

    count: int
    noun: str = "协议"
    holders: str = ""

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("copies must be at least 1")

    @property
    def text(self) -> str:
        tail = f"，{self.holders}" if self.holders else ""
        return f"本{self.noun}一式{chinese_count(self.count)}份{tail}。"


@dataclass(frozen=True)
class Spacer:
    lines: int = 1


@dataclass(frozen=True)
class PageBreak:
    pass


Block = (
    Heading
    | Paragraph
    | KeyValueTable
    | DataTable
    | SignatureBlock
    | CopiesNote
    | Spacer
    | PageBreak
)


@dataclass(frozen=True)
class RedHeader:
    """版头: 发文机关标志 in red, 发文字号 under it and the red separator line."""

    issuer: str
    number: str = ""


@dataclass(frozen=True)
class Imprint:
    """版记: 抄送机关, 印发机关 and 印发日期 (GB/T 9704 7.4)."""

    cc: str = ""
    printer: str = ""
    printed_on: date | None = None


@dataclass(frozen=True)
class Document:
    """An official document. `title` may hold "\\n" for a chosen line break; `number` is
    printed right-aligned under the title (when there is no red header); `recipient` is the
    主送机关 or 称谓 line."""

    title: str
    blocks: Sequence[Block] = ()
    red_header: RedHeader | None = None
    number: str = ""
    recipient: str = ""
    imprint: Imprint | None = None
    page: PageSetup = field(default_factory=PageSetup.official)
    subject: str = ""  # file metadata only; never personal information

    def all_text(self) -> str:
        """Every character the document can print (for font subsetting)."""
        parts: list[str] = [self.title, self.number, self.recipient, self.subject]
        if self.red_header:
            parts += [self.red_header.issuer, self.red_header.number]
        if self.imprint:
            parts += [self.imprint.cc, self.imprint.printer, "抄送：印发（共份）年月日"]
        for block in self.blocks:
            parts.append(block_text(block))
        return "".join(parts)


def block_text(block: Block) -> str:
    match block:
        case Heading(text=text):
            return text
        case Paragraph(text=text, lead=lead):
            return lead + text
        case KeyValueTable(items=items, caption=caption):
            return caption + "".join(item.label + item.value for item in items)
        case DataTable():
            cells = [block.title, block.unit, block.source, *block.notes]
            cells += [c.text for c in header_cells(block.columns)]
            leaves = block.leaves
            for row in (*block.rows, *block.total_rows):
                cells += [format_cell(v, c.format) for v, c in zip(row, leaves, strict=True)]
            return "".join(cells) + "注：数据来源："
        case SignatureBlock(places=places, seal=seal, signed_on=signed_on):
            text = "".join(p.label for p in places) + seal
            return text + (format_date(signed_on) if signed_on else "年月日")
        case CopiesNote():
            return block.text
        case _:
            return ""
