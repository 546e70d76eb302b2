"""Generated cases at volume, for benchmarks and load tests (``manage.py generate_cases --count N``).

Each case is a variation of one of the real published determinations in ``devtools/demo/data/published-cases.json``:
its disputed items (descriptions, UR outcome, the claims administrator's basis, the reviewer's decision, basis and
rationale), its clinical case summary (which also gives the page texts of the records) and the reviewer's published
credentials are taken from the real cases, and mixed; the parties (employers, claims administrators, law firms,
provider groups and physicians, kept once in ``core.Party`` as the portal does), the injured workers, claim numbers
and dates are made up. Every state of the lifecycle is present, with what a case in that state has:

============================  ===========================================================================
state                         rows besides the case, its items, its documents and its timeline
============================  ===========================================================================
received … records_received   none (records_received: the medical records document too)
assigned                      an offered assignment
in_review                     an accepted assignment and a draft (one in five: v1 returned by QA, v2 draft)
qa                            an accepted assignment and a submitted determination
determined                    a completed assignment and an approved determination (some letters generating)
letter_signed / served        both signed letters (parties' and public copy); served: a service row
closed                        an approved determination (historical, as the published cases are imported)
ineligible/withdrawn/term.    the reason or the timeline entry only
============================  ===========================================================================

Documents and letters are rows only: no PDF is written to disk (``file`` names a path that does not exist). The case
list, the case page, the workspace, the QA queue and the letter center show them from their rows (the pages the
benchmarks measure); page texts are stored, so searching within the records works. Opening a generated document's
PDF answers 404 (the view's "file not found"); downloading a generated letter fails (the letter views expect the
signed file to exist), so benchmarks do not download letters.

The rows are made as lines of ``COPY`` text with primary keys computed here (``Maker``: what is the same for many
rows, a published item's texts, a summary cut into pages, a state's timeline, is rendered once; per row only keys,
dates and names are formatted). On PostgreSQL they are made in a forked child process and written by PostgreSQL
``COPY`` (psycopg 3 ``cursor.copy``) in this one, Python and PostgreSQL each on a core; elsewhere (SQLite) made
here and written by ``executemany`` of plain INSERTs. All in one transaction. When the tables hold fewer cases than
are asked for, their secondary indexes and unique constraints are dropped first and made again at the end, from
their definitions in the catalog, in the same transaction (an index is built once faster than kept up to date row
by row; on an error everything is rolled back, indexes included). Sequences are moved past the keys used, and the
case number sequence past the numbers used, so the portal's own intake goes on as before.
"""

from __future__ import annotations

import contextlib
import enum
import json
import multiprocessing
import os
import pickle
import random
import re
import secrets
import struct
import time
import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from cases import clock
from cases.lifecycle import Status
from cases.models import (
    Assignment,
    Case,
    CaseDocument,
    CaseNumberSequence,
    CaseStateCount,
    CaseTransition,
    Determination,
    DisputedItem,
    ItemDecision,
)
from core import roles
from core.categories import Category
from core.models import Party
from letters.models import Letter, Service
from operations import models as operations_figures

PUBLISHED_CASES = Path(__file__).with_name("demo") / "data" / "published-cases.json"
GENERATED_USER_PREFIX = "gen-"
CHUNK = 2000  # cases made and written at a time

# The share of generated cases in each state: years of cases, most of them decided and served.
STATE_WEIGHTS = {
    Status.RECEIVED: 3,
    Status.ELIGIBLE: 3,
    Status.INELIGIBLE: 2,
    Status.RECORDS_REQUESTED: 3,
    Status.RECORDS_RECEIVED: 3,
    Status.ASSIGNED: 3,
    Status.IN_REVIEW: 6,
    Status.QA: 3,
    Status.DETERMINED: 2,
    Status.LETTER_SIGNED: 10,
    Status.SERVED: 50,
    Status.WITHDRAWN: 3,
    Status.TERMINATED: 2,
    Status.CLOSED: 7,
}
_MAIN_PATH = [
    Status.RECEIVED,
    Status.ELIGIBLE,
    Status.RECORDS_REQUESTED,
    Status.RECORDS_RECEIVED,
    Status.ASSIGNED,
    Status.IN_REVIEW,
    Status.QA,
    Status.DETERMINED,
    Status.LETTER_SIGNED,
    Status.SERVED,
]
# The states a case went through to reach each state (the timeline).
PATHS = {state: _MAIN_PATH[: _MAIN_PATH.index(state) + 1] for state in _MAIN_PATH}
PATHS[Status.INELIGIBLE] = [Status.RECEIVED, Status.INELIGIBLE]
PATHS[Status.WITHDRAWN] = [Status.RECEIVED, Status.ELIGIBLE, Status.WITHDRAWN]
PATHS[Status.TERMINATED] = [Status.RECEIVED, Status.ELIGIBLE, Status.RECORDS_REQUESTED, Status.TERMINATED]
PATHS[Status.CLOSED] = [Status.CLOSED]

_ASSIGNED_OR_LATER = set(_MAIN_PATH[_MAIN_PATH.index(Status.ASSIGNED) :])
_DECIDED = {Status.DETERMINED, Status.LETTER_SIGNED, Status.SERVED, Status.CLOSED}
_WITH_RECORDS = set(_MAIN_PATH[_MAIN_PATH.index(Status.RECORDS_RECEIVED) :]) | {Status.CLOSED}


def _words(text: str, separator: str = " ") -> list[str]:
    return text.split(separator)


