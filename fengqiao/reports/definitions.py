"""The standard tables (rule 39: 信访年报 rule 22, 人民调解月报 rule 27, 12345 三率 rule 16, and
the grid work table). Each is data: to add a table, add a `TableDef` here (docs/reports.md §5).
"""

from __future__ import annotations

from fengqiao.regions.models import Level
from fengqiao.reports.tables import (
    CATEGORY,
    CHILDREN,
    GRID,
    MOM,
    RESPONDENT,
    SOURCE,
    UNIT,
    YOY,
    Col,
    Context,
    Group,
    TableDef,
)

HOTLINE_KINDS = ("hotline", "police_referral")
DISPUTE_KINDS = ("dispute", "court_referral")
BOTH = (YOY, MOM)

RULE16 = "规则16：北京市接诉即办工作条例第三十二条（响应率、解决率、满意率）；规则12（办理时限）"
RULE22 = "规则22：《信访工作条例》第四十一条（信访情况年度报告）"
RULE27 = "规则27：人民调解统计分类与来源（黄石市司法局月报）；人民调解法第十七、二十五、二十六条"
RULE6 = "规则6：滨州市网格化服务管理条例第十一—十四条（发现、就地化解、上报、派遣、处置）"

TABLE_LIST = (
    TableDef(
        id="overview",
        title="平安建设综合情况表（按地区）",
        rows=CHILDREN,
        columns=(
            Col("received", compare=BOTH),
            Col("closed", compare=BOTH),
            Col("on_time_rate", compare=(YOY,)),
            Col("resolution_rate", compare=(YOY,)),
            Col("satisfaction_rate"),
            Col("overdue"),
            Col("merged"),
        ),
        basis="规则39：统计报表按区划代码五级下钻",
    ),
    TableDef(
        id="hotline_areas",
        title="12345热线“三率”情况表（按地区）",
        rows=CHILDREN,
        kinds=HOTLINE_KINDS,
        columns=(
            Col("received", compare=BOTH),
            Col("closed", compare=BOTH),
            Col("on_time_rate", compare=(YOY,)),
            Group(
                "三率",
                (
                    Col("response_rate", compare=(YOY,)),
                    Col("solve_rate", compare=(YOY,)),
                    Col("satisfaction_rate", compare=(YOY,)),
                ),
            ),
            Col("repeat_rate"),
            Col("callback_rate"),
            Col("overdue"),
        ),
        basis=RULE16,
    ),
    TableDef(
        id="hotline_units",
        title="12345热线工单办理情况表（按承办单位）",
        rows=UNIT,
        kinds=HOTLINE_KINDS,
        columns=(
            Col("received", "承办量", compare=BOTH),
            Col("closed", compare=BOTH),
            Col("on_time_rate", compare=BOTH),
            Group(
                "三率",
                (
                    Col("response_rate", compare=(YOY,)),
                    Col("solve_rate", compare=(YOY,)),
                    Col("satisfaction_rate", compare=(YOY,)),
                ),
            ),
            Col("overdue"),
            Col("reworked"),
        ),
        basis=RULE16,
        max_level=Level.TOWNSHIP,
        notes=("承办量、超期件、退回重办按主办单位统计；未派单的事项不计入任何单位。",),
    ),
    TableDef(
        id="grid_activity",
        title="网格员工作情况表（按网格）",
        rows=GRID,
        kinds=("grid_event",),
        columns=(
            Context("grid_workers", "网格员（人）"),
            Col("received", "发现上报事件", compare=BOTH),
            Col("closed_direct", "就地化解"),
            Col("dispatched", "上报派遣"),
            Col("closed", compare=(MOM,)),
            Col("overdue"),
            Context("events_per_worker", "人均发现事件"),
        ),
        basis=RULE6,
        min_level=Level.COUNTY,  # one row per grid: a county has hundreds, a province 40 000
        notes=("网格员人数为当前在岗（含请假）人数，不随统计期回溯。",),
    ),
    TableDef(
        id="mediation_monthly",
        title="人民调解工作统计月报表（按纠纷类型）",
        rows=CATEGORY,
        taxonomy="dispute",
        kinds=DISPUTE_KINDS,
        columns=(
            Col("received", "受理纠纷", compare=BOTH),
            Col("mediated"),
            Col("mediation_success"),
            Col("mediation_success_rate"),
            Col("agreement_amount", "协议金额（元）"),
            Group(
                "防止民转刑",
                (Col("prevented_criminal", "件"), Col("prevented_criminal_people", "人")),
            ),
            Group(
                "防止群体性上访",
                (Col("prevented_group", "件"), Col("prevented_group_people", "人")),
            ),
            Col("resolution_rate", compare=(YOY,)),
        ),
        basis=RULE27,
    ),
    TableDef(
        id="mediation_sources",
        title="人民调解纠纷来源统计表",
        rows=SOURCE,
        kinds=DISPUTE_KINDS,
        sources=("initiative", "application", "referral"),
        columns=(
            Col("received", "受理纠纷", compare=BOTH),
            Col("mediated"),
            Col("mediation_success_rate"),
            Col("resolution_rate"),
        ),
        basis=RULE27,
        max_level=Level.TOWNSHIP,
        notes=(
            "来源按主动调解、申请调解、接受委托移送调解（法院委派委托、公安及信访等部门移送）统计；"
            "没有调解记录的纠纷按受理渠道列示。",
        ),
    ),
    TableDef(
        id="petition_fields",
        title="信访事项统计表（按领域）",
        rows=CATEGORY,
        kinds=("petition",),
        columns=(
            Col("received", "信访事项", compare=BOTH),
            Col("closed"),
            Col("on_time_rate", compare=(YOY,)),
            Col("satisfaction_rate"),
            Col("supervised", "督办"),
            Col("repeat_rate"),
        ),
        basis=RULE22,
    ),
    TableDef(
        id="petition_channels",
        title="信访事项统计表（按信访形式）",
        rows=SOURCE,
        kinds=("petition",),
        sources=("online_petition", "letter", "petition_phone", "petition_fax", "petition_visit"),
        columns=(Col("received", "信访事项", compare=BOTH), Col("closed")),
        basis=RULE22,
        max_level=Level.TOWNSHIP,
    ),
    TableDef(
        id="petition_units",
        title="被反映问题较多的单位",
        rows=RESPONDENT,
        kinds=("petition",),
        columns=(
            Col("received", "被反映件数", compare=(YOY,)),
            Col("closed"),
            Col("satisfaction_rate"),
        ),
        basis=RULE22,
        sort="received",
        limit=20,
        max_level=Level.TOWNSHIP,
        notes=("按被反映件数从多到少列出前二十个单位。",),
    ),
    TableDef(
        id="petition_routing",
        title="信访事项转送、交办、督办情况表（按地区）",
        rows=CHILDREN,
        kinds=("petition",),
        columns=(
            Col("received", "信访事项", compare=(YOY,)),
            Col("routed_transfer", compare=(YOY,)),
            Col("routed_assign", compare=(YOY,)),
            Col("supervised", "督办", compare=(YOY,)),
            Col("closed"),
            Col("on_time_rate"),
            Group(
                "改进工作、完善政策和追究责任建议",
                (
                    Col("recommendations", "提出（条）", compare=(YOY,)),
                    Col("recommendations_adopted", "被采纳（条）"),
                    Col("adoption_rate", "采纳率"),
                ),
            ),
        ),
        basis=RULE22,
        notes=(
            "转送、交办按转送交办日期统计；督办按受理日期统计（截至统计时已督办）；"
            "建议按提出日期统计，被采纳为截至统计时已登记采纳的条数。",
        ),
    ),
)

TABLES: dict[str, TableDef] = {t.id: t for t in TABLE_LIST}

# Standard reports as sets of tables (a pack or an export can ask for a whole set).
REPORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hotline": ("12345热线“三率”通报表", ("hotline_areas", "hotline_units")),
    "mediation_monthly": ("人民调解工作统计月报", ("mediation_monthly", "mediation_sources")),
    "petition_annual": (
        "信访情况年度报告统计表",
        ("petition_fields", "petition_channels", "petition_units", "petition_routing"),
    ),
    "grid": ("网格化服务管理工作统计表", ("grid_activity",)),
    "overview": ("平安建设综合统计表", ("overview",)),
}
