"""Data: dispute categories (rule 27 taxonomy, shipped by the cases app) that the small-claims
track does not suit — 民事诉讼法（2023年修正）第一百六十六条: 人身关系、财产确权纠纷 are not
tried as small claims (rule 28). Suggestions only: the court decides."""

from django.db import migrations

SOURCE = "民事诉讼法（2023年修正）第一百六十六条（规则28）"
ROWS = [
    ("TJ01", "人身关系纠纷（婚姻家庭、继承、赡养抚养）不适用小额诉讼程序"),
    ("TJ03", "房屋宅基地纠纷多涉及财产确权，不适用小额诉讼程序"),
    ("TJ07", "山林土地纠纷多涉及财产确权，不适用小额诉讼程序"),
]


def load(apps, schema_editor):
    Category = apps.get_model("units", "Category")
    TrackExclusion = apps.get_model("mediation", "TrackExclusion")
    for code, reason in ROWS:
        category = Category.objects.filter(code=code).first()
        if category is not None:
            TrackExclusion.objects.get_or_create(
                category=category, track="small_claims", defaults={"reason": reason, "source": SOURCE}
            )


def unload(apps, schema_editor):
    TrackExclusion = apps.get_model("mediation", "TrackExclusion")
    TrackExclusion.objects.filter(category__code__in=[c for c, _ in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial"), ("cases", "0002_taxonomies")]
    operations = [migrations.RunPython(load, unload)]
