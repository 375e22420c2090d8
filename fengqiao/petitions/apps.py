from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "fengqiao.petitions"
    label = "petitions"
    verbose_name = "信访事项（信访工作条例）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fengqiao.cases import sweep
        from fengqiao.petitions.machine import register_machine
        from fengqiao.petitions.sweep import conclude_expired

        register_machine()
        sweep.register_step("petition windows 信访复查期满办结", conclude_expired)
