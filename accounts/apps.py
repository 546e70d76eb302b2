from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Log-in and security"

    def ready(self):
        from accounts import checks, signals  # noqa: F401  (registers the system checks and signal handlers)
