from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fengqiao.core"
    verbose_name = "基础设施"

    def ready(self) -> None:
        from fengqiao.core import checks  # noqa: F401 (registers the checks)
