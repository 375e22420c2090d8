from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "fengqiao.console"
    verbose_name = "工作台"
