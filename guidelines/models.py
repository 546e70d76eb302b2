"""The guideline library: sources (MTUS chapters, ACOEM and ODG chapters), their sections with every version of the
text, the quantity limits they set, and citations that pin the version in force when a reviewer cited it.

Writes go through ``guidelines.services`` (every edit of a section makes a new version); this module holds the fields,
the constraints and the one permission rule of the area.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from guidelines import quantity


class GuidelineSource(models.Model):
    """One guideline chapter as letters cite it, e.g. MTUS "Chronic Pain Medical Treatment 2016"."""

    class Family(models.TextChoices):
        MTUS = "MTUS", "MTUS"
        ACOEM = "ACOEM", "ACOEM"
        ODG = "ODG", "ODG"
        OTHER = "OTHER", "Other"

    # 8 CCR 9792.21.1: the MTUS first, then the most current ACOEM or ODG, then other evidence-based guidelines.
    DEFAULT_EVIDENCE_RANK = {Family.MTUS: 1, Family.ACOEM: 2, Family.ODG: 2, Family.OTHER: 3}

    key = models.SlugField(
        max_length=80, unique=True, help_text="Stable identifier used by imports, e.g. mtus-cpmt-2016."
    )
    family = models.CharField(max_length=8, choices=Family.choices, default=Family.MTUS)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="The guideline's full title, e.g. Chronic Pain Medical Treatment Guidelines.",
    )
    chapter = models.CharField(max_length=200, help_text="As letters cite it, without the year: Low Back Complaints.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence_rank = models.PositiveSmallIntegerField(
        default=1, help_text="Place in the strength-of-evidence order (8 CCR 9792.21.1): 1 is searched first."
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["evidence_rank", "family", "chapter", "-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="guideline_source_effective_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.label if self.family == self.Family.MTUS else f"{self.get_family_display()} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("guidelines:source", args=[self.key])

    @property
    def label(self) -> str:
        """The chapter as letters print it: "Chronic Pain Medical Treatment 2016"."""
        return f"{self.chapter} {self.year}" if self.year else self.chapter

    @property
    def edition(self) -> str:
        """The edition named plainly, for people choosing one: "MTUS Chronic Pain Medical Treatment Guidelines (2009)",
        "MTUS Low Back Complaints (2004)", "ODG Pain (Chronic)". An MTUS guideline of the state's own (its title not
        ACOEM's) goes by its title without the trailing reference; other sources by their chapter."""
        name = self.chapter
        if self.family == self.Family.MTUS and self.title and not self.title.upper().startswith("ACOEM"):
            name = re.sub(r"\s*\([^)]*\)$", "", self.title) or self.chapter
        prefix = "" if self.family == self.Family.OTHER else f"{self.family} "
        return f"{prefix}{name}" + (f" ({self.year})" if self.year else "")

    def in_force(self, on: datetime.date) -> bool:
        """In force on ``on``: no known start after it and no known end before it (a source without dates is taken as
        in force: the library does not know better)."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    @property
    def period(self) -> str:
        """The dates it was in force, as people read them: "07/18/2009 to 11/30/2016", "from 12/01/2016"."""
        start = f"{self.effective_from:%m/%d/%Y}" if self.effective_from else ""
        end = f"{self.effective_to:%m/%d/%Y}" if self.effective_to else ""
        if start and end:
            return f"{start} to {end}"
        return f"from {start}" if start else (f"until {end}" if end else "dates not recorded")

    def not_in_force_note(self, on: datetime.date) -> str:
        """ "" when in force on ``on``; otherwise what a reviewer should read: "not in force on 06/18/2014 (in force
        from 12/01/2016)"."""
        return "" if self.in_force(on) else f"not in force on {on:%m/%d/%Y} (in force {self.period})"


class GuidelineSection(models.Model):
    """A section of a source. Its text fields are the current version; every edit is kept as a
    ``GuidelineSectionVersion`` (see ``services.update_section``)."""

    # The fields that each version keeps; an edit of any of them makes a new version.
    VERSIONED_FIELDS = ("name", "pages", "body_region", "treatment_category", "recommendation", "evidence_level")

    source = models.ForeignKey(GuidelineSource, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(max_length=300)
    pages = models.CharField(max_length=40, blank=True, help_text="Page range, e.g. 98-99.")
    body_region = models.CharField(max_length=80, blank=True, db_index=True)
    treatment_category = models.CharField(max_length=80, blank=True, db_index=True)
    recommendation = models.TextField(blank=True)
    evidence_level = models.CharField(max_length=40, blank=True, help_text="e.g. 1a, 1b, 2 (8 CCR 9792.25.1).")
    times_cited = models.PositiveIntegerField(default=0, help_text="How often published letters cite this section.")
    version = models.PositiveIntegerField(default=0, editable=False, help_text="Number of the current version.")
    # PostgreSQL only (kept up to date by services.refresh_search_vectors, GIN-indexed in migration 0002);
    # stays empty on SQLite, where search falls back to LIKE.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    # The name and the chapter only: a small vector that answers "which names match" without reading the texts.
    title_vector = SearchVectorField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "name"]
        constraints = [models.UniqueConstraint(fields=["source", "name"], name="guideline_section_unique_name")]

    def __str__(self) -> str:
        return f"{self.source.label}, {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("guidelines:section", args=[self.pk])

    @property
    def current_version(self) -> GuidelineSectionVersion | None:
        return self.versions.filter(number=self.version).first()

    def snapshot(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in self.VERSIONED_FIELDS}


