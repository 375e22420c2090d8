from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "fengqiao.rules"
    label = "rules"
    verbose_name = "时限规则与工作日历"

    def ready(self) -> None:
        from fengqiao.rules import checks  # noqa: F401  (registers the calendar coverage check)
