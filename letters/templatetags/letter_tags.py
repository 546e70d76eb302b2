"""Template filters and tags of the letters app: templates ask these instead of restating a case state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import template

from cases.models import Case, Determination
from letters import redaction
from letters.models import RedactionTerm, Service
from letters.services.requests import awaits_letters as _awaits_letters

register = template.Library()


@register.filter
def awaits_letters(case: Case) -> bool:
    """``{% if case|awaits_letters %}``: the case is determined and its letters are still to be made."""
    return _awaits_letters(case)


@dataclass(frozen=True)
class ServiceNote:
    served_on: date
    methods: str  # "mail and e-mail"
    text: str


@register.filter
def service_notes(services: Iterable[Service]) -> list[ServiceNote]:
    """The notes of a letter's services, each once: one service is recorded per method, each with the same note."""
    grouped: dict[tuple[date, str], list[str]] = {}
    for service in services:
        if service.note.strip():
            grouped.setdefault((service.served_on, service.note.strip()), []).append(
                service.get_method_display().lower()
            )
    return [
        ServiceNote(served_on, " and ".join(dict.fromkeys(methods)), text)
        for (served_on, text), methods in grouped.items()
    ]


@register.inclusion_tag("letters/partials/redaction_check.html")
def redaction_check(case: Case, determination: Determination | None) -> dict[str, Any]:
    """The public copy's redactions, highlighted, for the reviewer before submitting and for QA before approving:
    the summary and each rationale as the determination stands, and the form that adds a term to redact."""
    redactor = redaction.case_redactor(case)
    sections = []
    if determination is not None:
        summary = redactor.marked(determination.clinical_case_summary)
        sections.append({"title": "Clinical case summary", "text": summary})
        rows = determination.decisions.select_related("item").order_by("item__position", "item_id")
        for number, row in enumerate(rows, 1):
            sections.append(
                {
                    "title": f"Item {number}",
                    "item": redactor.marked(row.item.description),
                    "text": redactor.marked(row.rationale),
                }
            )
    return {
        "case": case,
        "sections": sections,
        "names": redaction.case_names(case),
        "terms": list(RedactionTerm.objects.filter(case=case)),
    }