class GuidelineSectionVersion(models.Model):
    """An immutable copy of a section's text as it stood from ``changed_at`` until the next version."""

    section = models.ForeignKey(GuidelineSection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source_label = models.CharField(max_length=220, help_text="The chapter as cited when this version was made.")
    name = models.CharField(max_length=300)
    pages = models.CharField(max_length=40, blank=True)
    body_region = models.CharField(max_length=80, blank=True)
    treatment_category = models.CharField(max_length=80, blank=True)
    recommendation = models.TextField(blank=True)
    evidence_level = models.CharField(max_length=40, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["section", "-number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="guideline_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.source_label}, {self.name} (v{self.number})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("A guideline section version is immutable: make a new one with services.update_section.")
        super().save(*args, **kwargs)

    def snapshot(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in GuidelineSection.VERSIONED_FIELDS}


class QuantityLimit(models.Model):
    """How much of a treatment a guideline allows for a condition, e.g. physical medicine 9-10 visits over 8 weeks for
    myalgia and myositis."""

    # What a limit says, as the library file and the edit form carry it (the source and section are references).
    DATA_FIELDS = (
        "treatment",
        "condition",
        "min_units",
        "max_units",
        "unit",
        "weeks_min",
        "weeks_max",
        "initial_trial",
        "total_max",
        "frequency",
        "quote",
    )

    source = models.ForeignKey(GuidelineSource, on_delete=models.PROTECT, related_name="quantity_limits")
    section = models.ForeignKey(
        GuidelineSection, null=True, blank=True, on_delete=models.SET_NULL, related_name="quantity_limits"
    )
    treatment = models.CharField(max_length=120, help_text="e.g. physical medicine, acupuncture, chiropractic.")
    condition = models.CharField(max_length=200, blank=True, help_text="e.g. myalgia and myositis; blank for any.")
    min_units = models.PositiveIntegerField(null=True, blank=True, help_text="Lower end of a range (9 in 9-10).")
    max_units = models.PositiveIntegerField(help_text="Most visits or units allowed (10 in 9-10).")
    unit = models.CharField(max_length=40, default="visits")
    weeks_min = models.PositiveIntegerField(null=True, blank=True)
    weeks_max = models.PositiveIntegerField(null=True, blank=True, help_text="Over how many weeks (8).")
    initial_trial = models.PositiveIntegerField(null=True, blank=True, help_text="Visits of the initial trial, if any.")
    total_max = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most in total with documented improvement."
    )
    frequency = models.CharField(max_length=80, blank=True, help_text="e.g. 1 to 3 times a week.")
    quote = models.TextField(blank=True, help_text="The guideline's words, as letters quote them.")
    verified = models.BooleanField(
        default=True,
        help_text="Checked against the guideline's own text. Unverified limits are flagged as such in every check.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "treatment", "condition"]
        constraints = [
            models.UniqueConstraint(fields=["source", "treatment", "condition"], name="quantity_limit_unique"),
            models.CheckConstraint(
                condition=models.Q(min_units__isnull=True) | models.Q(min_units__lte=models.F("max_units")),
                name="quantity_limit_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.label}: {self.treatment}" + (f" ({self.condition})" if self.condition else "")

    def as_rule(self) -> quantity.QuantityRule:
        """The limit as ``guidelines.quantity`` checks it (the source, and the section if any, should be selected)."""
        return quantity.QuantityRule(
            treatment=self.treatment,
            condition=self.condition,
            min_visits=self.min_units,
            max_visits=self.max_units,
            weeks=self.weeks_max,
            initial_trial=self.initial_trial,
            total_with_improvement=self.total_max,
            source_chapter=self.source.label,
            source_section=self.section.name if self.section is not None else None,
            note=self.quote,
            min_weeks=self.weeks_min,
            unit=self.unit or "visits",
            frequency=self.frequency,
            source_family=self.source.family,
            verified=self.verified,
            edition=self.source.edition,
        )


class Citation(models.Model):
    """A reviewer's citation of a library section, pinned to the version in force when it was cited (PROTECT: a
    signed letter points at it). ``text`` holds free text, e.g. a Non-MTUS citation that matches no library entry
    (then ``section_version`` is empty) or the exact words the reviewer printed."""

    class Kind(models.TextChoices):
        MTUS = "mtus", "MTUS"
        NON_MTUS = "non_mtus", "Non-MTUS"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.MTUS)
    section_version = models.ForeignKey(
        GuidelineSectionVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="citations"
    )
    text = models.TextField(blank=True)
    pages = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(section_version__isnull=False) | ~models.Q(text=""),
                name="citation_has_section_or_text",
            ),
        ]

    def __str__(self) -> str:
        if self.section_version is not None:
            return f"{self.section_version.source_label}, {self.section_version.name}"
        return self.text


class Synonym(models.Model):
    """What reviewers type, mapped to what the guidelines call it: a drug, a brand, an abbreviation or a body region
    ("naproxen" → "NSAIDs", "Norco" → "hydrocodone/acetaminophen", "ESI" → "epidural steroid injection"). Search
    looks for the expansions too, and expands them in turn (Norco → hydrocodone/acetaminophen → opioids).

    Kept as data, seeded from ``guidelines/data/synonyms.json`` and edited by administrators
    (``guidelines.synonyms``, audited)."""

    term = models.CharField(
        max_length=120, unique=True, help_text="As reviewers type it, in lower case: naproxen, tens unit, esi."
    )
    expansions = models.TextField(help_text="What the guidelines call it, one per line: NSAIDs.")
    note = models.CharField(max_length=200, blank=True, help_text="e.g. brand of naproxen sodium.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(term=""), name="synonym_term_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {', '.join(self.expansion_list)}"

    @property
    def expansion_list(self) -> list[str]:
        return [line.strip() for line in self.expansions.splitlines() if line.strip()]
