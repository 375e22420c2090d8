"""Translating labels that other apps write as plain Chinese literals (choices, verbose names).

The source language of the console is Chinese: msgids are Chinese and `locale/en` holds the
English. Model choice labels in regions and accounts are not marked for translation, so they
are listed here with `gettext_noop` for `makemessages` to collect, and `tr` looks them up.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

CHOICE_LABELS = (
    # regions.Level
    gettext_noop("省级"),
    gettext_noop("市级"),
    gettext_noop("县级"),
    gettext_noop("乡镇（街道）"),
    gettext_noop("村（社区）"),
    gettext_noop("网格"),
    # regions.GridType
    gettext_noop("基础网格"),
    gettext_noop("专属网格"),
    # regions.UrbanRural
    gettext_noop("主城区"),
    gettext_noop("城乡结合区"),
    gettext_noop("镇中心区"),
    gettext_noop("镇乡结合区"),
    gettext_noop("特殊区域"),
    gettext_noop("乡中心区"),
    gettext_noop("村庄"),
    # regions.GridWorkerStatus
    gettext_noop("在岗"),
    gettext_noop("请假"),
    gettext_noop("离岗"),
    # accounts.Role
    gettext_noop("网格员"),
    gettext_noop("受理员/坐席"),
    gettext_noop("部门办理人"),
    gettext_noop("调解员"),
    gettext_noop("领导（只读）"),
    gettext_noop("区域管理员"),
    gettext_noop("系统管理员"),
    gettext_noop("安全管理员"),
    gettext_noop("审计管理员"),
    # regions.ChangeKind
    gettext_noop("新设"),
    gettext_noop("更名"),
    gettext_noop("调整隶属"),
    gettext_noop("拆分"),
    gettext_noop("合并"),
    gettext_noop("撤销"),
)


def tr(label: str | Promise) -> str:
    """The label in the active language (unchanged when the catalog has no entry)."""
    text = str(label)
    return gettext(text) if text else text
