"""A case's track from its items and the MTUS Drug List, set by the administrator, converted to expedited."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from cases.models import Case, CaseTransition
from cases.services import tracks
from core.models import OutboxEmail
from guidelines.models import Synonym
from tests.cases.test_intake import intake_data
from tests.factories import CaseFactory, DisputedItemFactory, case_in_review

pytestmark = pytest.mark.django_db
SHIPPED = Path(__file__).resolve().parents[2] / "guidelines" / "data"
D = datetime.date


def load_starter_list() -> None:
    """The starter MTUS Drug List, and the synonym table (brand names) that a transactional test elsewhere in the
    session may have emptied since its data migration seeded it."""
    if not Synonym.objects.exists():
        entries = json.loads((SHIPPED / "synonyms.json").read_text(encoding="utf-8"))["synonyms"]
        Synonym.objects.bulk_create(
            Synonym(term=entry["term"], expansions="\n".join(entry["expansions"])) for entry in entries
        )
    call_command("import_drug_list", "--starter")


@pytest.fixture
def starter_list(db):
    load_starter_list()


def _case_with(*items, **fields):
    case = CaseFactory(application_received=D(2026, 3, 2), records_received=D(2026, 3, 2), **fields)
    for position, (description, category, kind) in enumerate(items):
        DisputedItemFactory(case=case, position=position, description=description, category=category, kind=kind)
    return tracks.refresh_track(case)


@pytest.mark.parametrize(
    ("description", "category", "kind", "track", "due"),
    [
        ("Norco 10/325 mg #60", "Pharmaceuticals", "", "formulary", D(2026, 3, 9)),  # brand, through the synonyms
        ("Cyclobenzaprine 7.5 mg #90", "Pharmaceuticals", "", "formulary", D(2026, 3, 9)),
        ("Ultram 50 mg", "", "", "formulary", D(2026, 3, 9)),  # no category given: the drug list decides
        ("Lidocaine injection, lumbar facet", "Injections", "", "standard", D(2026, 4, 1)),  # not a drug dispute
        ("Compounded ketoprofen cream", "Pharmaceuticals", "", "standard", D(2026, 4, 1)),  # unlisted: not recognized
        ("Compounded ketoprofen cream", "Pharmaceuticals", "formulary_drug", "formulary", D(2026, 3, 9)),  # set
        ("Tramadol 50 mg", "Pharmaceuticals", "other", "standard", D(2026, 4, 1)),  # kind given wins
    ],
)
def test_a_drug_item_is_recognized_from_the_drug_list_and_sets_the_track(
    starter_list, description, category, kind, track, due
):
    case = _case_with((description, category, kind))
    assert (case.track, case.due_date) == (track, due)


def test_a_case_mixing_a_formulary_drug_and_therapy_runs_on_the_formulary_track(starter_list):
    case = _case_with(("Physical therapy x 8", "Therapies", ""), ("Gabapentin 300 mg #90", "Pharmaceuticals", ""))
    stored = Case.objects.get(pk=case.pk)
    assert (stored.track, stored.due_date) == ("formulary", D(2026, 3, 9))
    assert stored.transitions.last().note == "Track: Formulary drug (5 working days) (from the disputed items)."


def test_the_administrator_sets_the_track_with_a_reason_kept_on_the_timeline(starter_list, admin_user):
    case = _case_with(("Gabapentin 300 mg #90", "Pharmaceuticals", ""))
    with pytest.raises(ValidationError):
        tracks.set_track(case, "standard", by=admin_user, reason=" ")
    case = tracks.set_track(case, "standard", by=admin_user, reason="Drug part split into CM26-0000999.")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.track, stored.due_date, stored.track_reason) == (
        "standard",
        D(2026, 4, 1),
        "Drug part split into CM26-0000999.",
    )
    assert stored.transitions.last().note == ("Track set to Standard (30 days): Drug part split into CM26-0000999.")


def test_converting_to_expedited_recomputes_the_date_notifies_the_reviewer_and_is_on_the_timeline(reviewer, admin_user):
    case = case_in_review(reviewer, items=1, application_received=D(2026, 3, 2))
    assert case.due_date == D(2026, 4, 1)
    tracks.convert_to_expedited(case, by=admin_user, reason="Dr. Lee certified a risk of paralysis", on=D(2026, 3, 10))
    stored = Case.objects.get(pk=case.pk)
    assert (stored.track, stored.priority, stored.due_date) == ("expedited", "expedited", D(2026, 3, 13))
    note = CaseTransition.objects.filter(case=case).last().note
    assert note == (
        "Converted to expedited on 03/10/2026 (8 CCR 9792.10.4(c)): Dr. Lee certified a risk of paralysis. "
        "Due 03/13/2026 (was 04/01/2026)."
    )
    email = OutboxEmail.objects.get(template_key="clock_converted_expedited")
    assert (email.to, email.subject) == (
        [reviewer.email],
        f"EXPEDITED: IMR case {case.case_number} is now due 03/13/2026",
    )


def test_an_expedited_case_cannot_be_converted_again(reviewer, admin_user):
    case = case_in_review(reviewer, items=1, priority="expedited")
    with pytest.raises(ValidationError, match="already expedited"):
        tracks.convert_to_expedited(case, by=admin_user, reason="again")


def test_the_drug_list_imports_the_state_spreadsheet_columns_and_refuses_a_bad_row(tmp_path):
    good = tmp_path / "list.csv"
    good.write_text(
        "Drug Ingredient,Exempt / Non-Exempt,Drug Class,Special Fill,Perioperative Fill,Dosage Form\n"
        "Tramadol,Non-Exempt,Opioid,Special Fill,Perioperative Fill,Tablet\n"
        "Naproxen,Exempt,NSAID,,,Tablet\n"
    )
    call_command("import_drug_list", str(good), "--list-version", "2025-10", "--effective", "2025-10-01")
    from cases.models import FormularyDrug

    assert list(
        FormularyDrug.objects.order_by("name").values_list("name", "exempt", "special_fill", "perioperative_fill")
    ) == [("Naproxen", True, False, False), ("Tramadol", False, True, True)]
    bad = tmp_path / "bad.csv"
    bad.write_text("Drug Ingredient,Exempt / Non-Exempt\nBaclofen,maybe\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match='line 2: "Exempt / Non-Exempt" must be Exempt or Non-Exempt, not "maybe"'):
        call_command("import_drug_list", str(bad), "--list-version", "2026-01", "--effective", "2026-01-01")


def test_a_drug_entered_at_intake_puts_the_case_on_the_formulary_track(admin_client, starter_list):
    # Received in 2026: the starter list (effective 1/1/2026) is in force. (In 2014 no list was: standard.)
    data = intake_data(
        application_received="2026-11-02",
        ur_determination_date="2026-10-30",
        **{"items-0-description": "Norco 10/325 mg #90", "items-0-category": "Pharmaceuticals"},
    )
    admin_client.post(reverse("cases:create"), data)
    case = Case.objects.get()
    assert (case.track, case.has_formulary_items, case.items.get().kind) == ("formulary", True, "")


def test_the_administrator_marks_an_unlisted_drug_as_a_formulary_dispute_at_intake(admin_client):
    data = intake_data(
        **{
            "items-0-description": "Compounded ketoprofen cream",
            "items-0-category": "Pharmaceuticals",
            "items-0-kind": "formulary_drug",
        }
    )
    admin_client.post(reverse("cases:create"), data)
    assert Case.objects.get().track == "formulary"
