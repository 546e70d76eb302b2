from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Portal core"

    def ready(self) -> None:
        # Each app's `health.py` registers its /healthz checks with `core.health` (core names no other app).
        autodiscover_modules("health")
