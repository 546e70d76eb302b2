from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "IMR cases"

    def ready(self) -> None:
        # deferred: the hooks module registers a system check, which Django wants done once the apps are ready.
        from cases import hooks  # noqa: F401
