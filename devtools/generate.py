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

The rows are written with primary keys computed here, by PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``) or, on
another database, by ``executemany`` of plain INSERTs, all in one transaction. Sequences are moved past the keys
used, and the case number sequence past the numbers used, so the portal's own intake goes on as before.
"""

from __future__ import annotations

import json
import queue
import random
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
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

PUBLISHED_CASES = Path(__file__).with_name("demo") / "data" / "published-cases.json"
GENERATED_USER_PREFIX = "gen-"
CHUNK = 5000  # cases made and written at a time

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


class Table:
    """The rows of one model, as dicts of column values (JSON already serialized), written in one go (COPY on
    PostgreSQL)."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.defaults = []
        for f in self.fields:
            value = None
            if f.has_default() and not callable(f.default):
                value = f.get_default()
                if isinstance(f, models.JSONField):
                    value = json.dumps(value)
            elif not f.null and f.blank and isinstance(f, (models.CharField, models.TextField)):
                value = ""
            self.defaults.append(value)
        self.rows: list[dict] = []
        self.next_id = 1

    def start_ids(self) -> None:
        top = self.model.objects.aggregate(top=models.Max("pk"))["top"]
        self.next_id = (top or 0) + 1

    def add(self, **row) -> int:
        if "id" not in row:
            row["id"] = self.next_id
            self.next_id += 1
        self.rows.append(row)
        return row["id"]

    def take(self) -> list[list]:
        """The rows added since the last take, as lists of column values; forgets them."""
        pairs = [(f.attname, default) for f, default in zip(self.fields, self.defaults, strict=True)]
        rows = [[row.get(name, default) for name, default in pairs] for row in self.rows]
        if rows:
            for f, value in zip(self.fields, rows[0], strict=True):
                if value is None and not f.null:
                    raise ValueError(f"{self.model.__name__}.{f.attname} is NOT NULL and the generator gave no value")
        self.rows = []
        return rows

    def write(self, rows: list[list]) -> int:
        if not rows:
            return 0
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [[_plain(value) for value in values] for values in rows],
                )
        return len(rows)

    def move_sequence(self) -> None:
        if connection.vendor == "postgresql":
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def _plain(value):
    """A value as SQLite stores it through Django (naive UTC datetimes, ISO dates, 0/1)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


# -- the cases ---------------------------------------------------------------------------------------------------


@dataclass
class Result:
    cases: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(15, 0), tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 420))


def _pages(summary: str, rng: random.Random) -> list[str]:
    """A summary cut into 2-4 pages of records text."""
    sentences = [s.strip() for s in summary.split(". ") if s.strip()]
    count = min(len(sentences), rng.randint(2, 4)) or 1
    size = max(1, len(sentences) // count)
    return [". ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)][:count] or [summary]


def generate(count: int, *, seed: int = 1, items_per_case: float = 10.0, today: date | None = None) -> Result:
    """Make ``count`` cases (with everything a case in its state has), in one transaction. Returns the counts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    result = Result()
    with transaction.atomic():
        pools = _pools(rng)
        users = generated_users(max(12, count // CASES_PER_REVIEWER))
        _skip_foreign_key_checks()
        tables = {
            model: Table(model)
            for model in (
                Case,
                DisputedItem,
                CaseDocument,
                CaseTransition,
                Assignment,
                Determination,
                ItemDecision,
                Letter,
                Service,
            )
        }
        for table in tables.values():
            table.start_ids()
        numbers = _case_number_counters()
        chosen = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()), k=count)
        high = max(1, round(2 * items_per_case - 1))
        for status in chosen:
            result.states[status] = result.states.get(status, 0) + 1

        # Rows are made in a thread, a chunk of cases at a time, while this thread writes the previous chunk:
        # PostgreSQL works on one chunk while Python makes the next. One transaction, on this thread's connection.
        chunks: queue.Queue = queue.Queue(maxsize=2)

        def produce() -> None:
            try:
                for start in range(0, count, CHUNK):
                    for status in chosen[start : start + CHUNK]:
                        _one_case(tables, pools, users, rng, numbers, status, today, now, high)
                    chunks.put([(table, table.take()) for table in tables.values()])
                chunks.put(None)
            except BaseException as error:  # handed to the writing thread, which raises it
                chunks.put(error)

        producer = threading.Thread(target=produce, name="generate_cases", daemon=True)
        producer.start()
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            for table, rows in chunk:
                written = table.write(rows)
                result.rows[table.model.__name__] = result.rows.get(table.model.__name__, 0) + written
        producer.join()
        for table in tables.values():
            table.move_sequence()
        for year, value in numbers.items():
            CaseNumberSequence.objects.get_or_create(year=year)
            CaseNumberSequence.objects.filter(year=year, last_value__lt=value).update(last_value=value)
        CaseStateCount.rebuild()  # the counting triggers were skipped with the foreign key checks
    result.cases = count
    return result


