"""The claims administrator's basis for each disputed item, taken at intake with the reviewer's choices: library
sections, citations outside the MTUS (one a line) or "no medical evidence cited". Stored as the item's
``claims_administrator_basis`` (``{"mtus": [{"chapter", "sections"}], "non_mtus": [text]}``, as imr-case/1 carries
it), which the letter prints on the claims administrator's guideline line."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from guidelines.cited import sections_cited
from guidelines.models import GuidelineSection, GuidelineSource
from guidelines.selectors import sources_not_in_force

# What "no medical evidence cited" is stored as: both lists given and empty (an item never asked stays {}).
NO_EVIDENCE: dict[str, list] = {"mtus": [], "non_mtus": []}


def library_sections() -> QuerySet[GuidelineSection]:
    """The sections offered, MTUS first (the order the evidence is searched), each chapter's newest edition first."""
    return (
        GuidelineSection.objects.filter(source__active=True)
        .select_related("source")
        .order_by("source__evidence_rank", "source__chapter", "-source__year", "name")
    )


class SectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: GuidelineSection) -> str:
        pages = f" (p. {obj.pages})" if obj.pages else ""
        return f"{obj.source} — {obj.name}{pages}"


def basis_fields() -> dict[str, forms.Field]:
    return {
        "ca_sections": SectionChoiceField(
            queryset=library_sections(),
            required=False,
            label="Claims administrator's basis: library sections",
            help_text="The sections the UR decision cites. Type in the search box to narrow the list.",
            widget=forms.SelectMultiple(attrs={"size": 6, "data-ca-basis": "sections"}),
        ),
        "ca_non_mtus": forms.CharField(
            required=False,
            label="Citations outside the MTUS (one per line)",
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text='e.g. "Official Disability Guidelines (ODG), Low Back, MRIs"',
        ),
        "ca_basis_none": forms.BooleanField(required=False, label="The UR decision cites no medical evidence"),
    }


def initial_picks(basis: dict[str, Any] | None) -> dict[str, Any]:
    """The form's starting values for a stored basis."""
    basis = basis or {}
    return {
        "ca_sections": sections_cited({"mtus": basis.get("mtus") or []}),
        "ca_non_mtus": "\n".join(basis.get("non_mtus") or []),
        "ca_basis_none": basis == NO_EVIDENCE,
    }


def picks_problem(cleaned: dict[str, Any]) -> str | None:
    if cleaned.get("ca_basis_none") and (cleaned.get("ca_sections") or (cleaned.get("ca_non_mtus") or "").strip()):
        return "Either the UR decision cites no medical evidence, or it cites these: untick one or remove the other."
    return None


def basis_from_picks(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The basis to store: MTUS sections grouped by chapter as letters print it, with the pages of page-specific
    sections as the picker showed them ("Physical Medicine (p. 98-99)" is printed "... Physical Medicine Page(s):
    98-99", as the reviewer's line is: letters.rendering.with_pages), other sections and typed lines as non-MTUS
    citations; {} when nothing was said (not asked), NO_EVIDENCE when ticked."""
    if cleaned.get("ca_basis_none"):
        return {"mtus": [], "non_mtus": []}
    mtus: dict[str, list[str]] = {}
    pages: dict[str, list[str]] = {}
    non_mtus = [line.strip() for line in (cleaned.get("ca_non_mtus") or "").splitlines() if line.strip()]
    for section in cleaned.get("ca_sections") or []:
        source = section.source
        if source.family == GuidelineSource.Family.MTUS:
            mtus.setdefault(source.label, []).append(section.name)
            if section.pages:
                pages.setdefault(source.label, []).append(section.pages)
        else:
            line = f"{source.get_family_display()} {source.chapter}, {section.name}"
            if line not in non_mtus:
                non_mtus.append(line)
    if not mtus and not non_mtus:
        return {}
    citations = [
        {"chapter": chapter, "sections": names, **({"pages": ", ".join(pages[chapter])} if chapter in pages else {})}
        for chapter, names in mtus.items()
    ]
    return {"mtus": citations, "non_mtus": non_mtus}


def editions_not_in_force(item_forms: list[forms.BaseForm], on: datetime.date | None) -> list[str]:
    """A warning for each section picked whose edition was not in force on the UR decision date ``on``
    (guidelines.selectors): "Item 1: Chronic Pain Medical Treatment 2016 — not in force on 06/16/2014 (...)"."""
    if on is None:
        return []
    picked = [
        (number, section)
        for number, form in enumerate(item_forms, start=1)
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
        for section in form.cleaned_data.get("ca_sections") or []
    ]
    late = sources_not_in_force([section.pk for _, section in picked], on)
    return [
        f"Item {number}: the claims administrator's {late[section.pk].edition}, {section.name}, "
        f"{late[section.pk].not_in_force_note(on)}."
        for number, section in picked
        if section.pk in late
    ]
