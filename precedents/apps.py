from django.apps import AppConfig


class PrecedentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "precedents"
    verbose_name = "Precedent library"
