"""The national clock rules of domain-rules §10 (rules 12, 13, 17–20, 23, 24, 26, 28–30), each
with its issuing body, document, article and grade. Rule 25 (mediation agreement) and rules
21, 22, 27 carry no time limit. docs/clocks.md §5 lists the same table for readers.

Version 1 of each; later changes are new versions added through the admin (actions.do_add_clock_rule).
"""

import datetime

from django.db import migrations

D = datetime.date

PETITION = dict(
    case_kind="petition",
    issuing_authority="中共中央、国务院",
    source_document="信访工作条例",
    effective_from=D(2022, 5, 1),
    is_statutory=True,
    source_grade="V",
)
PEOPLES_MEDIATION_LAW = dict(
    issuing_authority="全国人民代表大会常务委员会",
    source_document="中华人民共和国人民调解法",
    effective_from=D(2011, 1, 1),
    source_grade="V",
)
CIVIL_PROCEDURE = dict(
    case_kind="court_referral",
    issuing_authority="全国人民代表大会常务委员会",
    source_document="中华人民共和国民事诉讼法（2023年修正）",
    effective_from=D(2024, 1, 1),
    is_statutory=True,
    source_grade="V",
    rule_number=28,
)
SPC_CONFIRMATION = dict(
    case_kind="dispute",
    issuing_authority="最高人民法院",
    source_document="最高人民法院关于人民调解协议司法确认程序的若干规定（法释〔2011〕5号）",
    effective_from=D(2011, 3, 30),
    is_statutory=True,
    source_grade="V",
    rule_number=26,
    notes="条款号待与原文核对。",
)
SPC_INVITED = dict(
    case_kind="court_referral",
    issuing_authority="最高人民法院",
    source_document="最高人民法院关于人民法院特邀调解的规定（法释〔2016〕14号）",
    source_article="第二十七条",
    effective_from=D(2016, 7, 1),
    is_statutory=True,
    source_grade="V",
    rule_number=24,
    start_event="mediator_signed",
)
SPC_ONLINE = dict(
    case_kind="court_referral",
    issuing_authority="最高人民法院",
    source_document="人民法院在线调解规则（法释〔2021〕23号）",
    effective_from=D(2022, 1, 1),
    is_statutory=True,
    source_grade="V",
    rule_number=24,
    notes="条款号待与原文核对。",
)
SHENZHEN = dict(
    case_kind="dispute",
    stage="administrative_mediation",
    issuing_authority="深圳市人民代表大会常务委员会",
    source_document="深圳经济特区矛盾纠纷多元化解条例（2022）",
    effective_from=D(2022, 1, 1),
    is_statutory=False,
    source_grade="V",
    rule_number=29,
    notes="平台默认值，取自深圳经济特区条例；在深圳本地为法定时限，可由管理员录入限定于深圳的法定版本。生效日期待核。",
)
LABOUR = dict(
    case_kind="dispute",
    issuing_authority="全国人民代表大会常务委员会",
    source_document="中华人民共和国劳动争议调解仲裁法",
    effective_from=D(2008, 5, 1),
    is_statutory=True,
    source_grade="V",
    rule_number=30,
)
HOTLINE = dict(
    case_kind="hotline",
    effective_from=D(2018, 1, 1),
    is_statutory=False,
)

