"""A portal whose Spanish catalog was not compiled would show the injured worker English pages that claim to be
Spanish (the language switch would seem to do nothing): the system checks fail instead. ``make static`` compiles it
(gettext's ``msgfmt``); a catalog older than its ``.po`` fails too."""

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
                checks.Error(
                    f"{compiled} is missing or older than {source.name}: the worker's Spanish pages would be English.",
                    hint="Run `make static` (msgfmt from the gettext package compiles the catalog).",
                    id="parties.E001",
                )
            )
    return problems
