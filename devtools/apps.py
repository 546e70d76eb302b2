from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo data and development tools. Installed only outside production (``imrportal/settings.py``); no app of the
    running portal imports it."""

    name = "devtools"
    verbose_name = "Development tools"
