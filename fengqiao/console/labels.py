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
    # audit.Outcome
    gettext_noop("成功"),
    gettext_noop("失败"),
    gettext_noop("拒绝"),
    # accounts sign-in pages (styled by the console; labels and messages are plain literals)
    gettext_noop("登录名"),
    gettext_noop("密码"),
    gettext_noop("当前密码"),
    gettext_noop("新密码"),
    gettext_noop("再次输入新密码"),
    gettext_noop("两次输入的新密码不一致。"),
    gettext_noop("登录名或密码错误，或账号暂时被锁定。"),
    # texts of the accounts templates (fengqiao/accounts/templates/accounts/)
    gettext_noop("登录"),
    gettext_noop("登录工作台"),
    gettext_noop("连续多次输错密码，账号将被暂时锁定。忘记密码请联系本级系统管理员。"),
    gettext_noop("修改密码"),
    gettext_noop("首次登录或密码已到期：请先修改密码，再使用系统。"),
    gettext_noop("退出登录"),
    gettext_noop("密码已修改"),
    gettext_noop("新密码已生效，下次登录请使用新密码。"),
    # regions.ChangeKind
    gettext_noop("新设"),
    gettext_noop("更名"),
    gettext_noop("调整隶属"),
    gettext_noop("拆分"),
    gettext_noop("合并"),
    gettext_noop("撤销"),
    # ---- the cases app (case pages): machine states and actions, choices, timeline words
    # cases machine hotline: states
    gettext_noop("已受理（登记）"),
    gettext_noop("即时办结"),
    gettext_noop("已转紧急热线"),
    gettext_noop("已告知其他途径"),
    gettext_noop("不予受理"),
    gettext_noop("待派单"),
    gettext_noop("已派单（待签收）"),
    gettext_noop("派单异议待审核"),
    gettext_noop("已签收"),
    gettext_noop("办理中"),
    gettext_noop("延期申请待审批"),
    gettext_noop("暂停计时（等待群众）"),
    gettext_noop("已答复（待审核）"),
    gettext_noop("审核通过（待回访）"),
    gettext_noop("已办结"),
    gettext_noop("已归档"),
    # cases machine hotline: actions
    gettext_noop("转紧急热线"),
    gettext_noop("告知其他途径"),
    gettext_noop("不予受理（说明理由）"),
    gettext_noop("转派单"),
    gettext_noop("派单"),
    gettext_noop("签收"),
    gettext_noop("派单异议（退单）"),
    gettext_noop("异议成立·改派"),
    gettext_noop("异议不成立·维持派单"),
    gettext_noop("开始办理"),
    gettext_noop("申请延期"),
    gettext_noop("批准延期"),
    gettext_noop("驳回延期"),
    gettext_noop("恢复计时"),
    gettext_noop("答复（办结反馈）"),
    gettext_noop("审核退回重办"),
    gettext_noop("审核通过"),
    gettext_noop("回访"),
    gettext_noop("归档"),
    # cases machine grid_event: states
    gettext_noop("发现（登记）"),
    gettext_noop("已上报"),
    gettext_noop("已派遣（待签收）"),
    gettext_noop("派遣异议待审核"),
    gettext_noop("处置中"),
    gettext_noop("已处置（待核查）"),
    gettext_noop("已结案"),
    # cases machine grid_event: actions
    gettext_noop("就地化解结案"),
    gettext_noop("上报"),
    gettext_noop("派遣"),
    gettext_noop("签收处置"),
    gettext_noop("异议（非本单位职责）"),
    gettext_noop("异议不成立·维持派遣"),
    gettext_noop("处置反馈"),
    gettext_noop("核查不通过·退回"),
    gettext_noop("核查结案"),
    # cases.workflow
    gettext_noop("已并单"),
    gettext_noop("12345工单"),
    gettext_noop("网格事件"),
    gettext_noop("矛盾纠纷"),
    gettext_noop("信访事项"),
    gettext_noop("法院委派/委托调解"),
    gettext_noop("110非警务警情"),
    # cases.Channel
    gettext_noop("12345电话"),
    gettext_noop("12345网站/APP/小程序"),
    gettext_noop("窗口来访"),
    gettext_noop("来信"),
    gettext_noop("网格员巡查"),
    gettext_noop("网上信访"),
    gettext_noop("信访走访"),
    gettext_noop("法院委派/委托"),
    gettext_noop("110转办"),
    gettext_noop("外部系统"),
    gettext_noop("群众网上提交"),
    gettext_noop("其他"),
    # cases.RequestType
    gettext_noop("咨询"),
    gettext_noop("求助"),
    gettext_noop("投诉"),
    gettext_noop("举报"),
    gettext_noop("建议"),
    gettext_noop("表扬"),
    # cases.Urgency
    gettext_noop("一般"),
    gettext_noop("紧急"),
    gettext_noop("特急"),
    # cases.RiskColour
    gettext_noop("未评估"),
    gettext_noop("黄色"),
    gettext_noop("橙色"),
    gettext_noop("红色"),
    # cases.Satisfaction
    gettext_noop("满意"),
    gettext_noop("基本满意"),
    gettext_noop("不满意"),
    gettext_noop("未联系上"),
    # cases.SupervisionLevel
    gettext_noop("无"),
    gettext_noop("催办"),
    gettext_noop("督办"),
    gettext_noop("挂牌督办"),
    # cases.AssignmentRole
    gettext_noop("主办"),
    gettext_noop("协办"),
    # cases.AssignmentStatus
    gettext_noop("待签收"),
    gettext_noop("异议待审核"),
    gettext_noop("已反馈"),
    gettext_noop("已撤回（改派）"),
    # cases.PartyRole
    gettext_noop("诉求人/申请人"),
    gettext_noop("被反映人/被申请人"),
    gettext_noop("第三人"),
    # cases.ExtensionStatus
    gettext_noop("待审批"),
    gettext_noop("已批准"),
    gettext_noop("已驳回"),
    # console timeline
    gettext_noop("登记"),
    gettext_noop("协办签收"),
    gettext_noop("协办异议"),
    gettext_noop("协办反馈"),
    gettext_noop("协办异议成立"),
    gettext_noop("协办异议不成立"),
    gettext_noop("上传附件"),
    gettext_noop("超期"),
    gettext_noop("提级"),
    gettext_noop("并单"),
    gettext_noop("并入事项"),
    gettext_noop("撤销并单"),
    gettext_noop("撤出并单"),
    gettext_noop("协办异议（退回）"),
    # petitions: the recommendations of rule 22 (console/petition_recs.py) and their notes
    gettext_noop("提出建议"),
    gettext_noop("登记建议采纳情况"),
    gettext_noop("改进工作建议"),
    gettext_noop("完善政策建议"),
    gettext_noop("追究责任建议"),
    gettext_noop("待答复"),
    gettext_noop("已采纳"),
    gettext_noop("未采纳"),
    # mediation: the centre's steps on the dispute page
    gettext_noop("分派调解组织"),
    gettext_noop("退回成立·改派"),
    gettext_noop("退回不成立·维持"),
)


def tr(label: str | Promise) -> str:
    """The label in the active language (unchanged when the catalog has no entry)."""
    text = str(label)
    return gettext(text) if text else text
