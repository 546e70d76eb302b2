"""The PHI access log: every read of a case's data is recorded (who, what, when, from where, outcome), rows can be
neither changed nor deleted, a failed request keeps its row, administrators search and export it, the admin is
read-only."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.lifecycle import Status
from cases.models import CaseTransition
from core import roles
from core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/156"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's (CI runs on PostgreSQL)"
)


def events(**filters):
    return list(
        AccessEvent.objects.filter(**filters)
        .order_by("pk")
        .values_list("username", "kind", "action", "object_type", "object_id", "case_number", "outcome")
    )


def test_a_case_page_is_recorded_with_who_what_when_where_and_outcome(client, admin_user):
    case = factories.CaseFactory()
    client.force_login(admin_user)
    before = timezone.now()

    response = client.get(
        reverse("cases:detail", args=[case.case_number]), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.20.30.40"
    )

    assert response.status_code == 200
    event = AccessEvent.objects.get(action="cases:detail")
    assert (event.user, event.username, event.kind, event.object_type, event.object_id, event.case_number) == (
        admin_user,
        "intake",
        "read",
        "case",
        str(case.pk),
        case.case_number,
    )
    assert (event.outcome, event.ip, event.user_agent, event.method, event.path) == (
        "allowed",
        "10.20.30.40",
        BROWSER,
        "GET",
        f"/cases/{case.case_number}/",
    )
    assert before <= event.at <= timezone.now()


def test_the_workspace_a_record_file_and_a_records_search_are_each_recorded(client, reviewer):
    case = factories.case_in_review(reviewer, documents=1)
    document = case.documents.get()
    client.force_login(reviewer)

    assert client.get(reverse("cases:workspace", args=[case.case_number])).status_code == 200
    assert client.get(reverse("cases:document", args=[case.case_number, document.pk])).status_code == 200
    assert client.get(reverse("cases:records_search", args=[case.case_number]), {"q": "lumbar"}).status_code == 200

    assert events(case_number=case.case_number) == [
        ("reviewer1", "read", "cases:workspace", "case", str(case.pk), case.case_number, "allowed"),
        ("reviewer1", "read", "cases:document", "document", str(document.pk), case.case_number, "allowed"),
        ("reviewer1", "read", "cases:records_search", "case", str(case.pk), case.case_number, "allowed"),
    ]
    assert AccessEvent.objects.get(action="cases:records_search").path.endswith("?q=lumbar")


def test_a_change_is_recorded_as_a_write(client, reviewer):
    case = factories.case_in_review(reviewer)
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))

    response = client.post(
        reverse("cases:autosave", args=[case.case_number]),
        {"revision": 0, "summary": "A summary."},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert events(action="cases:autosave") == [
        ("reviewer1", "write", "cases:autosave", "case", str(case.pk), case.case_number, "allowed")
    ]


def test_another_reviewers_case_and_a_missing_case_are_recorded_as_not_found(client, reviewer, other_reviewer):
    case = factories.case_in_review(reviewer)
    client.force_login(other_reviewer)

    assert client.get(reverse("cases:workspace", args=[case.case_number])).status_code == 404
    assert client.get(reverse("cases:workspace", args=["CM99-9999999"])).status_code == 404

    assert events() == [
        ("reviewer2", "read", "cases:workspace", "case", "", case.case_number, "not_found"),
        ("reviewer2", "read", "cases:workspace", "case", "", "CM99-9999999", "not_found"),
    ]


def test_a_refused_request_is_recorded_as_denied(client, reviewer, qa_user):
    case = factories.case_in_review(reviewer)  # QA sees cases in review, but may not write their determination
    client.force_login(qa_user)

    assert client.get(reverse("cases:workspace", args=[case.case_number])).status_code == 403

    assert events() == [("qa", "read", "cases:workspace", "case", "", case.case_number, "denied")]


@pytest.mark.django_db(transaction=True)
def test_a_failed_request_keeps_its_row_outside_the_requests_transaction(client):
    """A refused request raises inside the view; had the row been written in the request's transaction
    (ATOMIC_REQUESTS), it would be rolled back with it."""
    qa = factories.UserFactory(username="qa-nurse")
    qa.groups.add(Group.objects.get_or_create(name=roles.QA)[0])
    reviewer = factories.UserFactory(username="dr-review")
    reviewer.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    case = factories.case_in_review(reviewer)
    client.force_login(qa)

    url = reverse("cases:workspace", args=[case.case_number])
    assert client.get(url, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="2001:db8::7").status_code == 403

    assert events(username="qa-nurse") == [
        ("qa-nurse", "read", "cases:workspace", "case", "", case.case_number, "denied")
    ]
    event = AccessEvent.objects.get(username="qa-nurse")
    assert (event.user, event.ip, event.user_agent, event.method, event.path, event.detail) == (
        qa,
        "2001:db8::7",
        BROWSER,
        "GET",
        url,
        {},
    )


def test_the_request_transaction_check_refuses_atomic_requests():
    from django.db import connections

    from audit.checks import check_requests_not_atomic

    assert check_requests_not_atomic(None) == []
    connections.settings["default"]["ATOMIC_REQUESTS"] = True
    try:
        assert [error.id for error in check_requests_not_atomic(None)] == ["audit.E001"]
    finally:
        connections.settings["default"]["ATOMIC_REQUESTS"] = False


def test_hostile_text_in_the_path_and_user_agent_is_kept_printable_and_bounded(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/cases/CM26%E2%80%AE1/", HTTP_USER_AGENT="x\x00\u202e" + "A" * 5000)

    assert response.status_code == 404
    event = AccessEvent.objects.get()
    assert "\x00" not in event.case_number + event.user_agent + event.path
    assert "\u202e" not in event.case_number + event.user_agent + event.path
    assert len(event.user_agent) == 300
    assert event.outcome == "not_found"


def test_a_nul_character_in_the_address_is_a_bad_request_not_a_database_error(client, admin_user):
    client.force_login(admin_user)
    for url in ("/cases/CM26%001/", "/cases/?q=a%00b", "/letters/verify/AB%00CD/"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "NUL character" in response.content.decode()


# -- append-only ----------------------------------------------------------------------------------------------


@postgresql_only
@pytest.mark.parametrize("model", [AccessEvent, AuditEvent, CaseTransition])
def test_the_database_refuses_to_update_or_delete_a_log_row(model, client, admin_user):
    case = factories.CaseFactory()
    client.force_login(admin_user)
    client.get(reverse("cases:detail", args=[case.case_number]))
    factories.case_in_review(factories.UserFactory())  # transitions and audit events
    AuditEvent.objects.create(action="x", object_type="case", object_id="1")
    row = model.objects.first()
    table = model._meta.db_table

    for statement in (f"UPDATE {table} SET id = id WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        refused = pytest.raises(DatabaseError, match="pgtrigger: Cannot update or delete rows")
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.pk])
    with pytest.raises(DatabaseError, match="pgtrigger: Cannot update or delete rows"), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_the_admin_offers_no_way_to_add_change_or_delete_log_rows(client, admin_user):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    case = factories.case_in_review(factories.UserFactory())
    client.force_login(root)
    client.get(reverse("cases:detail", args=[case.case_number]))
    rows = {
        "audit_accessevent": AccessEvent.objects.first(),
        "core_auditevent": AuditEvent.objects.create(action="x", object_type="case", object_id="1"),
        "cases_casetransition": case.transitions.first(),
    }
    for name, row in rows.items():
        changelist = client.get(reverse(f"admin:{name}_changelist"))
        assert changelist.status_code == 200
        assert b'value="delete_selected"' not in changelist.content, name
        assert client.get(reverse(f"admin:{name}_delete", args=[row.pk])).status_code == 403, name
        assert client.post(reverse(f"admin:{name}_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name
        change = client.post(reverse(f"admin:{name}_change", args=[row.pk]), {})
        assert change.status_code == 403, name
    assert AccessEvent.objects.filter(pk=rows["audit_accessevent"].pk).exists()


def test_a_decided_case_is_read_only_in_the_admin_and_its_pages_are_logged(client):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    served = factories.CaseFactory(status=Status.SERVED, claim_number="CLM-1")
    client.force_login(root)

    page = client.get(reverse("admin:cases_case_change", args=[served.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(reverse("admin:cases_case_change", args=[served.pk]), {"claim_number": "X"}).status_code == 403
    served.refresh_from_db()
    assert served.claim_number == "CLM-1"
    assert client.get(reverse("admin:cases_case_delete", args=[served.pk])).status_code == 403
    # Opening the change page of a case is a read of its data.
    assert events(action="admin:cases.case") == [
        ("root", "read", "admin:cases.case", "case", str(served.pk), served.case_number, "allowed"),
        ("root", "write", "admin:cases.case", "case", str(served.pk), served.case_number, "denied"),
    ]


# -- the administrators' search page and CSV ------------------------------------------------------------------


def _three_reads(client, admin_user, reviewer):
    first = factories.case_in_review(reviewer)
    second = factories.CaseFactory()
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[first.case_number]))
    client.force_login(admin_user)
    client.get(reverse("cases:detail", args=[second.case_number]))
    client.get(reverse("cases:detail", args=[first.case_number]))
    return first, second


def test_administrators_search_the_log_by_user_case_action_and_dates(client, admin_user, reviewer):
    first, second = _three_reads(client, admin_user, reviewer)
    url = reverse("audit:log")

    by_user = client.get(url, {"user": "reviewer1"})
    assert [(e.username, e.case_number) for e in by_user.context["events"]] == [("reviewer1", first.case_number)]
    by_case = client.get(url, {"case_number": first.case_number})
    assert [e.username for e in by_case.context["events"]] == ["intake", "reviewer1"]
    by_action = client.get(url, {"action": "cases:detail"})
    assert [e.case_number for e in by_action.context["events"]] == [first.case_number, second.case_number]
    today = timezone.localdate()
    in_range = client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat(), "user": "intake"})
    assert len(in_range.context["events"]) == 2  # the two case pages (the log's own pages are not in it)
    tomorrow = today + datetime.timedelta(days=1)
    assert list(client.get(url, {"date_from": tomorrow.isoformat()}).context["events"]) == []
    backwards = client.get(url, {"date_from": tomorrow.isoformat(), "date_to": today.isoformat()})
    assert backwards.status_code == 200
    assert "Ends before it starts" in backwards.content.decode()


def test_the_csv_export_holds_the_filtered_rows_and_defuses_formulas(client, admin_user, reviewer):
    first, _ = _three_reads(client, admin_user, reviewer)
    client.get(reverse("cases:detail", args=[first.case_number]), HTTP_USER_AGENT="=HYPERLINK(1)")

    response = client.get(reverse("audit:csv"), {"case_number": first.case_number})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["username"], row["action"]) for row in rows] == [
        ("intake", "cases:detail"),
        ("intake", "cases:detail"),
        ("reviewer1", "cases:workspace"),
    ]
    assert rows[0]["user_agent"] == "'=HYPERLINK(1)"
    assert AuditEvent.objects.filter(action="access_log.exported", actor=admin_user).count() == 1


@pytest.mark.parametrize("fixture", ["reviewer", "qa_user", "staff_user"])
def test_only_administrators_read_the_log(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:csv")).status_code == 403


def test_the_case_page_shows_administrators_who_accessed_the_case(client, admin_user, reviewer):
    first, _ = _three_reads(client, admin_user, reviewer)

    page = client.get(reverse("cases:detail", args=[first.case_number])).content.decode()

    assert "Who accessed this case" in page
    section = page[page.index("Who accessed this case") :]
    assert "reviewer1" in section and "Read · Workspace" in section  # the page in words, not "cases:workspace"
    client.force_login(factories.UserFactory(username="nurse"))
    qa = Group.objects.get_or_create(name=roles.QA)[0]
    nurse = factories.UserFactory(username="nurse2")
    nurse.groups.add(qa)
    client.force_login(nurse)
    assert "Who accessed" not in client.get(reverse("cases:detail", args=[first.case_number])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_export_records_each_case_in_one_statement_outside_any_transaction(client):
    administrator = factories.UserFactory(username="boss")
    administrator.groups.add(Group.objects.get_or_create(name=roles.ADMINISTRATOR)[0])
    cases = [factories.CaseFactory(), factories.CaseFactory()]
    client.force_login(administrator)

    assert client.get(reverse("cases:export")).status_code == 200

    exported = AccessEvent.objects.filter(action="cases:export").order_by("case_number")
    assert list(exported.values_list("username", "object_type", "object_id", "case_number", "detail")) == [
        ("boss", "case", str(case.pk), case.case_number, {"format": "imr-case/1"})
        for case in sorted(cases, key=lambda case: case.case_number)
    ]