FIRST_NAMES = _words(
    "Maria Jose Juan Luis Ana Carlos Rosa Jesus Miguel Linda James Robert Patricia Michael Jennifer David Elizabeth "
    "William Susan Richard Karen Thomas Nancy Daniel Lisa Anthony Sandra Mark Ashley Steven Kimberly Paul Donna "
    "Andrew Emily Joshua Michelle Kevin Carol Brian Amanda Ramon Guadalupe Francisco Veronica Nguyen Mei Wei Priya"
)
LAST_NAMES = _words(
    "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz Smith "
    "Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White "
    "Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Nguyen Tran Chen Wang Kim Patel Singh Cruz"
)
CITIES = [
    ("Los Angeles", "900"),
    ("San Diego", "921"),
    ("San Jose", "951"),
    ("Fresno", "937"),
    ("Sacramento", "958"),
    ("Long Beach", "908"),
    ("Oakland", "946"),
    ("Bakersfield", "933"),
    ("Anaheim", "928"),
    ("Riverside", "925"),
    ("Stockton", "952"),
    ("Salinas", "939"),
]
STREETS = _words("Main Oak Pine Maple Cedar Elm Mission Harbor Valley Sunset Broadway Central Lincoln Olive Vine")
_FIRM_WORDS = _words(
    "Pacific Golden Western Sierra Coastal Valley Central Summit Bay Redwood Mission Harbor Sunrise Delta Inland "
    "Cascade Premier United Allied Evergreen"
)
_EMPLOYER_KINDS = _words(
    "Freight Lines|Foods|Construction|Health System|Unified School District|Logistics|Farms|Packing Co.|Hotels|"
    "Manufacturing|Retail Group|Security Services|Transit Authority|Medical Center|Warehousing",
    "|",
)
_INSURER_KINDS = _words(
    "Insurance Company|Claims Services|Risk Management|Mutual Insurance|Casualty|Comp Solutions",
    "|",
)
_LAW_KINDS = _words(
    "Law Group|& Associates|Injury Lawyers|Legal, APC|Workers' Rights Law",
    "|",
)
_GROUP_KINDS = _words(
    "Orthopedic Group|Pain Management|Spine Institute|Medical Group|Physical Medicine|Sports Medicine",
    "|",
)
SPECIALTIES = _words(
    "Orthopedic Surgery|Physical Medicine and Rehabilitation|Pain Medicine|Family Medicine|Internal Medicine|"
    "Neurology|Chiropractic|Psychiatry|Anesthesiology|Occupational Medicine",
    "|",
)
DIAGNOSES = [
    ("M54.16", "Radiculopathy, lumbar region"),
    ("M54.2", "Cervicalgia"),
    ("M51.26", "Other intervertebral disc displacement, lumbar region"),
    ("M75.101", "Unspecified rotator cuff tear or rupture of right shoulder, not specified as traumatic"),
    ("M25.561", "Pain in right knee"),
    ("G56.01", "Carpal tunnel syndrome, right upper limb"),
    ("S16.1XXA", "Strain of muscle, fascia and tendon at neck level, initial encounter"),
    ("S39.012A", "Strain of muscle, fascia and tendon of lower back, initial encounter"),
    ("M79.7", "Fibromyalgia"),
    ("F43.10", "Post-traumatic stress disorder, unspecified"),
    ("M17.11", "Unilateral primary osteoarthritis, right knee"),
    ("G89.29", "Other chronic pain"),
]
# Words of an item's description and the treatment category they suggest.
_CATEGORY_WORDS = [
    (("mri", "x-ray", "ct ", "emg", "ncv", "ultrasound", "scan", "test", "screen", "study"), Category.DIAGNOSTIC),
    (("injection", "block", "epidural", "ablation"), Category.INJECTIONS),
    (("therapy", "chiropractic", "acupuncture", "sessions", "physical"), Category.THERAPIES),
    (("surgery", "arthroscop", "fusion", "release", "repair", "-ectomy", "decompression"), Category.SURGERY),
    (("consult", "evaluation", "follow-up", "visit", "referral"), Category.EVALUATION),
    (("brace", "unit", "tens", "cane", "chair", "cushion", "pillow", "mattress"), Category.DME),
    (("mg", "tablet", "cream", "patch", "gel", "capsule", "#"), Category.PHARMACEUTICALS),
    (("program", "restoration"), Category.PROGRAMS),
    (("psych", "cognitive", "behavioral"), Category.PSYCHOLOGICAL),
    (("home health", "home care", "aide"), Category.HOME_HEALTH),
    (("transportation",), Category.TRANSPORTATION),
]


def guess_category(description: str) -> str:
    text = description.lower()
    for words, category in _CATEGORY_WORDS:
        if any(word in text for word in words):
            return category
    return Category.OTHER


@dataclass
class Pools:
    """What the generated cases are made from: the real published cases' texts, and the parties."""

    items: list[dict] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    credentials: list[str] = field(default_factory=list)
    ages: list[tuple] = field(default_factory=list)
    diagnoses: list[tuple] = field(default_factory=list)
    employers: list[int] = field(default_factory=list)
    claims_administrators: list[tuple] = field(default_factory=list)  # (pk, name)
    law_firms: list[int] = field(default_factory=list)
    physicians: list[tuple] = field(default_factory=list)  # (pk, specialty)


def load_published() -> list[dict]:
    return json.loads(PUBLISHED_CASES.read_text(encoding="utf-8"))["cases"]


def _pools(rng: random.Random) -> Pools:
    published = load_published()
    pools = Pools()
    for case in published:
        for item in case["items"]:
            item = dict(item)
            item["category"] = item["category"] or guess_category(item["description"])
            item["_basis"] = json.dumps(item["claims_administrator_basis"] or {})
            decision = item.get("determination") or {}
            item["_decision"] = decision.get("decision", "upheld")
            item["_decision_basis"] = json.dumps(decision.get("basis") or {"mtus": [], "non_mtus": []})
            item["_basis_none"] = not (decision.get("basis") or {}).get("mtus") and not (
                decision.get("basis") or {}
            ).get("non_mtus")
            item["_rationale"] = decision.get("rationale", "")
            pools.items.append(item)
        if case["clinical_case_summary"]:
            pools.summaries.append(case["clinical_case_summary"])
        if case["reviewer"]:
            pools.credentials.append(json.dumps(case["reviewer"]))
        pools.ages.append((case["employee"]["age"], case["employee"]["sex"]))
    pools.diagnoses = list(DIAGNOSES)  # valid ICD-10-CM codes (tests/devtools/test_generate.py checks them)
    _make_parties(pools, rng)
    return pools


