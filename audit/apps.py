from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The PHI access log: who read or changed which protected object, when, from where, with what outcome."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Access log"

    def ready(self) -> None:
        from audit import checks  # noqa: F401  (registers the system checks)
