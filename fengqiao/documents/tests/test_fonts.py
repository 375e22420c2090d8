"""Finding the CJK fonts, falling back when a face is missing, and the TrueType subsets built
for embedding (Simplified Chinese member of the collection, only the needed glyphs)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import checks
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from fengqiao.documents import fonts
from fengqiao.documents.checks import check_pdf_fonts
from fengqiao.documents.model import Document, Heading, Paragraph
from fengqiao.documents.to_pdf import render_pdf


def only(tmp_path: Path, *keys: str) -> Path:
    """A font directory holding just the faces `keys` (links to the installed files)."""
    for key in keys:
        source = fonts.locate(key)
        link = tmp_path / source.path.name
        if not link.exists():
            link.symlink_to(source.path)
    return tmp_path


def test_installed_faces_are_the_simplified_chinese_members() -> None:
    for key in fonts.FACE_FILES:
        face = fonts.locate(key)
        font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
        assert str(font["name"].getDebugName(1)).endswith(" SC")


def test_subset_holds_only_what_the_text_needs(tmp_path: Path) -> None:
    target = tmp_path / "subset.ttf"
    missing = fonts.subset_to_truetype(fonts.locate("serif"), "人民调解𠮷", target)
    assert missing == set()
    font = TTFont(str(target))
    assert "glyf" in font and "CFF " not in font  # TrueType outlines
    cmap = font.getBestCmap()
    for ch in "人民调解𠮷" + "0123456789年月日":
        assert ord(ch) in cmap
    assert ord("国") not in cmap
    assert len(font.getGlyphOrder()) < 80
    assert font["OS/2"].fsType == 0  # installable embedding (the OFL allows it)


def test_characters_without_glyphs_are_reported(tmp_path: Path) -> None:
    missing = fonts.subset_to_truetype(fonts.locate("serif"), "人\U000e0100", tmp_path / "x.ttf")
    assert missing == {"\U000e0100"}


def test_missing_sans_falls_back_to_serif_bold(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    directory = only(tmp_path, "serif", "serif-bold")
    monkeypatch.setattr(fonts, "search_dirs", lambda: [directory])
    assert fonts.locate("sans-bold").key == "serif-bold"
    assert fonts.missing_faces() == ["sans-bold"]
    data = render_pdf(Document(title="回退", blocks=[Heading("一、黑体标题"), Paragraph("正文")]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "一、黑体标题" in text


def test_only_the_regular_face_is_enough(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    directory = only(tmp_path, "serif")
    monkeypatch.setattr(fonts, "search_dirs", lambda: [directory])
    assert {fonts.locate(key).key for key in fonts.FACE_FILES} == {"serif"}
    messages = check_pdf_fonts()
    assert [m.id for m in messages] == ["documents.I002"]
    assert messages[0].level == checks.INFO


def test_check_warns_when_no_font_is_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "search_dirs", lambda: [tmp_path])
    messages = check_pdf_fonts()
    assert [m.id for m in messages] == ["documents.W001"]
    assert messages[0].level == checks.WARNING
    assert "fonts-noto-cjk" in str(messages[0].hint)


def test_check_is_silent_when_fonts_are_installed() -> None:
    assert check_pdf_fonts() == []


def test_the_error_names_the_package_in_both_languages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "search_dirs", lambda: [tmp_path])
    with pytest.raises(fonts.FontUnavailable) as caught:
        fonts.locate("serif")
    message = str(caught.value)
    assert (
        "未找到" in message and "fonts-noto-cjk" in message and "FENGQIAO_CJK_FONT_DIR" in message
    )
    assert "not found" in message
