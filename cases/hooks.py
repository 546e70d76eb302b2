"""Hooks a higher layer registers on the cases app when it starts: how ``cases`` reaches what it must not import.

The one hook: the letter of an approved case. ``letters`` imports ``cases``, never the reverse, so the letters app
registers its task here in ``LettersConfig.ready()`` (``letters/apps.py``), and ``approve_determination`` calls
``request_letter`` after its transaction commits. A portal started without a registered letter maker fails Django's
system checks (``cases.E001``) instead of approving cases whose letters are never made.
"""

from collections.abc import Callable

from django.core import checks

_letter_maker: Callable[[int], None] | None = None


def register_letter_maker(maker: Callable[[int], None]) -> None:
    """``maker(case_id)`` queues the making of the case's signed letters."""
    global _letter_maker
    _letter_maker = maker


def request_letter(case_id: int) -> None:
    if _letter_maker is None:
        raise RuntimeError("No letter maker is registered: the letters app registers one when it starts.")
    _letter_maker(case_id)


@checks.register()
def letter_maker_registered(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if _letter_maker is None:
        return [
            checks.Error(
                "No letter maker is registered on cases.hooks: approved cases would get no letter.",
                hint="Install the letters app (its AppConfig.ready() registers letters.tasks.generate_letter).",
                id="cases.E001",
            )
        ]
    return []
