from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "fengqiao.mediation"
    label = "mediation"
    verbose_name = "矛盾纠纷调解（三调联动、诉调对接、司法确认）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fengqiao.cases import sweep
        from fengqiao.mediation.machine import register_machines
        from fengqiao.mediation.sweep import tell_arbitration_open

        register_machines()
        sweep.register_step(
            "labour arbitration open 劳动争议调解期满告知仲裁", tell_arbitration_open
        )
