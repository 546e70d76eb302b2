from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "IMR cases"

    def ready(self) -> None:
        from cases import hooks  # noqa: F401 (registers the system check)
