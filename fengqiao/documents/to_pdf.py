"""Render a Document to PDF (fpdf2) in the GB/T 9704 layout, with the CJK font embedded.

Body text is set on the 22 × 28 grid: 16 pt characters advanced so that 28 fill the 156 mm
line, lines 225 mm / 22 apart, justified except for the last line of a paragraph, and broken
with the 避头尾 rules of text.break_lines.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from fontTools.ttLib import OPTIMIZE_FONT_SPEED
from fpdf import FPDF
from fpdf.enums import Align as FAlign
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace as Style
from fpdf.fonts import TTFFont

from fengqiao.documents.fonts import FontFace, locate, subset_to_truetype
from fengqiao.documents.layout import (
    FONTS,
    HEADING_ROLES,
    LAYOUT,
    MM_PER_PT,
    OFFICIAL_RED,
    FontRole,
)
from fengqiao.documents.model import (
    Align,
    CopiesNote,
    DataTable,
    Document,
    Heading,
    Imprint,
    KeyValueTable,
    PageBreak,
    Paragraph,
    SignatureBlock,
    Spacer,
    form_widths,
    header_cells,
)
from fengqiao.documents.text import (
    NumberFormat,
    break_lines,
    display_width,
    format_cell,
    format_date,
)

EPSILON_MM = 0.05
Span = tuple[str, FontRole]


class _OfficialPDF(FPDF):
    """FPDF with GB/T 9704 page numbers: "— 1 —", 4号宋体, 7 mm under the type area,
    odd pages right and even pages left, one character in from the edge (7.5)."""

    page_numbers = True
    number_family = ""
    doc_bottom_mm = 0.0
    char_mm = 0.0

    def footer(self) -> None:
        if not self.page_numbers or not self.number_family:
            return
        self.set_char_spacing(0)
        self.set_text_color(0, 0, 0)
        self.set_font(self.number_family, "", LAYOUT["page_number_size"])
        text = f"— {self.page_no()} —"
        width = self.get_string_width(text)
        body_left, body_right = self.l_margin, self.w - self.r_margin
        odd = self.page_no() % 2 == 1
        x = body_right - self.char_mm - width if odd else body_left + self.char_mm
        y = self.h - self.doc_bottom_mm + LAYOUT["page_number_gap"]
        self.set_xy(x, y - 2.5)
        self.cell(width, 5, text)


class _Renderer:
    def __init__(self, doc: Document, workdir: Path) -> None:
        self.doc = doc
        self.page = doc.page
        self.workdir = workdir
        self.text = doc.all_text()
        self.families: dict[str, str] = {}
        pdf = _OfficialPDF(unit="mm", format=(self.page.width_mm, self.page.height_mm))
        pdf.set_margins(self.page.left_mm, self.page.top_mm, self.page.right_mm)
        pdf.set_auto_page_break(True, margin=self.page.bottom_mm - EPSILON_MM)
        pdf.c_margin = 0
        pdf.page_numbers = self.page.page_numbers
        pdf.doc_bottom_mm = self.page.bottom_mm
        pdf.char_mm = self.page.char_pitch_mm
        pdf.set_title(doc.title.replace("\n", ""))
        pdf.set_subject(doc.subject)
        pdf.set_creator("fengqiao")
        pdf.set_lang("zh-CN")
        self.pdf = pdf
        pdf.number_family = self.family(FontRole.SONG)
        self.pitch = self.page.line_pitch_mm
        self.width = self.page.body_width_mm

    # ------------------------------------------------------------ fonts

    def family(self, role: FontRole) -> str:
        face = locate(FONTS[role].pdf_face)
        if face.key not in self.families:
            self._add_face(face)
        return self.families[face.key]

    def _add_face(self, face: FontFace) -> None:
        path = self.workdir / f"{face.key}.ttf"
        subset_to_truetype(face, self.text, path)
        self.pdf.add_font(face.key, "", str(path))
        # fpdf subsets the face again on output: the same faster glyph encoding there
        added = self.pdf.fonts[face.key]
        if isinstance(added, TTFFont):
            added.ttfont.cfg[OPTIMIZE_FONT_SPEED] = True
        self.families[face.key] = face.key

    def use(self, role: FontRole, size: float, *, spacing: float = 0.0) -> None:
        self.pdf.set_font(self.family(role), "", size)
        self.pdf.set_char_spacing(spacing)

    def body_spacing(self, size: float) -> float:
        """Character spacing (pt) so that `chars_per_line` characters fill the line."""
        n = self.page.chars_per_line
        return (
            (self.width / MM_PER_PT - n * size) / (n - 1) if size == self.page.body_size_pt else 0
        )

    # ------------------------------------------------------------ primitives

    def ensure_room(self, height: float) -> None:
        if self.pdf.get_y() + height > self.pdf.page_break_trigger + EPSILON_MM:
            self.pdf.add_page()

    def text_lines(
        self,
        spans: Sequence[Span],
        *,
        size: float,
        align: Align = Align.JUSTIFY,
        first_indent: float = 0.0,
        right_indent: float = 0.0,
        color: tuple[int, int, int] = (0, 0, 0),
        balanced: bool = False,
    ) -> None:
        """Set spans of text as lines on the grid; roles may change inside a line.
        `balanced` evens out the line lengths (titles: 梯形或菱形, GB/T 9704 7.3.1)."""
        base = self.body_spacing(size)
        main_role = spans[-1][1]
        self.use(main_role, size, spacing=base)
        full = "".join(text for text, _ in spans)
        roles = [role for text, role in spans for _ in text]
        width = self.width - right_indent
        measure = self.pdf.get_string_width
        lines = break_lines(full, measure, width - first_indent, width)
        if balanced and len(lines) > 1:
            low, high = measure(full) / len(lines), width
            while high - low > 0.5:
                middle = (low + high) / 2
                if len(break_lines(full, measure, middle, middle)) > len(lines):
                    low = middle
                else:
                    high = middle
            lines = break_lines(full, measure, high, high)
        position = 0
        self.pdf.set_text_color(*color)
        for number, line in enumerate(lines):
            while position < len(full) and full[position] == "\n":
                position += 1
            line_roles = roles[position : position + len(line)]
            position += len(line)
            indent = first_indent if number == 0 else 0.0
            self.ensure_room(self.pitch)
            y = self.pdf.get_y()
            self.use(main_role, size, spacing=base)
            natural = self.pdf.get_string_width(line)
            room = width - indent
            spacing = base
            if align is Align.JUSTIFY and number < len(lines) - 1 and len(line) > 1:
                spacing = base + (room - natural) / MM_PER_PT / (len(line) - 1)
            x = self.page.left_mm + indent
            if align is Align.CENTER:
                x = self.page.left_mm + (self.width - natural) / 2
            elif align is Align.RIGHT:
                x = self.page.left_mm + self.width - right_indent - natural
            for segment, role in _segments(line, line_roles):
                self.use(role, size, spacing=spacing)
                segment_width = self.pdf.get_string_width(segment)
                self.pdf.set_xy(x, y)
                self.pdf.cell(segment_width + 0.01, self.pitch, segment)
                x += segment_width + spacing * MM_PER_PT
            self.pdf.set_xy(self.page.left_mm, y + self.pitch)
        self.pdf.set_text_color(0, 0, 0)

    def blank(self, lines: float = 1) -> None:
        self.pdf.set_y(self.pdf.get_y() + self.pitch * lines)

    # ------------------------------------------------------------ document parts

    def render(self) -> bytes:
        doc, body = self.doc, self.page.body_size_pt
        self.pdf.add_page()
        if doc.red_header:
            self.red_header(doc.red_header.issuer, doc.red_header.number)
        self.text_lines(
            [(doc.title, FontRole.TITLE)],
            size=self.page.title_size_pt,
            align=Align.CENTER,
            balanced=True,
        )
        if doc.number and not doc.red_header:
            self.text_lines([(doc.number, FontRole.BODY)], size=body, align=Align.RIGHT)
        if doc.recipient:
            self.blank()
            self.text_lines([(doc.recipient, FontRole.BODY)], size=body, align=Align.LEFT)
        else:
            self.blank(0.5)
        for block in doc.blocks:
            self.block(block)
        if doc.imprint:
            self.imprint(doc.imprint)
        return bytes(self.pdf.output())

    def red_header(self, issuer: str, number: str) -> None:
        pdf = self.pdf
        size = LAYOUT["issuer_size"]
        self.use(FontRole.TITLE, size)
        while size > 12 and pdf.get_string_width(issuer) > self.width:
            size -= 1
            self.use(FontRole.TITLE, size)
        pdf.set_y(self.page.top_mm + LAYOUT["issuer_top"])
        pdf.set_text_color(*OFFICIAL_RED)
        pdf.cell(self.width, size * MM_PER_PT, issuer, align=FAlign.C)
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(self.page.left_mm, pdf.get_y() + size * MM_PER_PT)
        self.blank(2)
        if number:
            self.text_lines(
                [(number, FontRole.BODY)], size=self.page.body_size_pt, align=Align.CENTER
            )
        y = pdf.get_y() - (self.pitch - self.page.body_size_pt * MM_PER_PT) / 2 + LAYOUT["rule_gap"]
        pdf.set_draw_color(*OFFICIAL_RED)
        pdf.set_line_width(LAYOUT["rule_width"])
        pdf.line(self.page.left_mm, y, self.page.left_mm + self.width, y)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(y)
        self.blank(2)

    def block(self, block: object) -> None:
        body = self.page.body_size_pt
        indent = 2 * self.page.char_pitch_mm
        match block:
            case Heading(text=text, level=level):
                self.ensure_room(2 * self.pitch)
                role = HEADING_ROLES.get(level, FontRole.BODY)
                self.text_lines([(text, role)], size=body, align=Align.LEFT, first_indent=indent)
            case Paragraph(text=text, lead=lead, indent=indented, align=align, role=role):
                spans: list[Span] = [(lead, FontRole.HEI)] if lead else []
                spans.append((text, role))
                first = indent if indented else 0.0
                self.text_lines(spans, size=body, align=align, first_indent=first)
            case CopiesNote():
                self.text_lines([(block.text, FontRole.BODY)], size=body, first_indent=indent)
            case KeyValueTable():
                self.key_value_table(block)
            case DataTable():
                self.data_table(block)
            case SignatureBlock():
                self.signature(block)
            case Spacer(lines=lines):
                self.blank(lines)
            case PageBreak():
                self.pdf.add_page()

    def key_value_table(self, table: KeyValueTable) -> None:
        size = LAYOUT["kv_table_size"]
        self.use(FontRole.BODY, size)
        rows = table.rows()
        labels = [item.label for row in rows for item in row]
        label_w = max(self.pdf.get_string_width(label) for label in labels) + 4
        caption_w = self.pdf.get_string_width(table.caption) + 6 if table.caption else 0.0
        widths = form_widths(self.width, table.per_row, caption_w, label_w)
        line_h = size * MM_PER_PT * 1.6
        with self.pdf.table(
            col_widths=widths,
            width=self.width,
            first_row_as_headings=False,
            line_height=line_h,
            padding=(1, 1.5),
            v_align="MIDDLE",
        ) as grid:
            for number, row in enumerate(rows):
                cells = grid.row()
                if table.caption and number == 0:
                    cells.cell(table.caption, align="C", rowspan=len(rows))
                for item in row:
                    cells.cell(item.label, align="C")
                    cells.cell(item.value, align="L", colspan=2 * item.span - 1)
        self.pdf.set_x(self.page.left_mm)

    def data_table(self, table: DataTable) -> None:
        size = LAYOUT["data_table_size"] if len(table.leaves) <= 8 else LAYOUT["note_size"]
        note = LAYOUT["note_size"]
        self.ensure_room(4 * self.pitch)
        self.text_lines(
            [(table.title, FontRole.HEI)], size=LAYOUT["kv_table_size"], align=Align.CENTER
        )
        if table.unit:
            self.use(FontRole.BODY, note)
            self.pdf.cell(self.width, note * MM_PER_PT * 1.8, table.unit, align=FAlign.R)
            self.pdf.ln()
        self.use(FontRole.BODY, size)
        widths = self._column_widths(table)
        depth = max(cell.row for cell in header_cells(table.columns)) + 1
        heading = Style(family=self.family(FontRole.HEI), size_pt=size, fill_color=(235, 235, 235))
        with self.pdf.table(
            col_widths=widths,
            width=self.width,
            num_heading_rows=depth,
            headings_style=heading,
            line_height=size * MM_PER_PT * 1.5,
            padding=(0.8, 1),
            v_align="MIDDLE",
            text_align="CENTER",
            cell_fill_mode=TableCellFillMode.NONE,
            repeat_headings=1,
        ) as grid:
            self._header_rows(grid, table)
            bold = Style(family=self.family(FontRole.HEI), size_pt=size)
            for values, style in [(r, None) for r in table.rows] + [
                (r, bold) for r in table.total_rows
            ]:
                cells = grid.row()
                for value, column in zip(values, table.leaves, strict=True):
                    numeric = column.format is not NumberFormat.TEXT and not isinstance(value, str)
                    text = format_cell(value, column.format)
                    cells.cell(text, align="R" if numeric else "C", style=style)
        self.pdf.set_x(self.page.left_mm)
        for line in [*table.notes, *([f"数据来源：{table.source}"] if table.source else [])]:
            self.text_lines([(line, FontRole.BODY)], size=note, align=Align.LEFT)

    def _header_rows(self, grid: object, table: DataTable) -> None:
        cells = sorted(header_cells(table.columns), key=lambda c: (c.row, c.col))
        depth = max(cell.row for cell in cells) + 1
        for row in range(depth):
            line = grid.row()  # type: ignore[attr-defined]
            for cell in (c for c in cells if c.row == row):
                line.cell(cell.text, align="C", colspan=cell.colspan, rowspan=cell.rowspan)

    def _column_widths(self, table: DataTable) -> list[float]:
        wanted: list[float] = []
        for index, column in enumerate(table.leaves):
            texts = [column.title] + [
                format_cell(row[index], column.format) for row in (*table.rows, *table.total_rows)
            ]
            wanted.append(max(display_width(t) for t in texts) + 2)
        total = sum(wanted)
        return [self.width * w / total for w in wanted]

    def signature(self, block: SignatureBlock) -> None:
        body = self.page.body_size_pt
        self.use(FontRole.BODY, body)
        columns = max(1, block.columns)
        widest = max((self.pdf.get_string_width(p.label) for p in block.places), default=0.0)
        if widest > self.width / columns:
            columns = 1
        rows = [block.places[i : i + columns] for i in range(0, len(block.places), columns)]
        tail = (1 if block.seal else 0) + (1 if block.signed_on else 0)
        self.ensure_room(self.pitch * (3 * len(rows) + tail + 1))
        column_w = self.width / columns
        self.use(FontRole.BODY, body)
        for row in rows:
            y = self.pdf.get_y()
            for number, place in enumerate(row):
                self.pdf.set_xy(self.page.left_mm + number * column_w, y)
                self.pdf.cell(column_w, self.pitch, place.label)
            self.pdf.set_xy(self.page.left_mm, y + 3 * self.pitch)
        right = LAYOUT["date_right_indent"] * self.page.char_pitch_mm
        date_text = format_date(block.signed_on) if block.signed_on else ""
        if block.seal:
            self.blank()
            self._centered_over_date(block.seal, date_text, right)
        if date_text:
            self.text_lines(
                [(date_text, FontRole.BODY)], size=body, align=Align.RIGHT, right_indent=right
            )

    def _centered_over_date(self, seal: str, date_text: str, right: float) -> None:
        self.use(FontRole.BODY, self.page.body_size_pt)
        seal_w = self.pdf.get_string_width(seal)
        date_w = self.pdf.get_string_width(date_text) if date_text else seal_w
        center = self.page.left_mm + self.width - right - date_w / 2
        x = min(center - seal_w / 2, self.page.left_mm + self.width - seal_w)
        self.ensure_room(self.pitch)
        y = self.pdf.get_y()
        self.pdf.set_xy(x, y)
        self.pdf.cell(seal_w, self.pitch, seal)
        self.pdf.set_xy(self.page.left_mm, y + self.pitch)

    def imprint(self, imprint: Imprint) -> None:
        """版记 at the foot of the last page: thick rule, 抄送, thin rule, 印发, thick rule."""
        size = LAYOUT["imprint_size"]
        line_h = self.pitch
        rows = (1 if imprint.cc else 0) + 1
        bottom = self.page.height_mm - self.page.bottom_mm
        top = bottom - rows * line_h
        if self.pdf.get_y() > top:
            self.pdf.add_page()
        pdf = self.pdf
        inset = self.page.char_pitch_mm
        left, right = self.page.left_mm, self.page.left_mm + self.width
        pdf.set_line_width(LAYOUT["imprint_thick"])
        pdf.line(left, top, right, top)
        y = top
        self.use(FontRole.BODY, size)
        if imprint.cc:
            pdf.set_xy(left + inset, y)
            pdf.multi_cell(self.width - 2 * inset, line_h, f"抄送：{imprint.cc}。")
            y += line_h
            pdf.set_line_width(LAYOUT["imprint_thin"])
            pdf.line(left, y, right, y)
        printed = f"{format_date(imprint.printed_on)}印发" if imprint.printed_on else ""
        pdf.set_xy(left + inset, y)
        pdf.cell(self.width - 2 * inset, line_h, imprint.printer)
        pdf.set_xy(left + inset, y)
        pdf.cell(self.width - 2 * inset, line_h, printed, align=FAlign.R)
        pdf.set_line_width(LAYOUT["imprint_thick"])
        pdf.line(left, bottom, right, bottom)


def _segments(line: str, roles: Sequence[FontRole]) -> list[Span]:
    segments: list[Span] = []
    for ch, role in zip(line, roles, strict=True):
        if segments and segments[-1][1] == role:
            segments[-1] = (segments[-1][0] + ch, role)
        else:
            segments.append((ch, role))
    return segments


def render_pdf(doc: Document) -> bytes:
    """The document as PDF bytes, fonts embedded as TrueType subsets."""
    with tempfile.TemporaryDirectory(prefix="fengqiao-pdf-") as workdir:
        return _Renderer(doc, Path(workdir)).render()
