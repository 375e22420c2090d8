"""Render a Document to .docx (python-docx) in the GB/T 9704 layout.

Fonts are named, not embedded: every run sets w:eastAsia to the office font of its role
(仿宋, 方正小标宋简体, 黑体, 楷体) so that Word shows the Chinese text in it, and Latin letters
and digits in Times New Roman. The section carries the A4 type area, lines 28.95 pt apart (22 per
page) and characters tightened so that 28 fit a line.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from fengqiao.documents.layout import (
    FONTS,
    HEADING_ROLES,
    LATIN_FONT,
    LAYOUT,
    MM_PER_PT,
    OFFICIAL_RED,
    FontRole,
    red_hex,
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
from fengqiao.documents.text import NumberFormat, display_width, format_cell, format_date

ALIGNMENTS = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
}


# Elements that follow w:pBdr inside w:pPr (ECMA-376 order; Word rejects other orders).
PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


# Elements that follow w:spacing inside w:rPr.
SPACING_SUCCESSORS = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
SNAP_SUCCESSORS = PBDR_SUCCESSORS[PBDR_SUCCESSORS.index("w:spacing") :]


def off_grid(paragraph: DocxParagraph) -> None:
    """w:snapToGrid="0": text not in the 16 pt body size keeps its own character pitch
    instead of being spread over the 28-character grid."""
    p_pr = paragraph._p.get_or_add_pPr()
    if p_pr.find(qn("w:snapToGrid")) is None:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        p_pr.insert_element_before(snap, *SNAP_SUCCESSORS)


def twips(mm: float) -> int:
    return int(mm / 25.4 * 1440)


def set_font(run: Run, role: FontRole, size: float, *, bold: bool = False) -> None:
    """Font of a run, with the East Asian font set explicitly (w:eastAsia)."""
    run.font.size = Pt(size)
    run.font.bold = bold or None
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), FONTS[role].office_name)


class _Renderer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.page = doc.page
        self.out: DocxDocument = new_docx()
        self.pitch_pt = self.page.line_pitch_mm / MM_PER_PT
        self.char_mm = self.page.char_pitch_mm

    # ------------------------------------------------------------ setup

    def setup(self) -> None:
        page, out = self.page, self.out
        section = out.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = Mm(page.width_mm), Mm(page.height_mm)
        section.top_margin, section.bottom_margin = Mm(page.top_mm), Mm(page.bottom_mm)
        section.left_margin, section.right_margin = Mm(page.left_mm), Mm(page.right_mm)
        number_height = LAYOUT["page_number_size"] * MM_PER_PT
        section.footer_distance = Mm(page.bottom_mm - LAYOUT["page_number_gap"] - number_height)
        self._doc_grid(section._sectPr)
        self._defaults()
        normal = out.styles["Normal"]
        normal.font.size = Pt(page.body_size_pt)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), FONTS[FontRole.BODY].office_name)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(self.char_spacing_twentieths()))
        normal.element.get_or_add_rPr().insert_element_before(spacing, *SPACING_SUCCESSORS)
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(math.floor(self.pitch_pt * 20))  # 579 = 28.95 pt: 22 fit
        fmt.widow_control = True
        properties = out.core_properties
        properties.title = self.doc.title.replace("\n", "")
        properties.subject = self.doc.subject
        properties.author = "fengqiao"
        properties.last_modified_by = "fengqiao"
        properties.comments = ""
        properties.language = "zh-CN"
        if page.page_numbers:
            self._page_numbers()

    def _defaults(self) -> None:
        """w:docDefaults: 16 pt 仿宋, Chinese language, no paragraph spacing; Word measures the
        document grid's character pitch from this default size."""
        styles = self.out.styles.element
        r_pr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = r_pr.find(qn("w:rFonts"))
        for attribute in list(fonts.attrib):
            del fonts.attrib[attribute]
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), FONTS[FontRole.BODY].office_name)
        half_points = str(round(self.page.body_size_pt * 2))
        r_pr.find(qn("w:sz")).set(qn("w:val"), half_points)
        r_pr.find(qn("w:szCs")).set(qn("w:val"), half_points)
        language = r_pr.find(qn("w:lang"))
        language.set(qn("w:val"), "zh-CN")
        language.set(qn("w:eastAsia"), "zh-CN")
        spacing = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = spacing.find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")

    def _doc_grid(self, sect_pr: object) -> None:
        """w:docGrid of 22 lines per page. Characters are not put on a grid (Word and
        LibreOffice disagree on how a character grid spaces 16 pt text); instead body runs are
        tightened by `char_spacing_twentieths` so that 28 characters fill the 156 mm line."""
        grid = sect_pr.find(qn("w:docGrid"))  # type: ignore[attr-defined]
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)  # type: ignore[attr-defined]
        for attribute in list(grid.attrib):
            del grid.attrib[attribute]
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(twips(self.page.line_pitch_mm)))

    def char_spacing_twentieths(self) -> int:
        """Character spacing (w:spacing, twentieths of a point, rounded down) so that
        `chars_per_line` body characters fit the line."""
        pitch_pt = self.char_mm / MM_PER_PT
        return math.floor((pitch_pt - self.page.body_size_pt) * 20)

    def _page_numbers(self) -> None:
        """ "— 1 —" in 4号宋体: odd pages right, even pages left, one character in (7.5)."""
        self.out.settings.odd_and_even_pages_header_footer = True
        section = self.out.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            off_grid(paragraph)
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                fmt.right_indent = Mm(self.char_mm)
            else:
                fmt.left_indent = Mm(self.char_mm)
            size = LAYOUT["page_number_size"]
            set_font(paragraph.add_run("— "), FontRole.SONG, size)
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), " PAGE ")
            inner = paragraph.add_run("1")
            set_font(inner, FontRole.SONG, size)
            field.append(inner._element)
            paragraph._p.append(field)
            set_font(paragraph.add_run(" —"), FontRole.SONG, size)

    # ------------------------------------------------------------ primitives

    def para(
        self,
        runs: Sequence[tuple[str, FontRole]],
        *,
        size: float | None = None,
        align: Align = Align.JUSTIFY,
        indent_chars: int = 0,
        right_indent_mm: float = 0.0,
        keep_with_next: bool = False,
        color: tuple[int, int, int] | None = None,
    ) -> DocxParagraph:
        paragraph = self.out.add_paragraph()
        paragraph.alignment = ALIGNMENTS[align]
        fmt = paragraph.paragraph_format
        if indent_chars:
            fmt.first_line_indent = Mm(indent_chars * self.char_mm)
            indent = fmt._element.get_or_add_pPr().get_or_add_ind()
            indent.set(qn("w:firstLineChars"), str(indent_chars * 100))
        if right_indent_mm:
            fmt.right_indent = Mm(right_indent_mm)
        fmt.keep_with_next = keep_with_next or None
        if size and size != self.page.body_size_pt:
            off_grid(paragraph)
        for text, role in runs:
            run = paragraph.add_run(text)
            set_font(run, role, size or self.page.body_size_pt)
            if color:
                run.font.color.rgb = RGBColor(*color)
        return paragraph

    def blank(self, lines: int = 1) -> None:
        for _ in range(lines):
            self.out.add_paragraph()

    # ------------------------------------------------------------ parts

    def render(self) -> bytes:
        self.setup()
        doc, body = self.doc, self.page.body_size_pt
        if doc.red_header:
            self.red_header(doc.red_header.issuer, doc.red_header.number)
        for line in doc.title.split("\n"):
            self.para([(line, FontRole.TITLE)], size=self.page.title_size_pt, align=Align.CENTER)
        if doc.number and not doc.red_header:
            self.para([(doc.number, FontRole.BODY)], size=body, align=Align.RIGHT)
        if doc.recipient:
            self.blank()
            self.para([(doc.recipient, FontRole.BODY)], align=Align.LEFT)
        for block in doc.blocks:
            self.block(block)
        if doc.imprint:
            self.imprint(doc.imprint)
        # python-docx starts from a template holding one empty paragraph: drop it.
        first = self.out.paragraphs[0]
        if not first.text and not first.runs:
            first._p.getparent().remove(first._p)
        buffer = io.BytesIO()
        self.out.save(buffer)
        return buffer.getvalue()

    def red_header(self, issuer: str, number: str) -> None:
        body_pt = self.page.body_width_mm / MM_PER_PT
        size = min(LAYOUT["issuer_size"], body_pt / max(1, display_width(issuer) / 2))
        mark = self.para(
            [(issuer, FontRole.TITLE)], size=size, align=Align.CENTER, color=OFFICIAL_RED
        )
        fmt = mark.paragraph_format
        fmt.space_before = Mm(LAYOUT["issuer_top"])
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.blank(2)
        line = self.para([(number, FontRole.BODY)], align=Align.CENTER)
        self._border(line, "bottom", red_hex(), LAYOUT["rule_width"], LAYOUT["rule_gap"])
        self.blank(2)

    def _border(
        self, paragraph: DocxParagraph, side: str, color: str, width_mm: float, gap_mm: float = 1
    ) -> None:
        p_pr = paragraph._p.get_or_add_pPr()
        borders = p_pr.find(qn("w:pBdr"))
        if borders is None:
            borders = OxmlElement("w:pBdr")
            p_pr.insert_element_before(borders, *PBDR_SUCCESSORS)
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(max(2, round(width_mm / MM_PER_PT * 8))))  # eighths of a pt
        edge.set(qn("w:space"), str(round(gap_mm / MM_PER_PT)))
        edge.set(qn("w:color"), color)
        borders.append(edge)

    def block(self, block: object) -> None:
        match block:
            case Heading(text=text, level=level):
                role = HEADING_ROLES.get(level, FontRole.BODY)
                self.para([(text, role)], align=Align.LEFT, indent_chars=2, keep_with_next=True)
            case Paragraph(text=text, lead=lead, indent=indent, align=align, role=role):
                runs = [(lead, FontRole.HEI)] if lead else []
                self.para([*runs, (text, role)], align=align, indent_chars=2 if indent else 0)
            case CopiesNote():
                self.para([(block.text, FontRole.BODY)], indent_chars=2)
            case KeyValueTable():
                self.key_value_table(block)
            case DataTable():
                self.data_table(block)
            case SignatureBlock():
                self.signature(block)
            case Spacer(lines=lines):
                self.blank(lines)
            case PageBreak():
                self.out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _cell_text(
        self, cell: _Cell, text: str, role: FontRole, size: float, align: Align = Align.CENTER
    ) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = ALIGNMENTS[align]
        off_grid(paragraph)
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(round(size * 1.5, 1))
        fmt.first_line_indent = Pt(0)
        set_font(paragraph.add_run(text), role, size)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    def _table(self, rows: int, widths_mm: Sequence[float]) -> Table:
        table: Table = self.out.add_table(rows=rows, cols=len(widths_mm))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)
        return table

    def key_value_table(self, block: KeyValueTable) -> None:
        size = LAYOUT["kv_table_size"]
        rows = block.rows()
        label_chars = max(display_width(item.label) for row in rows for item in row) / 2
        char = size * MM_PER_PT
        caption_w = (display_width(block.caption) / 2 + 1.5) * char if block.caption else 0.0
        label_w = (label_chars + 1.2) * char
        widths = form_widths(self.page.body_width_mm, block.per_row, caption_w, label_w)
        table = self._table(len(rows), widths)
        offset = 1 if block.caption else 0
        for r, row in enumerate(rows):
            col = offset
            for item in row:
                self._cell_text(table.cell(r, col), item.label, FontRole.BODY, size)
                last = col + 2 * item.span - 1
                target = table.cell(r, col + 1)
                if last > col + 1:
                    target = target.merge(table.cell(r, last))
                self._cell_text(target, item.value, FontRole.BODY, size, Align.LEFT)
                col = last + 1
        if block.caption:
            caption = table.cell(0, 0).merge(table.cell(len(rows) - 1, 0))
            self._cell_text(caption, block.caption, FontRole.BODY, size)

    def data_table(self, block: DataTable) -> None:
        size = LAYOUT["data_table_size"] if len(block.leaves) <= 8 else LAYOUT["note_size"]
        note = LAYOUT["note_size"]
        title = self.para(
            [(block.title, FontRole.HEI)], size=LAYOUT["kv_table_size"], align=Align.CENTER
        )
        title.paragraph_format.keep_with_next = True
        if block.unit:
            unit = self.para([(block.unit, FontRole.BODY)], size=note, align=Align.RIGHT)
            unit.paragraph_format.keep_with_next = True
        headers = header_cells(block.columns)
        depth = max(cell.row for cell in headers) + 1
        body_rows = [*block.rows, *block.total_rows]
        wanted = []
        for index, column in enumerate(block.leaves):
            texts = [column.title] + [format_cell(r[index], column.format) for r in body_rows]
            wanted.append(max(display_width(t) for t in texts) + 2)
        widths = [self.page.body_width_mm * w / sum(wanted) for w in wanted]
        table = self._table(depth + len(body_rows), widths)
        for cell in headers:
            target = table.cell(cell.row, cell.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(
                    table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
                )
            self._cell_text(target, cell.text, FontRole.HEI, size)
        for r in range(depth):
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            tr_pr.append(repeat)
        row_objects = list(table.rows)
        for offset, values in enumerate(body_rows):
            total = offset >= len(block.rows)
            # one row's cells at a time: table.cell(r, c) walks the whole table on every call
            cells = row_objects[depth + offset].cells
            for c, (value, column) in enumerate(zip(values, block.leaves, strict=True)):
                numeric = column.format is not NumberFormat.TEXT and not isinstance(value, str)
                role = FontRole.HEI if total else FontRole.BODY
                align = Align.RIGHT if numeric else Align.CENTER
                text = format_cell(value, column.format)
                self._cell_text(cells[c], text, role, size, align)
        for line in [*block.notes, *([f"数据来源：{block.source}"] if block.source else [])]:
            self.para([(line, FontRole.BODY)], size=note, align=Align.LEFT)

    def signature(self, block: SignatureBlock) -> None:
        columns = max(1, block.columns)
        places = list(block.places)
        widest = max((display_width(place.label) for place in places), default=0) / 2
        if widest * self.char_mm > self.page.body_width_mm / columns:
            columns = 1
        if places:
            rows = (len(places) + columns - 1) // columns
            width = self.page.body_width_mm / columns
            table = self.out.add_table(rows=rows, cols=columns)
            table.autofit = False
            for index, place in enumerate(places):
                cell = table.cell(index // columns, index % columns)
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                set_font(paragraph.add_run(place.label), FontRole.BODY, self.page.body_size_pt)
                paragraph.paragraph_format.space_after = Pt(2 * self.pitch_pt)
        date_text = format_date(block.signed_on) if block.signed_on else ""
        right = LAYOUT["date_right_indent"] * self.char_mm
        if block.seal:
            self.blank()
            shift = (display_width(date_text) - display_width(block.seal)) / 4 * self.char_mm
            seal = self.para(
                [(block.seal, FontRole.BODY)],
                align=Align.RIGHT,
                right_indent_mm=max(0.0, right + shift),
            )
            seal.paragraph_format.keep_with_next = True
        if date_text:
            self.para([(date_text, FontRole.BODY)], align=Align.RIGHT, right_indent_mm=right)

    def imprint(self, imprint: Imprint) -> None:
        """版记: thick rule, 抄送, thin rule, 印发机关 and 印发日期, thick rule (7.4). The rules
        span the type area; the text stands one character in (an ideographic space)."""
        size = LAYOUT["imprint_size"]
        self.blank()
        black = "000000"
        stop = Mm(self.page.body_width_mm - self.char_mm)
        if imprint.cc:
            cc = self.para(
                [(f"\u3000抄送：{imprint.cc}。", FontRole.BODY)], size=size, align=Align.LEFT
            )
            self._border(cc, "top", black, LAYOUT["imprint_thick"])
            self._border(cc, "bottom", black, LAYOUT["imprint_thin"])
        printed = f"{format_date(imprint.printed_on)}印发" if imprint.printed_on else ""
        line = self.para([(f"\u3000{imprint.printer}", FontRole.BODY)], size=size, align=Align.LEFT)
        line.paragraph_format.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.RIGHT)
        set_font(line.add_run(f"\t{printed}"), FontRole.BODY, size)
        if not imprint.cc:
            self._border(line, "top", black, LAYOUT["imprint_thick"])
        self._border(line, "bottom", black, LAYOUT["imprint_thick"])


def render_docx(doc: Document) -> bytes:
    """The document as .docx bytes."""
    return _Renderer(doc).render()
