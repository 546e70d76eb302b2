"""``manage.py generate_cases``: realistic cases in every state, written by COPY, that the portal's pages open."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import (
    Assignment,
    Case,
    CaseDocument,
    CaseNumberSequence,
    CaseTransition,
    Determination,
    DisputedItem,
    ItemDecision,
    validate_icd10,
)
from cases.services import intake
from core.models import Party
from devtools import generate
from letters.models import Letter, Service

pytestmark = pytest.mark.django_db

COUNT = 500


@pytest.fixture
def generated(db):
    out = StringIO()
    call_command("generate_cases", "--count", str(COUNT), "--seed", "3", stdout=out)
    return out.getvalue()


def test_every_state_with_what_a_case_in_it_has(generated):
    assert f"Generated {COUNT:,} cases" in generated
    states = Counter(Case.objects.values_list("status", flat=True))
    assert sum(states.values()) == COUNT
    assert set(states) == set(Status.values), f"missing: {set(Status.values) - set(states)}"
    # The largest share is served, as in years of real cases.
    assert states.most_common(1)[0][0] == Status.SERVED
    items = Counter(DisputedItem.objects.values_list("case_id", flat=True))
    assert len(items) == COUNT and min(items.values()) >= 1 and max(items.values()) <= 19
    assert 8 <= sum(items.values()) / COUNT <= 12
    # Offered, accepted, and completed assignments, one live at most per case (a database constraint).
    assert Assignment.objects.filter(state="offered").count() == states[Status.ASSIGNED]
    assert Assignment.objects.filter(state="accepted").count() == states[Status.IN_REVIEW] + states[Status.QA]
    assert Determination.objects.filter(state="draft").count() == states[Status.IN_REVIEW]
    assert Determination.objects.filter(state="submitted").count() == states[Status.QA]
    assert Determination.objects.filter(state="returned").exists()
    decided = states[Status.DETERMINED] + states[Status.LETTER_SIGNED] + states[Status.SERVED] + states[Status.CLOSED]
    assert Determination.objects.filter(state="approved").count() == decided
    # Every item of an approved determination has a decision; signed and served cases have both signed letters.
    approved = ItemDecision.objects.filter(determination__state="approved")
    assert approved.count() == DisputedItem.objects.filter(case__determinations__state="approved").count()
    assert not approved.filter(decision="").exists()
    signed = states[Status.LETTER_SIGNED] + states[Status.SERVED]
    assert Letter.objects.filter(state="signed").count() == 2 * signed
    assert Service.objects.count() == states[Status.SERVED]
    # The timeline ends in the case's state.
    last = {}
    for case_id, to_status in CaseTransition.objects.order_by("at", "pk").values_list("case_id", "to_status"):
        last[case_id] = to_status
    assert all(last[case.pk] == case.status for case in Case.objects.only("pk", "status"))
    # Records with page texts once received.
    records = CaseDocument.objects.filter(kind="medical_records")
    assert records.count() == Case.objects.exclude(records_received=None).count()
    assert all(len(d.page_texts) == d.page_count >= 1 for d in records[:50])


def test_texts_come_from_the_published_cases(generated):
    published = generate.load_published()
    descriptions = {item["description"] for case in published for item in case["items"]}
    rationales = {item["determination"]["rationale"] for case in published for item in case["items"]}
    assert set(DisputedItem.objects.values_list("description", flat=True)) <= descriptions
    assert set(ItemDecision.objects.exclude(rationale="").values_list("rationale", flat=True)) <= rationales
    # Parties are kept once, and cases point at them.
    case = Case.objects.select_related("employer", "claims_administrator", "requesting_provider").first()
    assert case.employer.kind == "employer" and case.requesting_provider.organization is not None
    assert Case.objects.values("employer").distinct().count() > 50


def test_generated_diagnosis_codes_are_icd10_codes():
    for code, _ in generate.DIAGNOSES:
        validate_icd10(code)


def test_keys_and_numbers_go_on_after_the_generated_cases(generated, admin_user):
    # Intake's next case number and the next primary keys do not collide with the generated ones.
    year = max(Case.objects.values_list("case_number", flat=True)).split("-")[0][2:]
    number = intake.next_case_number(int(year))
    assert not Case.objects.filter(case_number=number).exists()
    item = DisputedItem.objects.create(case=Case.objects.first(), description="One more")
    assert item.pk > max(DisputedItem.objects.exclude(pk=item.pk).values_list("pk", flat=True))
    # A second run adds cases of its own.
    call_command("generate_cases", "--count", "20", stdout=StringIO())
    assert Case.objects.count() == COUNT + 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the foreign keys are skipped only on PostgreSQL")
def test_every_foreign_key_holds(generated):
    # The load skips the foreign key triggers; every key must still point at a row.
    with connection.cursor() as cursor:
        for table, column, target in [
            ("cases_disputeditem", "case_id", "cases_case"),
            ("cases_itemdecision", "item_id", "cases_disputeditem"),
            ("cases_itemdecision", "determination_id", "cases_determination"),
            ("letters_letter", "determination_id", "cases_determination"),
            ("letters_service", "letter_id", "letters_letter"),
            ("cases_case", "requesting_provider_id", "core_party"),
            ("cases_assignment", "reviewer_id", "auth_user"),
        ]:
            cursor.execute(
                f"SELECT COUNT(*) FROM {table} t LEFT JOIN {target} r ON r.id = t.{column} "
                f"WHERE t.{column} IS NOT NULL AND r.id IS NULL"
            )
            assert cursor.fetchone()[0] == 0, f"{table}.{column}"


def test_pages_open_for_generated_cases(generated, admin_client, qa_user, staff_user, client):
    served = Case.objects.filter(status=Status.SERVED).first()
    in_review = Case.objects.filter(status=Status.IN_REVIEW).first()
    for url in [
        reverse("cases:list"),
        reverse("cases:list") + f"?q={served.case_number}",
        served.get_absolute_url(),
        in_review.get_absolute_url(),
        reverse("letters:case_register", args=[served.case_number]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(served.get_absolute_url()).content.decode()
    assert served.items.first().description.split()[0] in page
    # A generated document or letter has no file: opening it answers 404, never a 500.
    document = served.documents.first()
    assert admin_client.get(reverse("cases:document", args=[served.case_number, document.pk])).status_code == 404
    # The reviewer's workspace of their generated case.
    reviewer = in_review.reviewer
    client.force_login(reviewer)
    assert client.get(reverse("cases:my_cases")).status_code == 200
    response = client.get(reverse("cases:workspace", args=[in_review.case_number]))
    assert response.status_code == 200
    assert in_review.items.first().description.split()[0] in response.content.decode()
    client.force_login(qa_user)
    assert client.get(reverse("cases:qa_queue")).status_code == 200
    client.force_login(staff_user)
    assert client.get(reverse("letters:center")).status_code == 200


def test_the_lists_count_per_state_cap_long_counts_and_cut_the_qa_queue(generated, admin_client, qa_user, monkeypatch):
    from cases import selectors
    from cases.views import qa

    # Counts per state (one COUNT per state) are the database's.
    expected = Counter(Case.objects.values_list("status", flat=True))
    page = admin_client.get(reverse("cases:list"))
    assert [(state, number) for state, _, number in page.context["state_counts"]] == [
        (state, expected[state]) for state in Status.values if expected[state]
    ]
    # The working list leaves the historical (closed) cases out; ticked, it counts them all.
    assert f"{COUNT - expected[Status.CLOSED]} cases" in page.content.decode()
    assert f"{COUNT} cases" in admin_client.get(reverse("cases:list"), {"historical": "on"}).content.decode()
    # Beyond the cap, the count says so and the pages stop there.
    monkeypatch.setattr(selectors.CappedPaginator, "cap", 120)
    page = admin_client.get(reverse("cases:list"), {"historical": "on"})
    assert "120 or more cases" in page.content.decode()
    assert page.context["page"].paginator.num_pages == 3
    # The list's first rows are the running clocks, earliest due date first.
    rows = list(page.context["page"])
    running = [case for case in rows if case.status in selectors.RUNNING_STATES]
    assert rows[: len(running)] == running and [c.due_date for c in running] == sorted(c.due_date for c in running)
    # The QA queue: the oldest submissions, cut at its limit, saying how many wait.
    monkeypatch.setattr(qa, "QUEUE_LIMIT", 5)
    admin_client.force_login(qa_user)
    response = admin_client.get(reverse("cases:qa_queue"))
    waiting = Case.objects.filter(status=Status.QA).count()
    submitted = [determination.submitted_at for _, determination in response.context["rows"]]
    assert len(submitted) == min(5, waiting) and submitted == sorted(submitted)
    oldest = sorted(Determination.objects.filter(state="submitted").values_list("submitted_at", flat=True))[:5]
    assert submitted == oldest
    if waiting > 5:
        assert f"The 5 oldest of {waiting} are shown." in response.content.decode()


GENERATED_TABLES = [
    "cases_case",
    "cases_disputeditem",
    "cases_casedocument",
    "cases_casetransition",
    "cases_assignment",
    "cases_determination",
    "cases_itemdecision",
    "letters_letter",
    "letters_service",
]


def catalog():
    """Every index and constraint of the generated tables, as the catalog defines them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), "
            "i.indisunique, i.indisprimary, i.indisvalid, i.indisready, i.indimmediate, i.indisclustered "
            "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [GENERATED_TABLES],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), condeferrable, "
            "condeferred, convalidated, conindid::regclass::text FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [GENERATED_TABLES],
        )
        return indexes, cursor.fetchall()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="indexes are dropped and made again only on PostgreSQL"
)


