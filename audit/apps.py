from django.apps import AppConfig
from django.db.models.signals import post_migrate

from audit.roles import grant_after_migrate


class AuditConfig(AppConfig):
    """The PHI access log: who read or changed which protected object, when, from where, with what outcome."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Access log"

    def ready(self) -> None:
        from audit import checks  # noqa: F401  (registers the system checks)

        # After every migrate run as the owner: grant the application's role the new tables (audit.roles).
        post_migrate.connect(grant_after_migrate, sender=self)
