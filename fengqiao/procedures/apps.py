from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "fengqiao.procedures"
    label = "procedures"
    verbose_name = "法定时限计时与法定数值（纠纷、信访共用）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fengqiao.cases import sweep
        from fengqiao.procedures.timers import check_timers

        sweep.register_step("statutory timers 法定时限", check_timers)
