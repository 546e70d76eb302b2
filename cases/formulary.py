"""The MTUS Drug List (8 CCR 9792.27.15) as the portal keeps it, and how a disputed item is recognized as a formulary
drug dispute (LC 4610.6(d)(1)(A): five working days).

How the portal reads it:
- The list in force on a day is the version with the latest effective date on or before that day.
- An item is a formulary drug when its kind says so (``imr-case/1`` ``items[].kind``, or set by hand); with no kind,
  when its category is Pharmaceuticals (or not given) and its description names a drug ingredient of the list in
  force, directly or through the synonym table (brand names: "Norco" → hydrocodone/acetaminophen). Every listed drug
  counts, exempt or not: the list is the formulary. A drug missing from the list (an unlisted drug) is not recognized;
  the administrator sets the item's kind.
- Import: the DWC's spreadsheet saved as CSV, with its columns "Drug Ingredient", "Exempt / Non-Exempt",
  "Drug Class", "Special Fill", "Perioperative Fill" and "Reference in Guidelines" (headers compared without case,
  spaces or punctuation; other columns ignored). An import makes a new version: a published list is never edited in
  place, so a case's track can be explained from the version in force when it was decided.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.clock import ItemKind
from cases.clock_models import FormularyDrug, FormularyList
from core.categories import Category
from core.services import record_event
from guidelines import synonyms

DRUG_CATEGORIES = frozenset({Category.PHARMACEUTICALS, ""})
COLUMNS = {
    "drugingredient": "name",
    "ingredient": "name",
    "exemptnonexempt": "exempt",
    "drugclass": "drug_class",
    "specialfill": "special_fill",
    "perioperativefill": "perioperative_fill",
    "referenceinguidelines": "reference",
}
YES = {"yes", "y", "x", "true", "1", "special fill", "perioperative fill"}


def _header(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def list_in_force(on: date | None = None) -> FormularyList | None:
    on = on or timezone.localdate()
    return FormularyList.objects.filter(effective_date__lte=on).order_by("-effective_date", "-pk").first()


@dataclass(frozen=True)
class DrugIndex:
    """The drug names of one version, normalized as the synonym table normalizes terms."""

    by_name: dict[str, FormularyDrug]
    table: synonyms.Table | None = None

    def find(self, description: str) -> FormularyDrug | None:
        """The first listed drug the description names, directly or through a synonym or brand name."""
        if not self.by_name:
            return None
        text = synonyms.normalize(description)
        padded = f" {text} "
        for name, drug in self.by_name.items():
            if f" {name} " in padded:
                return drug
        table = self.table or synonyms.table()
        words = text.split()
        for size in range(min(synonyms.MAX_TERM_WORDS, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                for expansion in table.expand(" ".join(words[start : start + size])):
                    if expansion in self.by_name:
                        return self.by_name[expansion]
        return None


def drug_index(formulary_list: FormularyList | None) -> DrugIndex:
    if formulary_list is None:
        return DrugIndex({})
    return DrugIndex(
        {synonyms.normalize(drug.name): drug for drug in formulary_list.drugs.all()}, table=synonyms.table()
    )


def item_is_formulary(item, index: DrugIndex) -> bool:
    if item.kind:
        return item.kind == ItemKind.FORMULARY_DRUG
    return item.category in DRUG_CATEGORIES and index.find(item.description) is not None


def _flag(value: str) -> bool:
    return (value or "").strip().lower() in YES


def _exempt(value: str, line: int) -> bool:
    text = _header(value)
    if text == "exempt":
        return True
    if text == "nonexempt":
        return False
    raise ValidationError(f'line {line}: "Exempt / Non-Exempt" must be Exempt or Non-Exempt, not "{value}"')


def parse_csv(text: str) -> list[dict]:
    """The drugs of a CSV file, or a ValidationError listing every problem with its line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty.") from None
    fields = {index: COLUMNS[_header(name)] for index, name in enumerate(header) if _header(name) in COLUMNS}
    missing = {"name", "exempt"} - set(fields.values())
    if missing:
        raise ValidationError(
            'The header must name the columns "Drug Ingredient" and "Exempt / Non-Exempt" (the DWC spreadsheet).'
        )
    drugs, problems, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        values = {field: (row[index].strip() if index < len(row) else "") for index, field in fields.items()}
        if not any(values.values()):
            continue
        if not values["name"]:
            problems.append(f'line {line}: "Drug Ingredient" is empty')
            continue
        if values["name"].lower() in seen:
            problems.append(f"line {line}: {values['name']} is listed twice")
            continue
        seen.add(values["name"].lower())
        try:
            exempt = _exempt(values["exempt"], line)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        drugs.append(
            {
                "name": values["name"],
                "exempt": exempt,
                "drug_class": values.get("drug_class", ""),
                "special_fill": _flag(values.get("special_fill", "")),
                "perioperative_fill": _flag(values.get("perioperative_fill", "")),
                "reference": values.get("reference", "")[:300],
            }
        )
    if problems:
        raise ValidationError(problems)
    if not drugs:
        raise ValidationError("The file lists no drug.")
    return drugs


@transaction.atomic
def import_list(text: str, *, version: str, effective_date: date, note: str = "", by=None) -> FormularyList:
    """A new version of the list from the DWC's CSV; all or nothing."""
    drugs = parse_csv(text)
    if FormularyList.objects.filter(version=version).exists():
        raise ValidationError(f"Version {version} of the MTUS Drug List is already imported.")
    formulary_list = FormularyList.objects.create(
        version=version, effective_date=effective_date, note=note, created_by=by
    )
    FormularyDrug.objects.bulk_create(FormularyDrug(formulary_list=formulary_list, **drug) for drug in drugs)
    record_event(by, "formulary.imported", formulary_list, version=version, drugs=len(drugs))
    return formulary_list
