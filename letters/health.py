"""The letter backlog on /healthz (registered with `core.health`, found by `CoreConfig.ready`): approved cases still
waiting for their letters, and letters being made or failed. Counts only."""

from typing import Any

from django.db.models import Count, Min, Q

from cases.lifecycle import Status
from cases.models import Case
from core import health
from letters.models import Letter


def letter_backlog() -> dict[str, Any]:
    backlog = Case.objects.filter(status=Status.DETERMINED).aggregate(
        cases=Count("pk"), oldest=Min("determinations__qa_at", filter=Q(determinations__state="approved"))
    )
    states = Letter.objects.filter(state__in=[Letter.State.GENERATING, Letter.State.FAILED]).aggregate(
        generating=Count("pk", filter=Q(state=Letter.State.GENERATING)),
        failed=Count("pk", filter=Q(state=Letter.State.FAILED)),
    )
    return {
        "cases_waiting": backlog["cases"],
        "oldest_waiting_minutes": health.minutes_since(backlog["oldest"]),
        **states,
    }


health.register_backlog("letters", letter_backlog)
