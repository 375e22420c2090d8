from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "fengqiao.visits"
    label = "visits"
    verbose_name = "网格走访任务"
    default_auto_field = "django.db.models.BigAutoField"
