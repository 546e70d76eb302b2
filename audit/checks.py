"""The access log must be on, and outside the request's transaction, wherever the portal holds real records."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import connections


@register(Tags.database)
def check_requests_not_atomic(app_configs, **kwargs):
    # A row written inside ATOMIC_REQUESTS' transaction would vanish with a failed request.
    return [
        Error(
            f"DATABASES[{alias!r}]['ATOMIC_REQUESTS'] is on: the access log must be written outside the request's "
            "transaction, so that a failed request still leaves its row.",
            id="audit.E001",
        )
        for alias in connections
        if connections.settings[alias].get("ATOMIC_REQUESTS")
    ]


@register(Tags.security, deploy=True)
def check_access_log_on(app_configs, **kwargs):
    if settings.PRODUCTION and not settings.IMR_ACCESS_LOG:
        return [Error("IMR_ACCESS_LOG is off: production must record every read of medical data.", id="audit.E002")]
    return []