RULES = [
    # Rule 12: the work-order deadline (platform default from Jinan and Weifang).
    dict(
        HOTLINE,
        code="hotline.default",
        name="12345工单办理答复时限",
        stage="handling",
        start_event="dispatched",
        duration=5,
        unit="working_days",
        issuing_authority="济南市、潍坊市人民代表大会常务委员会",
        source_document="济南市12345市民服务热线管理条例（2018）；潍坊市12345政务服务便民热线条例（2021）",
        source_article="济南第二十四条；潍坊第二十条",
        source_grade="V",
        rule_number=12,
        notes="平台默认的地方时限。法定时限更长的，以法定时限为准，并在本时限届满时告知诉求人办理进度和法定时限。",
    ),
    # Rule 13: urgent hotline matters (unverified as a national rule).
    dict(
        HOTLINE,
        code="hotline.urgent",
        name="12345紧急诉求（涉及人身财产安全）处置时限",
        stage="handling",
        start_event="dispatched",
        duration=2,
        unit="hours",
        issuing_authority="（地方惯例）",
        source_document="各地12345热线工作规范（常见做法）",
        source_grade="U",
        rule_number=13,
        notes="未核实为全国性规定，按地方配置调整。",
    ),
    dict(
        HOTLINE,
        code="hotline.utility",
        name="12345水电气热等民生保障诉求处置时限",
        stage="handling",
        start_event="dispatched",
        duration=24,
        unit="hours",
        issuing_authority="（地方惯例）",
        source_document="各地12345热线工作规范（常见做法）",
        source_grade="U",
        rule_number=13,
        notes="未核实为全国性规定，按地方配置调整。",
    ),
    # Rules 17–20: 信访工作条例 (2022).
    dict(PETITION, code="petition.register_route", name="信访事项登记并转送、交办", stage="registration",
         start_event="received", duration=15, unit="calendar_days", source_article="第二十二条", rule_number=17),
    dict(PETITION, code="petition.accept_notice", name="书面告知信访人是否受理", stage="acceptance",
         start_event="received", duration=15, unit="calendar_days", source_article="第二十三条", rule_number=18),
    dict(PETITION, code="petition.misroute_objection", name="对不属于本机关受理的转送、交办事项提出异议",
         stage="acceptance", start_event="received", duration=5, unit="working_days",
         source_article="第二十三条", rule_number=18),
    dict(PETITION, code="petition.handling", name="信访事项办结（出具信访处理意见书）", stage="handling",
         start_event="accepted", duration=60, unit="calendar_days", source_article="第三十四条", rule_number=19),
    dict(PETITION, code="petition.handling.extension", name="信访事项办理延期", kind="extension",
         extends_code="petition.handling", stage="handling", start_event="due", duration=30,
         unit="calendar_days", max_times=1, requires_approval=True, approver="本机关负责人",
         source_article="第三十四条", rule_number=19, notes="延长不超过30日，并告知信访人延期理由。"),
    dict(PETITION, code="petition.review_request", name="请求复查", stage="review",
         start_event="reply_received", duration=30, unit="calendar_days", source_article="第三十五条",
         rule_number=20),
    dict(PETITION, code="petition.review_answer", name="提出复查意见", stage="review",
         start_event="review_request_received", duration=30, unit="calendar_days",
         source_article="第三十五条", rule_number=20, notes="听证所需时间不计算在内（暂停计时）。"),
    dict(PETITION, code="petition.recheck_request", name="请求复核", stage="recheck",
         start_event="review_opinion_received", duration=30, unit="calendar_days",
         source_article="第三十六条", rule_number=20),
    dict(PETITION, code="petition.recheck_answer", name="提出复核意见", stage="recheck",
         start_event="recheck_request_received", duration=30, unit="calendar_days",
         source_article="第三十六条", rule_number=20, notes="听证所需时间不计算在内（暂停计时）。"),
    # Rule 23: report a dispute that may turn into a public-order or criminal case.
    dict(PEOPLES_MEDIATION_LAW, code="mediation.police_report", name="可能引起治安、刑事案件的纠纷报告公安机关",
         case_kind="dispute", stage="mediation", start_event="escalation_risk_found", duration=0,
         unit="hours", source_article="第二十五条", rule_number=23, is_statutory=False,
         notes="法条要求“及时”报告，未规定时数；平台按发现即报（0小时）提示，地方可另行配置。"),
    # Rule 24: mediation terms.
    dict(code="mediation.people", name="人民调解委员会调解纠纷期限", case_kind="dispute", stage="mediation",
         start_event="accepted", duration=1, unit="months", issuing_authority="司法部",
         source_document="人民调解工作若干规定（司法部令第75号）", source_article="第三十三条",
         effective_from=D(2002, 11, 1), is_statutory=True, source_grade="S", rule_number=24,
         notes="原文为“一般在一个月内调结”。"),
    dict(SPC_INVITED, code="court.delegated_mediation", name="委派调解（立案前）期限", stage="pre_filing",
         duration=30, unit="calendar_days",
         notes="自特邀调解员签收材料之日起算；双方同意延长的不受此限。在线调解规则同。"),
    dict(SPC_INVITED, code="court.entrusted_mediation_ordinary", name="委托调解（立案后，普通程序）期限",
         stage="entrusted", duration=15, unit="calendar_days",
         notes="双方同意延长的不受此限，延长期间不计入审理期限。在线调解规则同。"),
    dict(SPC_INVITED, code="court.entrusted_mediation_simplified", name="委托调解（立案后，简易程序）期限",
         stage="entrusted", duration=7, unit="calendar_days",
         notes="双方同意延长的不受此限，延长期间不计入审理期限。在线调解规则同。"),
    dict(SPC_ONLINE, code="online_mediation.designate", name="在线调解：人民法院指定调解员",
         stage="online", start_event="application_received", duration=3, unit="working_days"),
    dict(SPC_ONLINE, code="online_mediation.confirm", name="在线调解：调解员确认接受", stage="online",
         start_event="designated", duration=3, unit="working_days"),
    # Rule 26: 司法确认.
    dict(PEOPLES_MEDIATION_LAW, code="judicial_confirmation.apply", name="共同申请司法确认",
         case_kind="dispute", stage="agreement", start_event="agreement_effective", duration=30,
         unit="calendar_days", source_article="第三十三条；民事诉讼法第二百零五条", is_statutory=True,
         rule_number=26),
    dict(SPC_CONFIRMATION, code="judicial_confirmation.accept", name="人民法院决定是否受理司法确认申请",
         stage="judicial_confirmation", start_event="application_received", duration=3,
         unit="calendar_days"),
    dict(SPC_CONFIRMATION, code="judicial_confirmation.decide", name="人民法院作出是否确认的决定",
         stage="judicial_confirmation", start_event="accepted", duration=15, unit="calendar_days"),
    dict(SPC_CONFIRMATION, code="judicial_confirmation.decide.extension", name="司法确认审查延长",
         kind="extension", extends_code="judicial_confirmation.decide", stage="judicial_confirmation",
         start_event="due", duration=10, unit="calendar_days", max_times=1, requires_approval=True,
         approver="本院院长"),
    dict(SPC_CONFIRMATION, code="judicial_confirmation.revoke", name="案外人申请撤销确认决定",
         stage="judicial_confirmation", start_event="third_party_learned", duration=12, unit="months"),
    # Rule 28: court filing and 繁简分流.
    dict(CIVIL_PROCEDURE, code="court.filing_decision", name="人民法院立案或裁定不予受理", stage="filing",
         start_event="complaint_received", duration=7, unit="calendar_days", source_article="第一百二十六条"),
    dict(CIVIL_PROCEDURE, code="court.small_claims", name="小额诉讼审理期限", stage="trial",
         start_event="filed", duration=2, unit="months", source_article="第一百六十五条、第一百六十八条"),
    dict(CIVIL_PROCEDURE, code="court.small_claims.extension", name="小额诉讼审理期限延长", kind="extension",
         extends_code="court.small_claims", stage="trial", start_event="due", duration=1, unit="months",
         max_times=1, requires_approval=True, approver="本院院长", source_article="第一百六十八条"),
    dict(CIVIL_PROCEDURE, code="court.simplified", name="简易程序审理期限", stage="trial", start_event="filed",
         duration=3, unit="months", source_article="第一百六十四条"),
    dict(CIVIL_PROCEDURE, code="court.simplified.extension", name="简易程序审理期限延长", kind="extension",
         extends_code="court.simplified", stage="trial", start_event="due", duration=1, unit="months",
         max_times=1, requires_approval=True, approver="本院院长", source_article="第一百六十四条"),
    dict(CIVIL_PROCEDURE, code="court.ordinary", name="普通程序审理期限", stage="trial", start_event="filed",
         duration=6, unit="months", source_article="第一百五十二条"),
    dict(CIVIL_PROCEDURE, code="court.ordinary.extension", name="普通程序审理期限延长", kind="extension",
         extends_code="court.ordinary", stage="trial", start_event="due", duration=6, unit="months",
         max_times=1, requires_approval=True, approver="本院院长", source_article="第一百五十二条",
         notes="还需要延长的，报请上级人民法院批准（期限未规定，不建模）。"),
    # Rule 29: administrative mediation (platform default from Shenzhen).
    dict(SHENZHEN, code="admin_mediation.transfer", name="行政调解：移送主管机关", start_event="received",
         duration=3, unit="working_days", source_article="第四十五条"),
    dict(SHENZHEN, code="admin_mediation.accept", name="行政调解：决定是否受理", start_event="received",
         duration=5, unit="working_days", source_article="第四十六条"),
    dict(SHENZHEN, code="admin_mediation.accept_complex", name="行政调解：决定是否受理（复杂或涉及多部门）",
         start_event="received", duration=10, unit="working_days", source_article="第四十六条"),
    # Rule 30: labour disputes.
    dict(LABOUR, code="labour.mediation", name="劳动争议调解（期满未达成协议可申请仲裁）", stage="mediation",
         start_event="mediation_application_received", duration=15, unit="calendar_days",
         source_article="第十四条"),
    dict(LABOUR, code="labour.arbitration", name="劳动争议仲裁裁决期限", stage="arbitration",
         start_event="arbitration_accepted", duration=45, unit="calendar_days", source_article="第四十三条"),
    dict(LABOUR, code="labour.arbitration.extension", name="劳动争议仲裁延期", kind="extension",
         extends_code="labour.arbitration", stage="arbitration", start_event="due", duration=15,
         unit="calendar_days", max_times=1, requires_approval=True, approver="劳动争议仲裁委员会主任",
         source_article="第四十三条", notes="延期须书面通知当事人。"),
    dict(LABOUR, code="labour.suit", name="不服仲裁裁决向人民法院起诉", stage="litigation",
         start_event="award_received", duration=15, unit="calendar_days",
         source_article="第四十八条、第五十条"),
]


def load(apps, schema_editor):
    ClockRule = apps.get_model("rules", "ClockRule")
    for row in RULES:
        ClockRule.objects.create(version=1, **row)


def unload(apps, schema_editor):
    ClockRule = apps.get_model("rules", "ClockRule")
    ClockRule.objects.filter(
        code__in=[row["code"] for row in RULES], version=1, region__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
