"""Import an `imr-case/1` document: check all of it, then save all of it in one transaction, or nothing.

The flow, with each job in its own module: the document is read as a stream (``reading``); one case at a time is
checked against the JSON Schema (``validation``) and then against the rules a schema cannot say (``case_rules``;
case numbers unique in the file and, here, new to the portal or free to replace, ``replacing``) and, while no error has
been found, queued; every ``BATCH`` cases the queue is saved with bulk inserts (``saving``, parties looked up once per
import in ``parties``). Memory stays flat whatever the size of the file: neither the document nor the saved model
instances are kept (the result keeps primary keys). The first error stops the saving, not the checking, so every error
of the file is still reported; the transaction is then rolled back and nothing is saved.

Two imports at once: a case number that another import (or a user) saved after this one checked it is refused with
the number and what happened, never the database's own words; the import is rolled back whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, transaction

from cases.interchange.case_rules import case_errors
from cases.interchange.parties import Parties, named_parties
from cases.interchange.reading import EmptyDocument, Part, parts_of, read_document
from cases.interchange.replacing import lock_existing, refusal, replace_case, work_on
from cases.interchange.saving import CaseNumbers, Pair, insert_cases, new_case, save_items
from cases.interchange.spec import InterchangeError, json_path
from cases.interchange.validation import schema_errors
from cases.models import Case

logger = logging.getLogger(__name__)

BATCH = 500  # cases saved at a time
ERROR_LIMIT = 500
NOT_SAVED = (
    "(document): could not be saved because of a database error (logged for the administrators); nothing was imported"
)


class ImportedCases(Sequence):
    """The cases an import saved, in document order, kept as primary keys: read from the database when used."""

    def __init__(self) -> None:
        self.pks: list[int] = []

    def append(self, case: Case) -> None:
        self.pks.append(case.pk)

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._load(self.pks[index])
        return Case.objects.get(pk=self.pks[index])

    def __iter__(self) -> Iterator[Case]:
        for start in range(0, len(self.pks), 1000):
            yield from self._load(self.pks[start : start + 1000])

    @staticmethod
    def _load(pks: list[int]) -> list[Case]:
        found = Case.objects.in_bulk(pks)
        return [found[pk] for pk in pks if pk in found]


@dataclass
class ImportResult:
    created: ImportedCases = field(default_factory=ImportedCases)
    updated: ImportedCases = field(default_factory=ImportedCases)
    items: int = 0

    @property
    def cases(self) -> list[Case]:
        return [*self.created, *self.updated]

    def summary(self) -> str:
        return (
            f"{len(self.created)} case{'s' * (len(self.created) != 1)} created, "
            f"{len(self.updated)} replaced, {self.items} disputed item{'s' * (self.items != 1)}."
        )


class _Importer:
    """Checks each case as it comes and, while the document has no error, saves the cases a batch at a time."""

    def __init__(self, *, update: bool, by):
        self.update, self.by, self.saving = update, by, True
        self.user = by if by is not None and by.is_authenticated else None
        # (case index, round, order, message): -1 for the document itself; rounds in the order they are reported.
        self.errors: list[tuple[int, int, int, str]] = []
        self.first_seen: dict[str, int] = {}
        self.unchecked: list[tuple[int, str]] = []  # case numbers not looked up in the portal yet
        self.batch: list[tuple[int, dict[str, Any]]] = []
        self.existing: dict[str, Case] = {}  # the batch's cases to replace, locked
        self.creating: dict[str, int] = {}  # the number of each case inserted, and its index in the file
        self.shell: dict[str, Any] = {}
        self.result = ImportResult()
        self.parties = Parties()
        self.numbers = CaseNumbers()

    def error(self, index: int, round_: int, message: str) -> None:
        self.errors.append((index, round_, len(self.errors), message))
        self.saving = False
        self.batch = []
        if len(self.errors) >= ERROR_LIMIT:  # a file this broken is not read to its end
            raise InterchangeError([*self.messages(), f"(document): stopped after {ERROR_LIMIT} errors"])

    def messages(self) -> list[str]:
        return [message for *_, message in sorted(self.errors)]

    def run(self, parts: Iterable[Part]) -> None:
        document_seen = False
        for kind, key, value in parts:
            if kind == "document":
                document_seen = True
                self.document_errors(value)
            elif kind == "key":
                self.shell[key] = value
            elif kind in ("cases", "cases_list"):
                self.shell["cases"] = value if kind == "cases" else []
            else:
                self.case(key, value)
        if not document_seen:
            # The top level (format, unknown keys, cases missing or not a list) against the schema.
            self.document_errors(self.shell)
        self.flush()

    def document_errors(self, document: Any) -> None:
        for path, message in schema_errors(document):
            self.error(-1, 0, f"{json_path(path)}: {message}")

    def case(self, index: int, data: Any) -> None:
        found = schema_errors(data, prefix=["cases", index], part="case")
        for path, message in found:
            self.error(index, 0, f"{json_path(path)}: {message}")
        number = data.get("case_number") if isinstance(data, dict) else None
        if isinstance(number, str):
            self.number_seen(index, number)
        if not found:
            for message in case_errors(index, data):
                self.error(index, 3, message)
        if self.saving:
            self.batch.append((index, data))
        if len(self.unchecked) >= BATCH or len(self.batch) >= BATCH:
            self.flush()

    def number_seen(self, index: int, number: str) -> None:
        if number in self.first_seen:
            first = self.first_seen[number]
            message = f"cases[{index}].case_number: {number} appears twice in the file (also cases[{first}])"
            self.error(index, 1, message)
        else:
            self.first_seen[number] = index
            self.unchecked.append((index, number))

    def flush(self) -> None:
        if self.unchecked:
            self.check_existing({number: index for index, number in self.unchecked})
            self.unchecked = []
        if self.saving and self.batch:
            self.save(self.batch)
        self.batch = []
        self.existing = {}

    def check_existing(self, numbers: dict[str, int]) -> None:
        """Cases the portal already holds: refused without update; with it, refused when they have work on them."""
        if not self.update:
            for number in Case.objects.filter(case_number__in=list(numbers)).values_list("case_number", flat=True):
                self.error(
                    numbers[number],
                    2,
                    f"cases[{numbers[number]}].case_number: case {number} already exists; "
                    "import with update (replace existing cases) to replace it",
                )
            return
        existing = lock_existing(numbers)
        work = work_on(existing.values())
        for number, case in existing.items():
            if case.pk in work:
                self.error(numbers[number], 2, refusal(case, work[case.pk], f"cases[{numbers[number]}]"))
        self.existing = existing

    def save(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        self.parties.load(named for _, data in batch for named in named_parties(data))
        new: list[Pair] = []
        replaced: list[Pair] = []
        for index, data in batch:
            case = self.existing.get(data.get("case_number"))
            if case is not None:
                replaced.append((replace_case(case, data, self.parties, by=self.by, at=f"cases[{index}]"), data))
                continue
            case = new_case(data, self.parties, self.numbers, user=self.user)
            self.creating[case.case_number] = index
            new.append((case, data))
        new = insert_cases(new, user=self.user)
        self.numbers.save()
        self.parties.save_moves()
        self.result.items += save_items(new + replaced)
        for case, _ in new:
            self.result.created.append(case)
        for case, _ in replaced:
            self.result.updated.append(case)

    def taken_meanwhile(self) -> list[str]:
        """After a rollback: the numbers this import meant to create that exist now, saved by someone else while it
        ran (after it had checked them), each at its path."""
        numbers = list(self.creating)
        taken: list[str] = []
        for start in range(0, len(numbers), 5000):
            chunk = numbers[start : start + 5000]
            taken.extend(Case.objects.filter(case_number__in=chunk).values_list("case_number", flat=True))
        return [
            f"cases[{self.creating[number]}].case_number: case {number} already exists: it was saved by someone "
            "else while this import was running; nothing was imported"
            for number in sorted(taken, key=self.creating.__getitem__)
        ]


def import_stream(source: IO | bytes | str, *, update: bool = False, by=None) -> ImportResult:
    """Import an `imr-case/1` document read from a file, an upload or bytes, as a stream, all or nothing.

    Raises InterchangeError listing every problem, each with its JSON path, and saves nothing then. A case whose
    number exists is refused unless ``update``, which replaces it if nobody has worked on it (``replacing``). A case
    without a number gets the next one.
    """
    try:
        return _import(read_document(source), update=update, by=by)
    except EmptyDocument:
        raise InterchangeError(["(document): is not JSON: the document is empty"]) from None


def import_document(data: Any, *, update: bool = False, by=None) -> ImportResult:
    """Import a parsed `imr-case/1` document, all or nothing (as ``import_stream``)."""
    return _import(parts_of(data), update=update, by=by)


def _import(parts: Iterable[Part], *, update: bool, by) -> ImportResult:
    importer = _Importer(update=update, by=by)
    try:
        with transaction.atomic():
            importer.run(parts)
            if importer.errors:
                raise InterchangeError(importer.messages())
    except IntegrityError:
        # Rolled back. Most likely a case number saved by someone else since it was checked; anything else is logged.
        taken = importer.taken_meanwhile()
        if not taken:
            logger.exception("An import could not be saved")
        raise InterchangeError(taken or [NOT_SAVED]) from None
    except DatabaseError:
        logger.exception("An import could not be saved")
        raise InterchangeError([NOT_SAVED]) from None
    return importer.result
