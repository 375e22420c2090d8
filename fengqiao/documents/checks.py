"""Django check: the CJK fonts that PDF output embeds are installed (documents.W001)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks

from fengqiao.documents.fonts import INSTALL_HINT, missing_faces


@checks.register()
def check_pdf_fonts(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    missing = missing_faces()
    if "serif" in missing:
        return [
            checks.Warning(
                "未找到 PDF 所需的中文字体 Noto Serif CJK SC，生成 PDF 将失败。",
                hint=f"{INSTALL_HINT}，或设置 FENGQIAO_CJK_FONT_DIR。",
                id="documents.W001",
            )
        ]
    if missing:
        return [
            checks.Info(
                f"未找到字体 {', '.join(missing)}，PDF 中将以其他已安装字体代替。",
                hint=INSTALL_HINT,
                id="documents.I002",
            )
        ]
    return []
