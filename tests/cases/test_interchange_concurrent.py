"""Two imports that create the same new case number (issue 20, finding 14): the second is refused with the case
number and why, never the database's own text, and saves nothing. The concurrent test runs two real imports, each
in its own thread with its own PostgreSQL connection, held at the same point by a lock a third connection takes."""

import copy
import io
import json
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from cases.models import Case, CaseTransition, Determination, DisputedItem, validate_icd10
from core.models import Party
from tests.cases.test_interchange import EXAMPLE, open_case

ALREADY_THERE = (
    "cases[{index}].case_number: case {number} already exists: it was saved by someone else while this import "
    "was running; nothing was imported"
)


def run_import(path, outcome: dict) -> None:
    """The import command in this thread, on this thread's own database connection."""
    out, errors = io.StringIO(), io.StringIO()
    try:
        call_command("import_cases", str(path), stdout=out, stderr=errors)
        outcome["done"] = out.getvalue().strip()
    except CommandError as error:
        outcome["refused"] = (str(error), errors.getvalue().splitlines())
    except Exception as error:  # noqa: BLE001 - the test reports anything else as it is
        outcome["crashed"] = repr(error)
    finally:
        connections.close_all()


def waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction sees one snapshot of the statistics
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def import_both_at_once(paths) -> list[dict]:
    """Run the import command on each file at the same time, in threads; returns what each said.

    Both imports check their case numbers, then wait to write their cases behind a lock this (third) connection
    holds; released, one writes and commits first, and the other goes on after it."""
    validate_icd10("S16.1XXA")  # loads the code list once, before the threads (it takes seconds)
    outcomes: list[dict] = [{} for _ in paths]
    pairs = zip(paths, outcomes, strict=True)
    threads = [threading.Thread(target=run_import, args=(path, outcome)) for path, outcome in pairs]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE cases_case IN SHARE ROW EXCLUSIVE MODE")
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while waiting_on_locks() < len(paths) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_on_locks() == len(paths), outcomes
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def written(tmp_path, name: str, document: dict):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_creating_the_same_case_number_refuse_the_second_clearly(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL")
    document = copy.deepcopy(EXAMPLE)
    document["cases"].insert(0, open_case())  # the second import's refused case is not the first of its file
    path = written(tmp_path, "cases.json", document)

    outcomes = import_both_at_once([path, path])

    done = [outcome for outcome in outcomes if "done" in outcome]
    refused = [outcome for outcome in outcomes if "refused" in outcome]
    assert (len(done), len(refused)) == (1, 1), outcomes
    assert done[0]["done"] == f"Imported {path}: 2 cases created, 0 replaced, 2 disputed items."
    assert refused[0]["refused"] == (
        f"Nothing imported: 1 error in {path}.",
        [ALREADY_THERE.format(index=1, number="CM16-0230548")],
    )
    # The first import whole, nothing of the second: one of each party, one set of rows.
    assert Case.objects.count() == 2
    assert (DisputedItem.objects.count(), Determination.objects.count(), CaseTransition.objects.count()) == (2, 1, 2)
    assert Party.objects.filter(name="Acme Produce").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_naming_the_same_new_parties_both_succeed_with_one_of_each_party(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL")
    first, second = (
        written(tmp_path, f"{number}.json", {"format": "imr-case/1", "cases": [open_case(case_number=number)]})
        for number in ("CM26-0000101", "CM26-0000102")
    )

    outcomes = import_both_at_once([first, second])

    assert outcomes == [
        {"done": f"Imported {first}: 1 case created, 0 replaced, 1 disputed item."},
        {"done": f"Imported {second}: 1 case created, 0 replaced, 1 disputed item."},
    ]
    assert sorted(Case.objects.values_list("case_number", flat=True)) == ["CM26-0000101", "CM26-0000102"]
    assert Party.objects.filter(name="Central Valley Packing").count() == 1
    assert Case.objects.filter(employer__name="Central Valley Packing").count() == 2


@pytest.mark.django_db
def test_importing_a_file_again_after_it_was_imported_names_the_existing_case_numbers(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    call_command("import_cases", str(path), stdout=io.StringIO())
    errors = io.StringIO()

    with pytest.raises(CommandError, match=f"Nothing imported: 1 error in {path}."):
        call_command("import_cases", str(path), stderr=errors)

    assert errors.getvalue().splitlines() == [
        "cases[0].case_number: case CM16-0230548 already exists; "
        "import with update (replace existing cases) to replace it"
    ]
    assert (Case.objects.count(), DisputedItem.objects.count(), CaseTransition.objects.count()) == (1, 1, 1)