def _skip_foreign_key_checks() -> None:
    """On PostgreSQL, as a superuser, skip the foreign key triggers for this transaction only (as ``pg_restore
    --disable-triggers`` does): every key written here points at a row written here or read before. Checking 3
    million keys at commit would take longer than writing them. Anyone else gets the checks."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL wal_compression = lz4")
            cursor.execute("SET LOCAL default_toast_compression = lz4")
            cursor.execute("SET LOCAL synchronous_commit = off")


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


def _one_case(tables, pools: Pools, users, rng, numbers, status, today, now, high) -> None:
    T = tables
    decided = status in _DECIDED
    if status == Status.CLOSED:
        received = today - timedelta(days=rng.randint(400, 3600))
    elif decided:
        received = today - timedelta(days=rng.randint(25, 1500))
    else:
        received = today - timedelta(days=rng.randint(0, 40))
    priority = "expedited" if rng.random() < 0.05 else "standard"
    year = received.year % 100
    numbers[year] = numbers.get(year, 0) + 1
    case_number = f"CM{year:02d}-{numbers[year]:07d}"
    injury = received - timedelta(days=rng.randint(60, 2500))
    ur_date = received - timedelta(days=rng.randint(3, 25))
    path = PATHS[status]
    requested = received + timedelta(days=1) if Status.RECORDS_REQUESTED in path else None
    records = received + timedelta(days=rng.randint(2, 12)) if status in _WITH_RECORDS else None
    due = clock.due_date(priority, received, records)
    decision_day = None
    if decided:
        decision_day = min(today, (due or received) - timedelta(days=rng.randint(0, 6)))
    age, sex = rng.choice(pools.ages)
    age = (age or rng.randint(22, 64)) + rng.randint(-3, 3)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city, zip3 = rng.choice(CITIES)
    insurer_pk, insurer = rng.choice(pools.claims_administrators)
    physician_pk, specialty = rng.choice(pools.physicians)
    icd10, diagnosis = rng.choice(pools.diagnoses)
    reviewer = rng.choice(users["reviewers"]) if status in _ASSIGNED_OR_LATER else None
    attorney = rng.choice(pools.law_firms) if rng.random() < 0.4 else None
    created = _at(received, rng)
    summary = rng.choice(pools.summaries)
    case_id = T[Case].add(
        case_number=case_number,
        priority=priority,
        status=status,
        claim_number=f"{insurer[:3].upper()}{rng.randint(10, 99)}-{rng.randint(100000, 999999)}",
        date_of_injury=injury,
        ur_determination_date=ur_date,
        application_received=received,
        assigned_date=received,
        records_requested=requested,
        records_request_method="electronic",
        records_received=records,
        decision_date=decision_day,
        due_date=due,
        employee_name=f"{first} {last}",
        employee_date_of_birth=date(received.year - age, rng.randint(1, 12), rng.randint(1, 28)),
        employee_age=age,
        employee_sex=sex or rng.choice(["male", "female"]),
        employee_address=f"{rng.randint(100, 9999)} {rng.choice(STREETS)} St\n{city}, CA {zip3}{rng.randint(10, 99)}",
        employer_id=rng.choice(pools.employers),
        claims_administrator_id=insurer_pk,
        adjuster_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        employee_attorney_id=attorney,
        attorney_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if attorney else "",
        requesting_provider_id=physician_pk,
        provider_specialty=specialty,
        diagnosis=diagnosis,
        icd10_code=icd10,
        ineligible_reason="The application was filed more than 30 days after service of the UR decision."
        if status == Status.INELIGIBLE
        else "",
        application_signed=True,
        ur_decision_service_method="mail",
        liability_disputed=False,
        eligibility_override="",
        reviewer_id=reviewer,
        reviewer_credentials=rng.choice(pools.credentials) if decided else "{}",
        created_at=created,
        updated_at=created,
    )
    # Items, from the real ones.
    item_rows = []
    for position in range(rng.randint(1, high)):
        item = rng.choice(pools.items)
        item_id = T[DisputedItem].add(
            case_id=case_id,
            position=position,
            description=item["description"],
            category=item["category"],
            ur_outcome=item["ur_outcome"],
            original_request=item["original_request"] or "",
            authorized=item["authorized"] or "",
            claims_administrator_basis=item["_basis"],
        )
        item_rows.append((item_id, item))
    # Documents: the application and the UR decision; the records once received.
    documents = [
        ("application", "IMR application", [f"Application for Independent Medical Review. Employee: {first} {last}."]),
        ("ur_decision", "UR decision", [f"Utilization review determination of {ur_date:%m/%d/%Y}. {insurer}."]),
    ]
    if records is not None:
        documents.append(("medical_records", "Medical records", _pages(summary, rng)))
    for kind, title, pages in documents:
        sha = secrets.token_hex(32)
        T[CaseDocument].add(
            case_id=case_id,
            kind=kind,
            title=title,
            author="",
            document_date=received,
            file=f"cases/{case_number}/{sha[:16]}.pdf",
            original_name=f"{kind}.pdf",
            size=20000 + 4000 * len(pages),
            sha256=sha,
            page_count=len(pages),
            page_texts=json.dumps(pages),
            uploaded_at=created,
        )
    # The timeline.
    previous = ""
    for step, state in enumerate(path):
        T[CaseTransition].add(
            case_id=case_id,
            from_status=previous,
            to_status=state,
            at=created + timedelta(days=step),
            note="Imported (imr-case/1)." if state == Status.CLOSED else "",
        )
        previous = state
    if reviewer is not None:
        offered = created + timedelta(days=2)
        state = {Status.ASSIGNED: "offered", Status.IN_REVIEW: "accepted", Status.QA: "accepted"}.get(
            status, "completed"
        )
        T[Assignment].add(
            case_id=case_id,
            reviewer_id=reviewer,
            state=state,
            offered_at=offered,
            responded_at=None if state == "offered" else offered + timedelta(hours=3),
            attestation_text=""
            if state == "offered"
            else "I have no material professional, familial or financial "
            "conflict of interest with any party to this case.",
            attested_at=None if state == "offered" else offered + timedelta(hours=3),
            ended_at=_at(decision_day, rng) if state == "completed" else None,
            previous_status=Status.RECORDS_RECEIVED if records else Status.ELIGIBLE,
            via="page",
        )
    if status in (Status.IN_REVIEW, Status.QA) or decided:
        last = _determinations(T, users, rng, case_id, status, summary, item_rows, reviewer, created, decision_day)
        if status in (Status.LETTER_SIGNED, Status.SERVED) or (status == Status.DETERMINED and rng.random() < 0.3):
            _letters(T, users, rng, case_id, case_number, last, status, decision_day, now)


def _determinations(T, users, rng, case_id, status, summary, item_rows, reviewer, created, decision_day) -> int:
    at = created + timedelta(days=3)
    versions = []
    if status == Status.IN_REVIEW:
        if rng.random() < 0.2:
            versions = [("returned", "reviewer", 1.0), ("draft", "revision", 1.0)]
        else:
            versions = [("draft", "reviewer", rng.random())]
    elif status == Status.QA:
        versions = [("submitted", "reviewer", 1.0)]
    else:
        versions = [("approved", "reviewer", 1.0)]
    based_on = None
    for version, (state, origin, filled) in enumerate(versions, start=1):
        done = state != "draft"
        determination_id = T[Determination].add(
            case_id=case_id,
            version=version,
            state=state,
            clinical_case_summary=summary if done or filled > 0.3 else "",
            author_id=reviewer,
            revision=rng.randint(1, 9),
            created_at=at,
            updated_at=at + timedelta(hours=2),
            saved_by_id=reviewer,
            based_on_id=based_on,
            origin=origin,
            submitted_at=at + timedelta(hours=2) if done else None,
            qa_by_id=users["qa"] if state in ("returned", "approved") and status != Status.CLOSED else None,
            qa_at=(_at(decision_day, rng) if decision_day else at + timedelta(days=1))
            if state in ("returned", "approved")
            else None,
            qa_comment="Please cite the section of the guideline for each item." if state == "returned" else "",
        )
        for number, (item_id, item) in enumerate(item_rows):
            written = done or number < filled * len(item_rows)
            T[ItemDecision].add(
                determination_id=determination_id,
                item_id=item_id,
                decision=item["_decision"] if written else "",
                basis=item["_decision_basis"] if written else "{}",
                basis_none=item["_basis_none"] if written else False,
                rationale=item["_rationale"] if written else "",
                qa_comment="",
                guideline_refs="[]",
            )
        based_on = determination_id
        at += timedelta(days=2)
    return based_on


def _letters(T, users, rng, case_id, case_number, determination_id, status, decision_day, now) -> None:
    signed = status != Status.DETERMINED
    when = _at(decision_day or now.date(), rng)
    for rendition in ("parties", "public"):
        letter_id = T[Letter].add(
            case_id=case_id,
            determination_id=determination_id,
            version=1,
            rendition=rendition,
            state="signed" if signed else "generating",
            file=f"{case_number}/{case_number}-{rendition}-v1.pdf" if signed else "",
            sha256=secrets.token_hex(32) if signed else "",
            size=rng.randint(40000, 90000) if signed else None,
            page_count=rng.randint(2, 4) if signed else None,
            certificate_fingerprint=secrets.token_hex(32) if signed else "",
            signed_at=when if signed else None,
            timestamped=False,
            approved_by_id=users["qa"],
            approved_at=when,
            verification_code=secrets.token_hex(10),
            created_at=when,
        )
        if status == Status.SERVED and rendition == "parties":
            T[Service].add(
                letter_id=letter_id,
                served_on=min(now.date(), when.date() + timedelta(days=1)),
                method=rng.choice(["mail", "email", "fax"]),
                recipients='["Injured worker", "Claims administrator", "Requesting provider"]',
                at=when + timedelta(days=1),
            )
