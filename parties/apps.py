from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "parties"
    verbose_name = "Parties' portal"

    def ready(self) -> None:
        # deferred: the hook's module imports models, which the app registry loads after the configs.
        from cases.hooks import register_worker_notice
        from parties import worker_checks  # noqa: F401 - registers the check of the Spanish catalog
        from parties.worker_notice import queue_worker_notice

        register_worker_notice(queue_worker_notice)
