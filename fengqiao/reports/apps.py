from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fengqiao.reports"
    label = "reports"
    verbose_name = "统计与报表"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Rollups follow the timeline: every CaseTransition row queues its case for a sync
        # (signals.py); exports and sweep steps register themselves here. Nothing imports
        # reports (architecture: reports read from the others).
        from fengqiao.reports import hooks, signals  # noqa: F401

        hooks.install()
