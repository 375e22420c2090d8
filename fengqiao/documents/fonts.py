"""The CJK fonts embedded in PDF output: Noto Serif CJK SC and Noto Sans CJK SC (SIL Open
Font License 1.1), from Debian's `fonts-noto-cjk` package or any directory named by
FENGQIAO_CJK_FONT_DIR.

Noto CJK has CFF (PostScript) outlines. fpdf2 embeds CFF faces with a custom encoding CMap
that poppler renders but pypdf and pdfminer cannot read text back from. So for each PDF we
build a small TrueType font holding only the characters the document prints, their outlines
converted from cubic to quadratic curves (fontTools cu2qu); fpdf2 then embeds it as a
CIDFontType2 (FontFile2, Identity-H, ToUnicode), which every reader renders and extracts.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import OPTIMIZE_FONT_SPEED, TTFont

logger = logging.getLogger(__name__)

INSTALL_HINT = "apt-get install fonts-noto-cjk"

# The faces the PDF renderer uses, with the file names each is shipped under.
FACE_FILES: dict[str, tuple[str, ...]] = {
    "serif": ("NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf", "NotoSerifSC-Regular.otf"),
    "serif-bold": ("NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf", "NotoSerifSC-Bold.otf"),
    "sans-bold": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"),
}
# When a face is missing, the next best one that is present.
FALLBACK: dict[str, tuple[str, ...]] = {
    "serif": (),
    "serif-bold": ("serif",),
    "sans-bold": ("serif-bold", "serif"),
}
SYSTEM_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/share/fonts/noto",
    "/usr/local/share/fonts",
)
# Always include these: page numbers, and the words the renderers add themselves.
BASE_CHARACTERS = " 0123456789—-.%" + "年月日（）：，。、抄送印发注数据来源"


class FontUnavailable(RuntimeError):
    """No CJK font could be found for PDF output."""

    def __init__(self, face: str) -> None:
        self.face = face
        super().__init__(
            f"未找到生成 PDF 所需的中文字体（{face}：Noto Serif CJK SC）。"
            f"请安装 Debian 软件包 fonts-noto-cjk（{INSTALL_HINT}），"
            "或将字体文件放入环境变量 FENGQIAO_CJK_FONT_DIR 指定的目录。 / "
            f"CJK font for PDF output not found ({face}); install fonts-noto-cjk "
            "or set FENGQIAO_CJK_FONT_DIR."
        )


@dataclass(frozen=True)
class FontFace:
    """A located face: the file and, for a collection, the index of its Simplified
    Chinese member."""

    key: str
    path: Path
    index: int


def search_dirs() -> list[Path]:
    dirs: list[Path] = []
    extra = os.getenv("FENGQIAO_CJK_FONT_DIR")
    if extra:
        dirs.append(Path(extra))
    dirs.append(Path(settings.DATA_DIR) / "fonts")
    dirs.extend(Path(d) for d in SYSTEM_DIRS)
    return dirs


def _sc_index(path: Path) -> int:
    """The member of a .ttc whose family name ends in "SC" (Simplified Chinese)."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection.fonts):
        family = str(font["name"].getDebugName(1) or "")
        if family.endswith(" SC"):
            return index
    return 0


@functools.cache
def _find(key: str, dirs: tuple[Path, ...]) -> FontFace | None:
    for directory in dirs:
        for name in FACE_FILES[key]:
            path = directory / name
            if path.is_file():
                return FontFace(key, path, _sc_index(path))
    return None


def locate(key: str) -> FontFace:
    """The face for `key`, or its fallback; FontUnavailable if even 'serif' is missing."""
    dirs = tuple(search_dirs())
    for candidate in (key, *FALLBACK[key]):
        face = _find(candidate, dirs)
        if face is not None:
            return face
    raise FontUnavailable(key)


def missing_faces() -> list[str]:
    """Faces that are not installed (fallbacks may stand in for them)."""
    dirs = tuple(search_dirs())
    return [key for key in FACE_FILES if _find(key, dirs) is None]


class _FaceSource:
    """A face opened once per process: its cmap, outlines and advances, plus a cache of
    outlines already converted to TrueType. The CFF is read lazily, glyph by glyph."""

    def __init__(self, face: FontFace) -> None:
        self.face = face
        self.font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
        self.cmap: dict[int, str] = self.font.getBestCmap()
        self.glyph_set = self.font.getGlyphSet()
        self.hmtx = self.font["hmtx"]
        self.converted: dict[str, Any] = {}
        self.lock = threading.Lock()

    def truetype_glyph(self, name: str) -> Any:
        glyph = self.converted.get(name)
        if glyph is None:
            pen = TTGlyphPen(None)
            # Cu2QuPen turns cubic (PostScript) curves into quadratic (TrueType) ones.
            self.glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyph = self.converted[name] = pen.glyph()
        return glyph

    def write_subset(self, text: str, destination: Path) -> set[str]:
        wanted = sorted({ch for ch in text + BASE_CHARACTERS if ch.isprintable()})
        missing = {ch for ch in wanted if ord(ch) not in self.cmap}
        order = [".notdef"]
        mapping: dict[int, str] = {}
        for ch in wanted:
            name = self.cmap.get(ord(ch))
            if name is None:
                continue
            if name not in mapping.values():
                order.append(name)
            mapping[ord(ch)] = name
        with self.lock:
            glyphs = {name: self.truetype_glyph(name) for name in order}
            metrics = {name: self.hmtx[name] for name in order}
        source = self.font
        names = source["name"]
        os2 = source["OS/2"]
        hhea = source["hhea"]
        builder = FontBuilder(source["head"].unitsPerEm, isTTF=True)
        # plain glyph encoding: the greedy packing of outline deltas cost most of the save
        # time for a marginally smaller font (docs/performance.md)
        builder.font.cfg[OPTIMIZE_FONT_SPEED] = True
        builder.setupGlyphOrder(order)
        builder.setupCharacterMap(mapping)
        builder.setupGlyf(glyphs)
        builder.setupHorizontalMetrics(metrics)
        builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
        builder.setupNameTable(
            {
                "familyName": str(names.getDebugName(1)),
                "styleName": str(names.getDebugName(2)),
                "psName": str(names.getDebugName(6)),
            }
        )
        builder.setupOS2(
            sTypoAscender=os2.sTypoAscender,
            sTypoDescender=os2.sTypoDescender,
            sTypoLineGap=os2.sTypoLineGap,
            usWinAscent=os2.usWinAscent,
            usWinDescent=os2.usWinDescent,
            sCapHeight=getattr(os2, "sCapHeight", 0),
            sxHeight=getattr(os2, "sxHeight", 0),
            usWeightClass=os2.usWeightClass,
            fsType=0,  # the OFL allows embedding; installable embedding
        )
        builder.setupPost()
        builder.save(str(destination))
        if missing:
            logger.warning("font %s lacks %d characters", self.face.key, len(missing))
        return missing


@functools.lru_cache(maxsize=len(FACE_FILES))
def _source(face: FontFace) -> _FaceSource:
    return _FaceSource(face)


def subset_to_truetype(face: FontFace, text: str, destination: Path) -> set[str]:
    """Write a TrueType font holding only the glyphs `text` needs (plus digits, Latin
    letters and common punctuation); returns the characters the face has no glyph for."""
    return _source(face).write_subset(text, destination)