def _party_names(rng: random.Random, kinds: list[str], count: int) -> list[str]:
    names: list[str] = []
    seen = set()
    while len(names) < count:
        name = f"{rng.choice(_FIRM_WORDS)} {rng.choice(_FIRM_WORDS)} {rng.choice(kinds)}"
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def _ensure_parties(kind: str, names: list[str], **extra) -> dict[str, Party]:
    """The parties of that kind and names, made when missing (kept once, as intake does)."""
    existing = {party.name.lower(): party for party in Party.objects.filter(kind=kind)}
    missing = [Party(kind=kind, name=name, **extra) for name in names if name.lower() not in existing]
    Party.objects.bulk_create(missing, batch_size=1000)
    if missing and missing[0].pk is None:  # a database that does not return keys from a bulk insert
        existing = {party.name.lower(): party for party in Party.objects.filter(kind=kind)}
    else:
        existing.update({party.name.lower(): party for party in missing})
    return {name: existing[name.lower()] for name in names}


def _make_parties(pools: Pools, rng: random.Random) -> None:
    pools.employers = [p.pk for p in _ensure_parties("employer", _party_names(rng, _EMPLOYER_KINDS, 400)).values()]
    pools.claims_administrators = [
        (p.pk, p.name) for p in _ensure_parties("claims_administrator", _party_names(rng, _INSURER_KINDS, 60)).values()
    ]
    pools.law_firms = [p.pk for p in _ensure_parties("law_firm", _party_names(rng, _LAW_KINDS, 80)).values()]
    groups = list(_ensure_parties("provider_group", _party_names(rng, _GROUP_KINDS, 120)).values())
    physician_names = []
    seen = set()
    while len(physician_names) < 600:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, {rng.choice(['MD', 'MD', 'DO', 'DC'])}"
        if name.lower() not in seen:
            seen.add(name.lower())
            physician_names.append(name)
    physicians = _ensure_parties("physician", physician_names)
    updated = []
    for number, party in enumerate(physicians.values()):
        if party.organization_id is None:
            party.organization = groups[number % len(groups)]
            party.specialty = SPECIALTIES[number % len(SPECIALTIES)]
            updated.append(party)
    Party.objects.bulk_update(updated, ["organization", "specialty"], batch_size=1000)
    pools.physicians = [(p.pk, p.specialty or SPECIALTIES[0]) for p in physicians.values()]


CASES_PER_REVIEWER = 170  # ~15 open cases each (9% of cases are with a reviewer), as a real roster's capacity


