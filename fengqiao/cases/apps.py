from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "fengqiao.cases"
    label = "cases"
    verbose_name = "事项（工单、事件、纠纷、信访）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The shipped state machines register themselves on import.
        from fengqiao.cases import machines  # noqa: F401
