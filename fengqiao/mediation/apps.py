from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "fengqiao.mediation"
    label = "mediation"
    verbose_name = "矛盾纠纷调解（三调联动、诉调对接、司法确认）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fengqiao.mediation.machine import register_machines

        register_machines()