def generated_users(reviewers: int = 12) -> dict:
    """The users generated cases are given to: the reviewers of the portal that have a profile (demo ones
    included), topped up to ``reviewers`` with ``gen-reviewer-NNNN`` (made in bulk, with a profile); a QA member,
    made when missing."""
    from reviewers.models import ReviewerProfile

    user_model = get_user_model()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ALL_ROLES}
    found = list(
        user_model.objects.filter(groups__name=roles.REVIEWER, reviewer_profile__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(found) < reviewers:
        taken = set(
            user_model.objects.filter(username__startswith=f"{GENERATED_USER_PREFIX}reviewer-").values_list(
                "username", flat=True
            )
        )
        names = [f"{GENERATED_USER_PREFIX}reviewer-{number:04d}" for number in range(1, 10 * reviewers + 1)]
        names = [name for name in names if name not in taken][: reviewers - len(found)]
        users = [
            user_model(
                username=name,
                first_name=rng_name(number)[0],
                last_name=rng_name(number)[1],
                password="!",  # unusable: generated reviewers never log in with a password
            )
            for number, name in enumerate(names, start=len(taken) + 1)
        ]
        user_model.objects.bulk_create(users)
        users = list(user_model.objects.filter(username__in=names))
        user_model.groups.through.objects.bulk_create(
            [user_model.groups.through(user_id=user.pk, group_id=groups[roles.REVIEWER].pk) for user in users]
        )
        ReviewerProfile.objects.bulk_create(
            [
                ReviewerProfile(user=user, weekly_practice_hours=30, capacity=15, practice_started=date(2005, 1, 1))
                for user in users
            ]
        )
        found += [user.pk for user in users]
    qa = user_model.objects.filter(groups__name=roles.QA).order_by("pk").first()
    if qa is None:
        qa, _ = user_model.objects.get_or_create(username=f"{GENERATED_USER_PREFIX}qa")
        qa.groups.add(groups[roles.QA])
    return {"reviewers": found, "qa": qa.pk}


def rng_name(number: int) -> tuple[str, str]:
    return FIRST_NAMES[number * 7 % len(FIRST_NAMES)], LAST_NAMES[number * 11 % len(LAST_NAMES)]


# -- writing rows ------------------------------------------------------------------------------------------------

NULL = "\\N"  # COPY's text format


def _copy_text(text: str) -> str:
    """A text as a COPY field (text format): backslash, tab, newline and carriage return escaped."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
_ESCAPED = re.compile(r"\\[\\tnr]")


def _from_copy_text(field_text: str):
    if field_text == NULL:
        return None
    if "\\" in field_text:
        return _ESCAPED.sub(lambda match: _UNESCAPES[match.group()], field_text)
    return field_text


def _render(value, model_field: models.Field) -> str:
    """A constant value as a COPY field."""
    if value is None:
        return NULL
    if isinstance(model_field, models.JSONField):
        return _copy_text(json.dumps(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, enum.Enum):
        value = value.value
    return _copy_text(str(value))


class Table:
    """The rows of one model, made as lines of COPY text: the columns the generator gives (``given``, in that order),
    then the others, whose value is the same for every row (``constants``, already COPY text, else the field's
    default, NULL or an empty text)."""

    def __init__(self, model: type[models.Model], given: str, constants: dict[str, str] | None = None):
        self.model = model
        constants = constants or {}
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        self.given = given.split()
        rest, tail = [], []
        for f in model._meta.concrete_fields:
            if f.attname in self.given:
                continue
            if f.attname in constants:
                value = constants[f.attname]
            elif f.has_default() and not callable(f.default):
                value = _render(f.get_default(), f)
            elif f.null:
                value = NULL
            elif f.blank and isinstance(f, (models.CharField, models.TextField)):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.attname} is NOT NULL and the generator gives no value")
            rest.append(f)
            tail.append(value)
        self.fields = [by_name[name] for name in self.given] + rest
        self.columns = [f.column for f in self.fields]
        self.tail = "".join("\t" + value for value in tail) + "\n"  # ends every line
        self.next_id = 1

    def start_ids(self) -> None:
        top = self.model.objects.aggregate(top=models.Max("pk"))["top"]
        self.next_id = (top or 0) + 1

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    def write(self, data: bytes) -> None:
        """Write lines of COPY text (``data``, UTF-8): by COPY on PostgreSQL, else by plain INSERTs."""
        if not data:
            return
        table = connection.ops.quote_name(self.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Django's database errors (IntegrityError...), as for its own queries.
                with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write(data)
                return
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self._values(data))

    def _values(self, data: bytes) -> list[list]:
        """COPY text back to values as SQLite stores them through Django (naive UTC datetimes, 0/1)."""
        kinds = [
            "bool" if isinstance(f, models.BooleanField) else "datetime" if isinstance(f, models.DateTimeField) else ""
            for f in self.fields
        ]
        rows = []
        for line in data.decode().split("\n")[:-1]:
            values = [_from_copy_text(text) for text in line.split("\t")]
            for number, kind in enumerate(kinds):
                if values[number] is None or not kind:
                    continue
                values[number] = int(values[number] == "t") if kind == "bool" else values[number].removesuffix("+00")
            rows.append(values)
        return rows

    def move_sequence(self) -> None:
        if connection.vendor == "postgresql":
            table = self.db_table
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def make_tables() -> list[Table]:
    """The tables generated cases are written to, in the order they are written (a row's keys point backwards)."""
    return [
        Table(
            Case,
            # track = the priority: generated items name no formulary drug (cases.clock.track_for).
            "id case_number priority track status claim_number date_of_injury ur_determination_date "
            "application_received assigned_date records_requested records_received decision_date due_date "
            "employee_name employee_date_of_birth employee_age employee_sex employee_address employer_id "
            "claims_administrator_id adjuster_name employee_attorney_id attorney_name requesting_provider_id "
            "provider_specialty diagnosis icd10_code ineligible_reason reviewer_id reviewer_credentials "
            "created_at updated_at",
            {
                "records_request_method": "electronic",
                "application_signed": "t",
                "ur_decision_service_method": "mail",
                "liability_disputed": "f",
                "eligibility_override": "",
            },
        ),
        Table(
            DisputedItem,
            "id case_id position description category ur_outcome original_request authorized "
            "claims_administrator_basis",
        ),
        Table(
            CaseDocument,
            "id case_id kind title document_date file original_name size sha256 page_count page_texts uploaded_at",
            {"author": ""},
        ),
        Table(CaseTransition, "id case_id at from_status to_status note"),
        Table(
            Assignment,
            "id case_id reviewer_id state offered_at responded_at attestation_text attested_at ended_at "
            "previous_status",
            {"via": "page"},
        ),
        Table(
            Determination,
            "id case_id version state clinical_case_summary author_id revision created_at updated_at saved_by_id "
            "based_on_id origin submitted_at qa_by_id qa_at qa_comment",
        ),
        Table(
            ItemDecision,
            "id determination_id item_id decision basis basis_none rationale",
            {"qa_comment": "", "guideline_refs": "[]"},
        ),
        Table(
            Letter,
            "id case_id determination_id rendition state file sha256 size page_count certificate_fingerprint "
            "signed_at approved_by_id approved_at verification_code created_at served",
            {"version": "1", "timestamped": "f"},
        ),
        Table(
            Service,
            "id letter_id served_on method at",
            {"recipients": _copy_text('["Injured worker", "Claims administrator", "Requesting provider"]')},
        ),
    ]


# -- the cases ---------------------------------------------------------------------------------------------------


@dataclass
class Result:
    cases: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    indexes_rebuilt: int = 0
    # Where the time went, in seconds: "making rows" (Python, in the child process when there is one), "waiting for
    # rows" (the writer idle), writing each table, dropping and making the indexes again.
    seconds: dict[str, float] = field(default_factory=dict)

    def spent(self, what: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[what] = self.seconds.get(what, 0.0) + now - since
        return now


class _Days(dict):
    """Day ordinal -> ISO date (``None`` -> NULL), made once per day."""

    def __missing__(self, ordinal):
        if ordinal is None:
            return NULL
        text = self[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


# A time of day, in minutes, as COPY text of a UTC time ("HH:MM:00+00").
_CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}:00+00" for minute in range(1440)]
DAY_MINUTES = 1440


def _pages(summary: str, count: int) -> list[str]:
    """A summary cut into ``count`` pages of records text (each sentence once)."""
    sentences = [s.strip() for s in summary.split(". ") if s.strip()]
    count = min(len(sentences), count) or 1
    size = max(1, len(sentences) // count)
    return [". ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)][:count] or [summary]


class Maker:
    """Makes the rows of generated cases as COPY text, a chunk of cases at a time. Everything that is the same for
    many rows (a published item's texts and JSON, a summary cut into pages, a state's timeline) is rendered once
    here; per row only keys, dates and names are formatted. Runs in a child process when it can (``fork``): it
    needs no database, only what is given here."""

    def __init__(
        self, tables: list[Table], pools: Pools, users: dict, rng: random.Random, numbers: dict, today: date, high: int
    ):
        self.tables = tables
        self.rng = rng
        self.numbers = numbers
        self.today = today.toordinal()
        self.high = high
        self.ids = [table.next_id for table in tables]
        self.tails = [table.tail for table in tables]
        self.reviewers = list(users["reviewers"])
        self.qa = str(users["qa"])
        # Random hex (document and letter hashes, verification codes) differs between runs, even of the same seed:
        # verification codes are unique in the database.
        self.token = random.Random(secrets.randbits(128)).getrandbits
        self.items = []
        for item in pools.items:
            text = "\t".join(
                _copy_text(value)
                for value in (
                    item["description"],
                    item["category"],
                    item["ur_outcome"],
                    item["original_request"] or "",
                    item["authorized"] or "",
                    item["_basis"],
                )
            )
            decision = "\t".join(
                [
                    _copy_text(item["_decision"]),
                    _copy_text(item["_decision_basis"]),
                    "t" if item["_basis_none"] else "f",
                    _copy_text(item["_rationale"]),
                ]
            )
            self.items.append((text, decision))
        self.summaries = []
        for summary in pools.summaries:
            cuts = {}
            for count in (2, 3, 4):
                pages = _pages(summary, count)
                cuts[count] = (len(pages), _copy_text(json.dumps(pages)))
            self.summaries.append((_copy_text(summary), cuts))
        self.credentials = [_copy_text(text) for text in pools.credentials]
        self.ages = pools.ages
        self.employers = [str(pk) for pk in pools.employers]
        self.insurers = [(str(pk), _copy_text(name), name[:3].upper()) for pk, name in pools.claims_administrators]
        self.law_firms = [str(pk) for pk in pools.law_firms]
        self.physicians = [(str(pk), _copy_text(specialty)) for pk, specialty in pools.physicians]
        self.diagnoses = [(code, _copy_text(name)) for code, name in pools.diagnoses]
        self.timelines = {}
        for state, path in PATHS.items():
            previous, steps = "", []
            for step, to_status in enumerate(path):
                note = "Imported (imr-case/1)." if to_status == Status.CLOSED else ""
                steps.append((step * DAY_MINUTES, f"{previous}\t{to_status}\t{note}"))
                previous = to_status
            self.timelines[state] = steps
        self.due = {}

    def make(self, statuses: list[str]) -> tuple[list[bytes], list[int]]:
        """The lines of ``statuses``' cases: a COPY text per table, and the number of rows of each."""
        r = self.rng.random
        token = self.token
        today = self.today
        high = self.high
        numbers = self.numbers
        day = _Days()
        clock_text = _CLOCK

        def at(minutes: int) -> str:
            return f"{day[minutes // DAY_MINUTES]} {clock_text[minutes % DAY_MINUTES]}"

        lines = [[] for _ in self.tables]
        cases, items, documents, transitions, assignments, determinations, decisions, letters, services = lines
        t_case, t_item, t_document, t_transition, t_assignment, t_determination, t_decision, t_letter, t_service = (
            self.tails
        )
        case_id, item_id, document_id, transition_id, assignment_id, determination_id, decision_id = self.ids[:7]
        letter_id, service_id = self.ids[7:]
        pool_items, n_items = self.items, len(self.items)
        summaries, n_summaries = self.summaries, len(self.summaries)
        credentials, ages, reviewers = self.credentials, self.ages, self.reviewers
        employers, insurers, law_firms = self.employers, self.insurers, self.law_firms
        physicians, diagnoses, due_cache, qa = self.physicians, self.diagnoses, self.due, self.qa
        n_first, n_last, n_cities, n_streets = len(FIRST_NAMES), len(LAST_NAMES), len(CITIES), len(STREETS)
        for status in statuses:
            decided = status in _DECIDED
            if status == Status.CLOSED:
                received = today - 400 - int(r() * 3201)
            elif decided:
                received = today - 25 - int(r() * 1476)
            else:
                received = today - int(r() * 41)
            priority = "expedited" if r() < 0.05 else "standard"
            received_text = day[received]
            year = int(received_text[:4])
            short_year = year % 100
            number = numbers[short_year] = numbers.get(short_year, 0) + 1
            case_number = f"CM{short_year:02d}-{number:07d}"
            injury = received - 60 - int(r() * 2441)
            ur_date = received - 3 - int(r() * 23)
            # Never after today (manage.py check_dates found records "received" next week on cases received today).
            requested = min(today, received + 1) if status in _REQUESTED else None
            records = min(today, received + 2 + int(r() * 11)) if status in _WITH_RECORDS else None
            key = (priority, received, records)
            if key not in due_cache:
                due = clock.due_date(priority, date.fromordinal(received), records and date.fromordinal(records))
                due_cache[key] = due and due.toordinal()
            due = due_cache[key]
            decision_day = min(today, (due or received) - int(r() * 7)) if decided else None
            age, sex = ages[int(r() * len(ages))]
            age = (age or 22 + int(r() * 43)) - 3 + int(r() * 7)
            first, last = FIRST_NAMES[int(r() * n_first)], LAST_NAMES[int(r() * n_last)]
            city, zip3 = CITIES[int(r() * n_cities)]
            insurer_pk, insurer, insurer3 = insurers[int(r() * len(insurers))]
            physician_pk, specialty = physicians[int(r() * len(physicians))]
            icd10, diagnosis = diagnoses[int(r() * len(diagnoses))]
            reviewer = reviewers[int(r() * len(reviewers))] if status in _ASSIGNED_OR_LATER else None
            attorney = law_firms[int(r() * len(law_firms))] if r() < 0.4 else None
            created = received * DAY_MINUTES + 900 + int(r() * 420)
            created_text = at(created)
            summary, cuts = summaries[int(r() * n_summaries)]
            reviewer_text = NULL if reviewer is None else str(reviewer)
            cases.append(
                f"{case_id}\t{case_number}\t{priority}\t{priority}\t{status}\t{insurer3}{10 + int(r() * 90)}-"
                f"{100000 + int(r() * 900000)}\t{day[injury]}\t{day[ur_date]}\t{received_text}\t{received_text}\t"
                f"{day[requested]}\t{day[records]}\t{day[decision_day]}\t{day[due]}\t{first} {last}\t"
                f"{year - age:04d}-{1 + int(r() * 12):02d}-{1 + int(r() * 28):02d}\t{age}\t"
                f"{sex or ('male' if r() < 0.5 else 'female')}\t"
                f"{100 + int(r() * 9900)} {STREETS[int(r() * n_streets)]} St\\n{city}, CA {zip3}{10 + int(r() * 90)}\t"
                f"{employers[int(r() * len(employers))]}\t{insurer_pk}\t"
                f"{FIRST_NAMES[int(r() * n_first)]} {LAST_NAMES[int(r() * n_last)]}\t{attorney or NULL}\t"
                + (f"{FIRST_NAMES[int(r() * n_first)]} {LAST_NAMES[int(r() * n_last)]}" if attorney else "")
                + f"\t{physician_pk}\t{specialty}\t{diagnosis}\t{icd10}\t"
                + (_INELIGIBLE_REASON if status == Status.INELIGIBLE else "")
                + f"\t{reviewer_text}\t{credentials[int(r() * len(credentials))] if decided else '{}'}\t"
                f"{created_text}\t{created_text}{t_case}"
            )
            # Items, from the real ones.
            case_items = []
            for position in range(1 + int(r() * high)):
                text, decision = pool_items[int(r() * n_items)]
                items.append(f"{item_id}\t{case_id}\t{position}\t{text}{t_item}")
                case_items.append((item_id, decision))
                item_id += 1
            # Documents: the application and the UR decision; the records once received.
            ur_text = day[ur_date]
            papers = [
                ("application", "IMR application", 1, f'["{_APPLICATION_PAGE}{first} {last}."]'),
                (
                    "ur_decision",
                    "UR decision",
                    1,
                    f'["{_UR_PAGE}{ur_text[5:7]}/{ur_text[8:]}/{ur_text[:4]}. {insurer}."]',
                ),
            ]
            if records is not None:
                papers.append(("medical_records", "Medical records", *cuts[2 + int(r() * 3)]))
            for kind, title, count, pages in papers:
                sha = f"{token(256):064x}"
                documents.append(
                    f"{document_id}\t{case_id}\t{kind}\t{title}\t{received_text}\tcases/{case_number}/{sha[:16]}.pdf\t"
                    f"{kind}.pdf\t{20000 + 4000 * count}\t{sha}\t{count}\t{pages}\t{created_text}{t_document}"
                )
                document_id += 1
            # The timeline.
            for offset, text in self.timelines[status]:
                transitions.append(f"{transition_id}\t{case_id}\t{at(created + offset)}\t{text}{t_transition}")
                transition_id += 1
            if reviewer is not None:
                offered = created + 2 * DAY_MINUTES
                state = _ASSIGNMENT_STATE.get(status, "completed")
                if state == "offered":
                    answered = f"{NULL}\t\t{NULL}"
                else:
                    responded = at(offered + 180)
                    answered = f"{responded}\t{_ATTESTATION}\t{responded}"
                ended = at(decision_day * DAY_MINUTES + 900 + int(r() * 420)) if state == "completed" else NULL
                assignments.append(
                    f"{assignment_id}\t{case_id}\t{reviewer}\t{state}\t{at(offered)}\t{answered}\t{ended}\t"
                    f"{'records_received' if records else 'eligible'}{t_assignment}"
                )
                assignment_id += 1
            if not (decided or status in (Status.IN_REVIEW, Status.QA)):
                case_id += 1
                continue
            # Determinations: a draft, a returned version and its revision, a submitted or an approved one.
            stamp = created + 3 * DAY_MINUTES
            if status == Status.IN_REVIEW:
                if r() < 0.2:
                    versions = (("returned", "reviewer", 1.0), ("draft", "revision", 1.0))
                else:
                    versions = (("draft", "reviewer", r()),)
            elif status == Status.QA:
                versions = (("submitted", "reviewer", 1.0),)
            else:
                versions = (("approved", "reviewer", 1.0),)
            based_on = NULL
            for version, (state, origin, filled) in enumerate(versions, start=1):
                done = state != "draft"
                checked = state in ("returned", "approved")
                if checked:
                    qa_at = at(decision_day * DAY_MINUTES + 900 + int(r() * 420) if decision_day else stamp + 1440)
                else:
                    qa_at = NULL
                determinations.append(
                    f"{determination_id}\t{case_id}\t{version}\t{state}\t{summary if done or filled > 0.3 else ''}\t"
                    f"{reviewer_text}\t{1 + int(r() * 9)}\t{at(stamp)}\t{at(stamp + 120)}\t{reviewer_text}\t"
                    f"{based_on}\t{origin}\t{at(stamp + 120) if done else NULL}\t"
                    f"{qa if checked and status != Status.CLOSED else NULL}\t{qa_at}\t"
                    f"{_QA_COMMENT if state == 'returned' else ''}{t_determination}"
                )
                written = len(case_items) if done else filled * len(case_items)
                for number, (decided_item, decision) in enumerate(case_items):
                    decisions.append(
                        f"{decision_id}\t{determination_id}\t{decided_item}\t"
                        f"{decision if number < written else _NO_DECISION}{t_decision}"
                    )
                    decision_id += 1
                based_on = determination_id
                determination_id += 1
                stamp += 2 * DAY_MINUTES
            # Letters: both signed renditions (the parties' and the public copy), served or not; some generating.
            if status in (Status.LETTER_SIGNED, Status.SERVED) or (status == Status.DETERMINED and r() < 0.3):
                signed = status != Status.DETERMINED
                when = (decision_day or today) * DAY_MINUTES + 900 + int(r() * 420)
                when_text = at(when)
                for rendition in ("parties", "public"):
                    if signed:
                        file = f"{case_number}/{case_number}-{rendition}-v1.pdf\t{token(256):064x}\t"
                        file += f"{40000 + int(r() * 50001)}\t{2 + int(r() * 3)}\t{token(256):064x}\t{when_text}"
                    else:
                        file = f"\t\t{NULL}\t{NULL}\t\t{NULL}"
                    served = status == Status.SERVED and rendition == "parties"
                    letters.append(
                        f"{letter_id}\t{case_id}\t{based_on}\t{rendition}\t{'signed' if signed else 'generating'}\t"
                        f"{file}\t{qa}\t{when_text}\t{token(80):020x}\t{when_text}\t{'t' if served else 'f'}{t_letter}"
                    )
                    if served:
                        services.append(
                            f"{service_id}\t{letter_id}\t{day[min(today, when // DAY_MINUTES + 1)]}\t"
                            f"{_SERVICE_METHODS[int(r() * 3)]}\t{at(when + DAY_MINUTES)}{t_service}"
                        )
                        service_id += 1
                    letter_id += 1
            case_id += 1
        self.ids = [
            case_id,
            item_id,
            document_id,
            transition_id,
            assignment_id,
            determination_id,
            decision_id,
            letter_id,
            service_id,
        ]
        return ["".join(table_lines).encode() for table_lines in lines], [len(table_lines) for table_lines in lines]


_REQUESTED = {state for state, path in PATHS.items() if Status.RECORDS_REQUESTED in path}
_ASSIGNMENT_STATE = {Status.ASSIGNED: "offered", Status.IN_REVIEW: "accepted", Status.QA: "accepted"}
_ATTESTATION = (
    "I have no material professional, familial or financial conflict of interest with any party to this case."
)
_INELIGIBLE_REASON = "The application was filed more than 30 days after service of the UR decision."
_QA_COMMENT = "Please cite the section of the guideline for each item."
_NO_DECISION = "\t{}\tf\t"  # decision, basis, basis_none, rationale of an item not written yet
_SERVICE_METHODS = ("mail", "email", "fax")
_APPLICATION_PAGE = "Application for Independent Medical Review. Employee: "
_UR_PAGE = "Utilization review determination of "


# -- the load ----------------------------------------------------------------------------------------------------


def generate(
    count: int,
    *,
    seed: int = 1,
    items_per_case: float = 10.0,
    today: date | None = None,
    rebuild_indexes: bool | None = None,
) -> Result:
    """Make ``count`` cases (with everything a case in its state has), in one transaction. Returns the counts.

    ``rebuild_indexes``: drop the tables' secondary indexes and unique constraints before writing and make them
    again after, in the same transaction (PostgreSQL; the default when the tables hold fewer cases than ``count``:
    building an index once is cheaper than keeping it up to date row by row)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    result = Result()
    with transaction.atomic():
        pools = _pools(rng)
        users = generated_users(max(12, count // CASES_PER_REVIEWER))
        _session_settings()
        tables = make_tables()
        for table in tables:
            table.start_ids()
        numbers = _case_number_counters()
        chosen = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()), k=count)
        for status in chosen:
            result.states[status] = result.states.get(status, 0) + 1
        maker = Maker(tables, pools, users, rng, numbers, today, max(1, round(2 * items_per_case - 1)))
        if rebuild_indexes is None:
            rebuild_indexes = tables[0].next_id - 1 < count
        started = time.perf_counter()
        rebuilt = _drop_secondary_indexes(tables) if rebuild_indexes else []
        started = result.spent("dropping indexes", started)
        for texts, counts in _chunks(maker, chosen, result):
            started = result.spent("waiting for rows", started)
            for table, data, rows in zip(tables, texts, counts, strict=True):
                table.write(data)
                result.rows[table.model.__name__] = result.rows.get(table.model.__name__, 0) + rows
                started = result.spent(f"writing {table.model.__name__}", started)
        _recreate(rebuilt)
        result.spent("making indexes", started)
        result.indexes_rebuilt = len(rebuilt)
        for table in tables:
            table.move_sequence()
        for year, value in maker.numbers.items():
            CaseNumberSequence.objects.get_or_create(year=year)
            CaseNumberSequence.objects.filter(year=year, last_value__lt=value).update(last_value=value)
        CaseStateCount.rebuild()  # the counting triggers were skipped with the foreign key checks
        operations_figures.rebuild()  # so were the triggers of the operations figures
    result.cases = count
    return result


def _chunks(maker: Maker, chosen: list[str], result: Result):
    """The chunks of rows of ``chosen``'s cases. On PostgreSQL they are made in a child process (forked: it has
    everything ``maker`` needs and uses no database) while this one writes the previous chunks: Python and
    PostgreSQL each on a core. One transaction, on this process's connection. Elsewhere, made here."""
    if connection.vendor != "postgresql" or "fork" not in multiprocessing.get_all_start_methods():
        for start in range(0, len(chosen), CHUNK):
            started = time.perf_counter()
            chunk = maker.make(chosen[start : start + CHUNK])
            result.spent("making rows", started)
            yield chunk
        return
    # The rows come through a pipe as they are, each table's text of a chunk after a header (table, bytes, rows):
    # no pickling, one copy. The child runs a chunk ahead of the writes.
    import fcntl  # Unix, as fork

    reading, writing = os.pipe()
    for end in (reading, writing):
        with contextlib.suppress(OSError):  # a bigger pipe (Linux): fewer switches between the processes
            fcntl.fcntl(end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    child = multiprocessing.get_context("fork").Process(
        target=_produce, args=(maker, chosen, reading, writing), name="generate_cases", daemon=True
    )
    child.start()
    os.close(writing)
    tables = len(maker.tables)
    try:
        with os.fdopen(reading, "rb") as pipe:
            texts, counts = [], []
            while True:
                header = pipe.read(_HEADER.size)
                if len(header) < _HEADER.size:
                    child.join()
                    raise RuntimeError(f"generate_cases: the process making rows ended (exit code {child.exitcode})")
                kind, size, rows = _HEADER.unpack(header)
                payload = pipe.read(size)
                if kind == _ERROR:
                    raise RuntimeError(f"generate_cases: making rows failed:\n{payload.decode()}")
                if kind == _DONE:
                    maker.numbers, result.seconds["making rows"] = pickle.loads(payload)
                    break
                texts.append(payload)
                counts.append(rows)
                if len(texts) == tables:
                    yield texts, counts
                    texts, counts = [], []
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()


_HEADER = struct.Struct("<BQQ")  # table (or _DONE, _ERROR), bytes that follow, rows
_DONE, _ERROR = 254, 255


def _produce(maker: Maker, chosen: list[str], reading: int, writing: int) -> None:
    """The child process: every chunk of rows, then the case number counters and its time (or the error)."""
    os.close(reading)
    with os.fdopen(writing, "wb") as pipe:
        try:
            making = 0.0
            for start in range(0, len(chosen), CHUNK):
                started = time.perf_counter()
                texts, counts = maker.make(chosen[start : start + CHUNK])
                making += time.perf_counter() - started
                for table, (data, rows) in enumerate(zip(texts, counts, strict=True)):
                    pipe.write(_HEADER.pack(table, len(data), rows))
                    pipe.write(data)
            done = pickle.dumps((maker.numbers, making))
            pipe.write(_HEADER.pack(_DONE, len(done), 0) + done)
        except BrokenPipeError:  # the parent stopped reading (its own error): nothing to tell
            pass
        except BaseException:
            error = traceback.format_exc().encode()
            pipe.write(_HEADER.pack(_ERROR, len(error), 0) + error)


def _session_settings() -> None:
    """On PostgreSQL, for this transaction only: as a superuser, skip the foreign key triggers (as ``pg_restore
    --disable-triggers`` does: every key written here points at a row written here or read before; checking
    millions of keys at commit would take longer than writing them; anyone else gets the checks); compress WAL and
    TOAST with lz4, do not wait for the commit's WAL flush, and give index builds memory and parallel workers."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL wal_compression = lz4")
        cursor.execute("SET LOCAL default_toast_compression = lz4")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


@dataclass
class _Index:
    table: str  # quoted, as regclass prints it
    name: str  # the index's, as regclass prints it
    constraint: str  # the unique or exclusion constraint the index is, else ""
    definition: str  # pg_get_constraintdef of the constraint, else pg_get_indexdef

    def drop(self) -> str:
        if self.constraint:
            return f"ALTER TABLE {self.table} DROP CONSTRAINT {connection.ops.quote_name(self.constraint)}"
        return f"DROP INDEX {self.name}"

    def create(self) -> str:
        if self.constraint:
            name = connection.ops.quote_name(self.constraint)
            return f"ALTER TABLE {self.table} ADD CONSTRAINT {name} {self.definition}"
        return self.definition


# An index is dropped and made again only when its definition says everything about it: not a primary key (foreign
# keys of other tables point at them), no foreign key depends on it, no comment, not the table's CLUSTER index, no
# statistics target of its own on a column. The others stay, kept up to date row by row.
_SECONDARY_INDEXES = """
SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, COALESCE(con.conname, ''),
       COALESCE(pg_get_constraintdef(con.oid), pg_get_indexdef(i.indexrelid)), i.indisunique
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype = 'u'
WHERE i.indrelid = ANY(%s::regclass[])
  AND NOT i.indisprimary AND i.indisvalid AND NOT i.indisclustered
  AND (con.oid IS NOT NULL OR NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid))
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
  AND obj_description(i.indexrelid, 'pg_class') IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget > 0)
  AND pg_has_role(t.relowner, 'USAGE')
ORDER BY i.indrelid, i.indexrelid
"""


def _drop_secondary_indexes(tables: list[Table]) -> list[_Index]:
    """Drop the tables' secondary indexes and unique constraints (PostgreSQL), returning them as the catalog
    defines them, to be made again by ``_recreate`` in the same transaction (DDL is transactional: on an error
    everything is rolled back, indexes included).

    An index is dropped only if its definition, as ``pg_get_indexdef`` prints it, makes the same index again:
    it does not always (``status IN (...)`` of varchar columns is stored as ``= ANY (ARRAY[...])`` with casts
    that print differently when parsed again, and a query's ``IN`` would no longer match the index). Each one is
    tried first on an empty copy of its table; those that come out different are kept."""
    if connection.vendor != "postgresql":
        return []
    indexes = []
    with connection.cursor() as cursor:
        cursor.execute(_SECONDARY_INDEXES, [[table.db_table for table in tables]])
        rows = cursor.fetchall()
        probes = set()
        for table, name, constraint, definition, unique in rows:
            if not constraint:
                if table not in probes:
                    probes.add(table)
                    cursor.execute("DROP TABLE IF EXISTS pg_temp.generate_probe")
                    cursor.execute(f"CREATE TEMP TABLE generate_probe (LIKE {table})")
                method = definition.split(" USING ", 1)[1]
                cursor.execute(
                    f"CREATE {'UNIQUE ' if unique else ''}INDEX generate_probe_index ON pg_temp.generate_probe "
                    f"USING {method}"
                )
                cursor.execute("SELECT pg_get_indexdef('pg_temp.generate_probe_index'::regclass)")
                same = cursor.fetchone()[0].split(" USING ", 1)[1] == method
                cursor.execute("DROP INDEX pg_temp.generate_probe_index")
                if not same:
                    continue
            indexes.append(_Index(table, name, constraint, definition))
        cursor.execute("DROP TABLE IF EXISTS pg_temp.generate_probe")
        for index in indexes:
            cursor.execute(index.drop())
    return indexes


def _recreate(indexes: list[_Index]) -> None:
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(index.create())


def _case_number_counters() -> dict[int, int]:
    """The last number used per two-digit year, by the sequence or by any case (imported ones included)."""
    counters = dict(CaseNumberSequence.objects.values_list("year", "last_value"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUBSTR(case_number, 3, 2), MAX(SUBSTR(case_number, 6)) FROM cases_case "
            "GROUP BY SUBSTR(case_number, 3, 2)"
        )
        for year, top in cursor.fetchall():
            counters[int(year)] = max(counters.get(int(year), 0), int(top))
    return counters
