"""A portal whose Spanish catalog was not compiled would show the injured worker English pages after they chose Spanish
(the language switch would seem to do nothing): the system checks warn, and ``check --deploy --fail-level WARNING``
(``make check-deploy``) fails. ``make messages`` (part of ``make static``) compiles it with gettext's ``msgfmt``; a
catalog older than its ``.po`` warns too. A warning, not an error: ``makemigrations --check`` runs before the build
step in CI."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register()
def spanish_catalog_compiled(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    for folder in settings.LOCALE_PATHS:
        source = Path(folder) / "es" / "LC_MESSAGES" / "django.po"
        compiled = source.with_suffix(".mo")
        if source.exists() and (not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime):
            problems.append(
                checks.Warning(
                    f"{compiled} is missing or older than {source.name}: the worker's Spanish pages would be English.",
                    hint="Run `make messages` (msgfmt, from the gettext package, compiles the catalog).",
                    id="parties.W001",
                )
            )
    return problems
