"""Data: the sweep's thresholds — supervision step-up (rule 15) and escalation (rules 8, 15).

The numbers are configuration with their source, editable in the admin:
- 催办 the day after the deadline passes (宜兴等地 12345 工作规则 [S]);
- 督办 once more than 5 working days overdue (同上：超期 5 个工作日以上通报 [S]; 潍坊条例第二十六条
  makes "overdue" a supervision trigger [V]);
- 挂牌督办 at 10 working days overdue (deployment default: no published number);
- red risk → the county centre at once (rule 8, 临海 practice [S]); 督办 → county, 挂牌督办 →
  city (deployment defaults for the level that supervises).
"""

from django.db import migrations

SUPERVISION = [
    (1, 1, "calendar_days", "规则15；宜兴等地12345工作规则：超期次日催办"),
    (2, 5, "working_days", "规则15；潍坊12345条例第二十六条（超期督办）；宜兴等地：超期5个工作日以上通报"),
    (3, 10, "working_days", "规则15 挂牌督办；部署默认值（无公开标准，可配置）"),
]

ESCALATION = [
    ("red", None, 3, "规则8（临海实践）：红色风险立即上报——县级综治中心"),
    ("", 2, 3, "规则15 督办：部署默认由县级综治中心督办"),
    ("", 3, 2, "规则15 挂牌督办：部署默认由市级督办"),
]


def load(apps, schema_editor):
    SupervisionRule = apps.get_model("cases", "SupervisionRule")
    EscalationRule = apps.get_model("cases", "EscalationRule")
    for level, amount, unit, source in SUPERVISION:
        SupervisionRule.objects.get_or_create(
            kind="", level=level, defaults={"overdue_by": amount, "unit": unit, "source": source}
        )
    for colour, min_level, target, source in ESCALATION:
        EscalationRule.objects.get_or_create(
            kind="",
            risk_colour=colour,
            min_supervision_level=min_level,
            target_level=target,
            defaults={"source": source},
        )


def unload(apps, schema_editor):
    apps.get_model("cases", "SupervisionRule").objects.filter(kind="").delete()
    apps.get_model("cases", "EscalationRule").objects.filter(kind="").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_taxonomies")]
    operations = [migrations.RunPython(load, unload)]