@postgresql_only
def test_indexes_and_constraints_are_made_again_exactly_as_before():
    before = catalog()
    indexes, constraints = before
    unique = [row for row in constraints if row[2] == "u"]
    assert len(indexes) > 60 and len(unique) >= 7
    result = generate.generate(300, seed=4, rebuild_indexes=True)
    # Every index but the primary keys was dropped and made again (the trigram ones, the unique constraints'
    # indexes, a partial one), except those whose `status IN (...)` would come out of pg_get_indexdef different
    # (case_list_order and the case list's other indexes of the running states, one_live_assignment_per_case,
    # one_open_determination): they stay.
    kept = {row[1] for row in indexes if "ARRAY[" in row[2] and not row[4]}
    assert kept >= {"case_list_order", "case_running_due", "one_live_assignment_per_case", "one_open_determination"}
    assert result.indexes_rebuilt == len(indexes) - len(GENERATED_TABLES) - len(kept)
    assert catalog() == before
    assert Case.objects.count() == 300
    # The rebuilt unique indexes hold: a second version number of a determination is refused.
    determination = Determination.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Determination.objects.create(case=determination.case, version=determination.version)
    # Into tables already holding more cases than asked for, the indexes are kept and written row by row.
    assert generate.generate(20, seed=5).indexes_rebuilt == 0
    assert catalog() == before


@postgresql_only
def test_a_failure_in_the_middle_leaves_nothing_behind(monkeypatch):
    # A constraint the generated rows break after a few chunks were written (indexes already dropped, the child
    # process still making rows): the whole load is rolled back, the dropped indexes included.
    monkeypatch.setattr(generate, "CHUNK", 40)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_itemdecision ADD CONSTRAINT test_stop CHECK (id < 1000)")
    before = catalog()
    parties = Party.objects.count()
    with pytest.raises(IntegrityError, match="test_stop"):
        generate.generate(400, seed=6, rebuild_indexes=True)
    assert catalog() == before
    assert [Case.objects.count(), DisputedItem.objects.count(), ItemDecision.objects.count()] == [0, 0, 0]
    assert Party.objects.count() == parties and not CaseNumberSequence.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"  # the load's settings went with it


def test_a_generated_expedited_case_is_on_the_expedited_track(generated):
    assert set(Case.objects.filter(priority="expedited").values_list("track", flat=True)) == {"expedited"}
    assert set(Case.objects.filter(priority="standard").values_list("track", flat=True)) == {"standard"}
