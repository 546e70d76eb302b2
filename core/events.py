"""Side effects that wait for the commit: the one way the portal defers a task, an e-mail or a hook.

saleor's ``call_event`` is the model: a write queues its side effects here, inside its transaction, and they run only
once the transaction has committed (at once when there is none). A side effect that fails (a broker that is down)
is logged by Django and never undoes the committed write: the outbox and the beat sweeps pick the work up again.
"""

from collections.abc import Callable
from functools import partial
from typing import ParamSpec

from django.db import transaction

P = ParamSpec("P")


def after_commit(func: Callable[P, object], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Call ``func(*args, **kwargs)`` after the current transaction commits (robustly: a failure is logged)."""
    call = partial(func, *args, **kwargs)
    # Django's robust on_commit logs a failure with the callable's __qualname__, which a partial lacks: without one,
    # the failure's log line itself raises (AttributeError) and the committed request answers 500.
    call.__qualname__ = getattr(func, "__qualname__", repr(func))  # type: ignore[attr-defined]
    transaction.on_commit(call, robust=True)
