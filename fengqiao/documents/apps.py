from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "fengqiao.documents"
    verbose_name = "文书与导出"

    def ready(self) -> None:
        from fengqiao.documents import checks  # noqa: F401 (registers the font check)
