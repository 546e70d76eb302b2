"""The precedent library: published (redacted) IMR decisions, kept as closed historical cases of the portal and
flagged as precedents by a ``Precedent`` row, with one ``PrecedentItem`` per decided item that search reads without
touching the case tables (its treatment, kind of treatment, body region, outcome, the guidelines cited, the rationale).

A precedent stores no names: published letters are redacted, and the importer keeps nothing the letter does not say.
Only closed cases are ever precedents, so a reviewer reading precedents never sees another open case.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse


class Precedent(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="precedent")
    case_number = models.CharField(max_length=12, unique=True)
    decision_date = models.DateField(null=True, blank=True, db_index=True)
    # The reviewer's credentials as the letter states them (no name: letters never print it).
    reviewer_licensure = models.CharField(max_length=300, blank=True)
    reviewer_specialty = models.CharField(max_length=300, blank=True)
    summary = models.TextField("clinical case summary", blank=True)
    # The parsed decision's fingerprint: importing the same decision again changes nothing.
    content_sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=255, blank=True, help_text="The file it was imported from.")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decision_date", "case_number"]

    def __str__(self) -> str:
        return self.case_number

    def get_absolute_url(self) -> str:
        return reverse("precedents:detail", args=[self.case_number])


class PrecedentItem(models.Model):
    class Decision(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        OVERTURNED = "overturned", "Overturned"

    precedent = models.ForeignKey(Precedent, on_delete=models.CASCADE, related_name="items")
    item = models.OneToOneField(
        "cases.DisputedItem", null=True, blank=True, on_delete=models.CASCADE, related_name="precedent_item"
    )
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(help_text="The treatment as decided (for a modified request, the remaining part).")
    original_request = models.TextField(blank=True)
    authorized = models.TextField(blank=True)
    ur_outcome = models.CharField(max_length=16, default="denied")
    # The library's vocabulary (guidelines.quantity.treatment_kind / body_regions): "medication", "imaging"…
    category = models.CharField(max_length=40, blank=True, db_index=True)
    body_region = models.CharField(max_length=40, blank=True, db_index=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, db_index=True)
    decision_date = models.DateField(null=True, blank=True, db_index=True)
    # "Chronic Pain Medical Treatment 2016 — NSAIDs; ODG Pain Chapter…" for display and the fallback search.
    guidelines = models.TextField("guidelines cited by the reviewer", blank=True)
    claims_administrator_guidelines = models.TextField(blank=True)
    no_evidence_cited = models.BooleanField(default=False, help_text="The reviewer cited no medical evidence.")
    rationale = models.TextField(blank=True)
    # PostgreSQL only (GIN-indexed): the treatment (A), the guidelines (B) and the rationale (C).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["precedent", "position"]
        # The GIN index of search_vector is made by migration 0002 on PostgreSQL only (SQLite has no tsvector).
        indexes = [models.Index(fields=["category", "decision"], name="precedent_item_kind")]

    def __str__(self) -> str:
        return f"{self.precedent.case_number}: {self.description[:60]} ({self.decision})"


class PrecedentSearchRow(models.Model):
    """What the precedent search reads of an item, in a narrow table: at 100,000 precedents a search counts tens of
    thousands of items by outcome and date, and the items' own rows (rationale, vectors) are a few kilobytes each.
    Kept by ``precedents.importer.refresh_search_vectors``; only items of precedents (closed cases, and closed is
    final: ``cases.lifecycle.TRANSITIONS``) have one."""

    item = models.OneToOneField(PrecedentItem, primary_key=True, on_delete=models.CASCADE, related_name="search_row")
    decision = models.CharField(max_length=16, db_index=True)
    decision_date = models.DateField(null=True, blank=True, db_index=True)
    category = models.CharField(max_length=40, blank=True, db_index=True)
    body_region = models.CharField(max_length=40, blank=True, db_index=True)
    treatment = models.TextField(help_text="The treatment decided and the original request (the fallback's text).")
    # The first guideline section the reviewer cited ("chapter — section"): the statistics count the outcomes by it.
    guideline = models.CharField(max_length=610, blank=True)
    # Every chapter and section the reviewer cited, one per line: the "guideline cited" filter (a trigram index on
    # PostgreSQL, migration 0004).
    cited = models.TextField(blank=True)
    # PostgreSQL only (GIN-indexed by migration 0003): the treatment, unweighted, so that the index answers a word
    # exactly and only a phrase is checked against the row.
    treatment_vector = SearchVectorField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return self.treatment[:60]


class PrecedentCitation(models.Model):
    """A guideline chapter (and section, when one is named) that a precedent item cites, by whom."""

    class By(models.TextChoices):
        REVIEWER = "reviewer", "Expert reviewer"
        CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"

    item = models.ForeignKey(PrecedentItem, on_delete=models.CASCADE, related_name="citations")
    by = models.CharField(max_length=24, choices=By.choices, default=By.REVIEWER)
    kind = models.CharField(max_length=8, default="mtus")  # "mtus" or "non_mtus"
    chapter = models.CharField(max_length=300)
    section = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["item", "pk"]
        indexes = [models.Index(fields=["chapter", "section", "by"], name="precedent_citation_guideline")]

    def __str__(self) -> str:
        return f"{self.chapter} — {self.section}" if self.section else self.chapter

    @property
    def label(self) -> str:
        return str(self)
