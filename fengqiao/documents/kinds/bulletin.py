"""月度通报 (monthly bulletin) in the GB/T 9704 layout: red header with 发文机关标志 and
发文字号, title, 主送机关, numbered sections ("一、", "（一）") with paragraphs and tables,
发文机关署名 and 成文日期, and the 版记 (抄送, 印发机关, 印发日期).

The wording and figures come from the caller (the reports app writes the sentences from its
indicators); this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fengqiao.documents.model import (
    Block,
    DataTable,
    Document,
    Heading,
    Imprint,
    Paragraph,
    RedHeader,
    SignatureBlock,
)
from fengqiao.documents.text import chinese_count


@dataclass(frozen=True)
class BulletinSection:
    """A numbered section; subsections are numbered （一）（二）…"""

    heading: str
    paragraphs: Sequence[str] = ()
    tables: Sequence[DataTable] = ()
    subsections: Sequence[BulletinSection] = ()


@dataclass(frozen=True)
class BulletinData:
    """Everything the bulletin prints; plain values, no model instances."""

    issuer: str  # 发文机关标志, e.g. "兰州市平安建设领导小组办公室"
    number: str  # 发文字号, e.g. "兰平安办〔2026〕7号"
    title: str
    recipients: str  # 主送机关
    sections: Sequence[BulletinSection]
    signer: str  # 发文机关署名
    issued_on: date  # 成文日期
    intro: Sequence[str] = ()
    closing: Sequence[str] = ()
    cc: str = ""  # 抄送机关
    printer: str = ""  # 印发机关 (defaults to the issuer)
    printed_on: date | None = None


def _section(section: BulletinSection, number: int, level: int) -> list[Block]:
    mark = f"{chinese_count(number)}、" if level == 1 else f"（{chinese_count(number)}）"
    blocks: list[Block] = [Heading(f"{mark}{section.heading}", level)]
    blocks += [Paragraph(text) for text in section.paragraphs]
    blocks += list(section.tables)
    for index, sub in enumerate(section.subsections, 1):
        blocks += _section(sub, index, level + 1)
    return blocks


def bulletin(data: BulletinData) -> Document:
    """The 通报 for `data`."""
    blocks: list[Block] = [Paragraph(text) for text in data.intro]
    for index, section in enumerate(data.sections, 1):
        blocks += _section(section, index, 1)
    blocks += [Paragraph(text) for text in data.closing]
    blocks.append(SignatureBlock(seal=data.signer, signed_on=data.issued_on))
    return Document(
        title=data.title,
        red_header=RedHeader(data.issuer, data.number),
        recipient=f"{data.recipients.rstrip('：:')}：",
        blocks=blocks,
        imprint=Imprint(
            cc=data.cc,
            printer=data.printer or data.issuer,
            printed_on=data.printed_on or data.issued_on,
        ),
        subject=data.title,
    )
