"""Data: statutory numbers that are not time limits (domain-rules §10 rules 21 and 28)."""

import datetime
from decimal import Decimal

from django.db import migrations

ROWS = [
    dict(
        code="petition.max_visit_representatives",
        name="多人采用走访形式提出同一信访事项的，推选代表人数上限",
        value=Decimal("5"),
        unit="人",
        effective_from=datetime.date(2022, 5, 1),
        issuing_authority="中共中央、国务院",
        source_document="信访工作条例",
        source_article="第二十条",
        source_grade="V",
        rule_number=21,
    ),
    dict(
        code="court.small_claims_wage_percent",
        name="小额诉讼：标的额上限占上年度就业人员年平均工资的百分比",
        value=Decimal("50"),
        unit="%",
        effective_from=datetime.date(2024, 1, 1),
        issuing_authority="全国人民代表大会常务委员会",
        source_document="中华人民共和国民事诉讼法（2023年修正）",
        source_article="第一百六十五条第一款",
        source_grade="V",
        rule_number=28,
        notes="工资基数为各省、自治区、直辖市上年度就业人员年平均工资（AverageWage 表按省、年度录入）。",
    ),
    dict(
        code="court.small_claims_consent_percent",
        name="小额诉讼：当事人双方可约定适用的标的额上限（占上年度就业人员年平均工资的百分比）",
        value=Decimal("200"),
        unit="%",
        effective_from=datetime.date(2024, 1, 1),
        issuing_authority="全国人民代表大会常务委员会",
        source_document="中华人民共和国民事诉讼法（2023年修正）",
        source_article="第一百六十五条第二款",
        source_grade="V",
        rule_number=28,
        notes="超过百分之五十但在二倍以下的，当事人双方也可以约定适用小额诉讼的程序。",
    ),
]


def load(apps, schema_editor):
    StatutoryNumber = apps.get_model("procedures", "StatutoryNumber")
    for row in ROWS:
        StatutoryNumber.objects.create(version=1, **row)


def unload(apps, schema_editor):
    StatutoryNumber = apps.get_model("procedures", "StatutoryNumber")
    StatutoryNumber.objects.filter(code__in=[r["code"] for r in ROWS], version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
