from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "fengqiao.regions"
    verbose_name = "区划与网格"
