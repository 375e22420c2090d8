"""Data: the statistics settings (response window, ranking minimum sample, pack retention)
with their source; values in fengqiao/reports/conf.py DEFAULTS."""

from django.db import migrations


def load(apps, schema_editor):
    from fengqiao.reports.conf import DEFAULTS

    ReportSetting = apps.get_model("reports", "ReportSetting")
    for key, (value, label, source) in DEFAULTS.items():
        ReportSetting.objects.get_or_create(
            key=key, defaults={"value": value, "label": label, "source": source}
        )


def unload(apps, schema_editor):
    from fengqiao.reports.conf import DEFAULTS

    apps.get_model("reports", "ReportSetting").objects.filter(key__in=list(DEFAULTS)).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_rollups")]
    operations = [migrations.RunPython(load, unload)]
