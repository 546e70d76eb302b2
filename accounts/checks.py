"""Deployment checks: production keeps the second factor for administrators and QA, says how many proxies are in
front of it, and keeps a strict policy."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from core import roles

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:")


@register(Tags.security, deploy=True)
def check_security_settings(app_configs, **kwargs):
    problems = []
    if settings.PRODUCTION:
        missing = {roles.ADMINISTRATOR, roles.QA} - set(settings.IMR_OTP_REQUIRED_ROLES)
        if missing:
            problems.append(
                Error(
                    f"IMR_OTP_REQUIRED_ROLES leaves out {', '.join(sorted(missing))}: production requires the second "
                    "factor of administrators and clinical QA.",
                    id="accounts.E001",
                )
            )
        if settings.IMR_TRUSTED_PROXY_COUNT is None:
            problems.append(
                Error(
                    "IMR_TRUSTED_PROXY_COUNT is not set: behind the TLS proxy every client would look like the proxy, "
                    "and one client's failed log-ins would lock everyone out.",
                    hint="Set IMR_TRUSTED_PROXY_COUNT=1 behind the proxy of docs/deploy.md (the number of proxies "
                    "that append to X-Forwarded-For), or 0 if clients connect to the application directly.",
                    id="accounts.E004",
                )
            )
    directives = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES", {})
    for name, values in directives.items():
        values = [values] if isinstance(values, str) else list(values or [])
        bad = [value for value in values if value in UNSAFE]
        if bad:
            problems.append(Error(f"CONTENT_SECURITY_POLICY {name} allows {', '.join(bad)}.", id="accounts.E002"))
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(Error("CONTENT_SECURITY_POLICY must set frame-ancestors 'none'.", id="accounts.E003"))
    return problems
