"""Issue 20, finding 3: the lists of the portal, the admin's lists, searches and history pages, the outbox and the
refusals outside case pages each leave access-log rows (one per case shown, in one statement)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessEvent
from core.models import AuditEvent, OutboxEmail
from tests import factories
from tests.cases.test_qa_views import _submitted

pytestmark = pytest.mark.django_db


def rows(**filters) -> list[tuple]:
    return list(
        AccessEvent.objects.filter(**filters)
        .order_by("case_number", "pk")
        .values_list("username", "kind", "object_type", "case_number", "outcome")
    )


def _inserts(queries) -> int:
    return sum(1 for query in queries if query["sql"].startswith('INSERT INTO "audit_accessevent"'))


def test_a_reviewers_own_list_records_each_case_it_shows_in_one_statement(client, reviewer):
    first, second = factories.case_in_review(reviewer), factories.case_in_review(reviewer)
    client.force_login(reviewer)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("cases:my_cases")).status_code == 200

    assert rows(action="cases:my_cases") == [
        ("reviewer1", "read", "case", case.case_number, "allowed") for case in (first, second)
    ]
    assert _inserts(queries.captured_queries) == 1


def test_the_qa_queue_records_the_cases_waiting_for_qa(client, reviewer, qa_user):
    case, _ = _submitted(reviewer)
    client.force_login(qa_user)

    assert client.get(reverse("cases:qa_queue")).status_code == 200

    assert rows(action="cases:qa_queue") == [("qa", "read", "case", case.case_number, "allowed")]


def test_the_assignment_queue_records_the_waiting_cases_and_an_empty_list_still_leaves_a_row(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("cases:assign_queue")).status_code == 200
    waiting = factories.waiting_case()

    assert client.get(reverse("cases:assign_queue")).status_code == 200

    assert rows(action="cases:assign_queue") == [
        ("intake", "read", "case", "", "allowed"),
        ("intake", "read", "case", waiting.case_number, "allowed"),
    ]


def test_the_case_list_records_each_case_of_the_page(client, admin_user):
    cases = [factories.CaseFactory(employee_name=f"Adelaide {name}") for name in ("First", "Second")]
    factories.CaseFactory(employee_name="Somebody Else")
    client.force_login(admin_user)

    assert client.get(reverse("cases:list"), {"q": "Adelaide"}).status_code == 200

    assert [number for *_, number, _ in rows(action="cases:list")] == [case.case_number for case in cases]
    assert set(AccessEvent.objects.filter(action="cases:list").values_list("path", flat=True)) == {"/cases/?q=Adelaide"}


def test_a_refusal_outside_the_case_pages_is_recorded_once(client, reviewer):
    client.force_login(reviewer)

    assert client.get(reverse("cases:assign_queue")).status_code == 403
    assert client.get(reverse("cases:qa_queue")).status_code == 403

    assert list(AccessEvent.objects.order_by("pk").values_list("action", "object_type", "outcome")) == [
        ("cases:assign_queue", "page", "denied"),
        ("cases:qa_queue", "page", "denied"),
    ]


def test_the_admins_case_search_and_a_cases_history_are_recorded(client):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    case = factories.CaseFactory(employee_name="Adelaide Search")
    client.force_login(root)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:cases_case_changelist"), {"q": "a"}).status_code == 200
    inserts = _inserts(queries.captured_queries)  # read now: the next request empties the connection's query log
    assert client.get(reverse("admin:cases_case_history", args=[case.pk])).status_code == 200

    assert rows(action="admin:cases.case.list") == [("root", "read", "case", case.case_number, "allowed")]
    assert rows(action="admin:cases.case.history") == [("root", "read", "case", case.case_number, "allowed")]
    assert inserts == 1


@pytest.mark.parametrize(
    "model, factory",
    [
        ("disputeditem", lambda case: factories.DisputedItemFactory(case=case, position=0)),
        ("itemdecision", None),
        ("letterdownload", None),
    ],
)
def test_the_admins_lists_of_a_cases_parts_record_each_row_under_its_case(client, model, factory, reviewer):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    case = factories.determined_case(reviewer=reviewer)
    if factory:
        factory(case)
    client.force_login(root)
    app = "letters" if model == "letterdownload" else "cases"

    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200

    numbers = set(AccessEvent.objects.filter(action=f"admin:{app}.{model}.list").values_list("case_number", flat=True))
    assert numbers == ({case.case_number} if model != "letterdownload" else {""})


def test_the_outbox_is_read_only_in_the_admin_and_a_failed_notice_is_sent_again_unchanged_and_recorded(client):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    failed = OutboxEmail.objects.create(
        to=["nobody@example.org"], subject="Case CM26-0000001", body="Worker Adelaide", status=OutboxEmail.Status.FAILED
    )
    sent = OutboxEmail.objects.create(to=["a@example.org"], subject="Sent", body="Body", status=OutboxEmail.Status.SENT)
    client.force_login(root)
    change = reverse("admin:core_outboxemail_change", args=[failed.pk])

    page = client.get(change)
    edit = client.post(change, {"to": '["attacker@example.org"]', "subject": "x", "body": "rewritten"})
    again = client.post(
        reverse("admin:core_outboxemail_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
    )

    assert (page.status_code, edit.status_code, again.status_code) == (200, 403, 302)
    assert b'name="body"' not in page.content
    failed.refresh_from_db()
    assert (failed.to, failed.body, failed.status) == (["nobody@example.org"], "Worker Adelaide", "queued")
    assert list(AuditEvent.objects.values_list("action", "object_id")) == [("outbox.sent_again", str(failed.pk))]
    assert client.get(reverse("admin:core_outboxemail_add")).status_code == 403
    assert client.get(reverse("admin:core_outboxemail_delete", args=[sent.pk])).status_code == 403
    assert list(AccessEvent.objects.order_by("pk").values_list("action", "kind", "object_id", "outcome")) == [
        ("admin:core.outboxemail", "read", str(failed.pk), "allowed"),
        ("admin:core.outboxemail", "write", str(failed.pk), "denied"),
        ("admin:core.outboxemail.list", "write", "", "allowed"),
        ("admin:core_outboxemail_add", "read", "", "denied"),  # refused by the permission: the middleware's row
        ("admin:core.outboxemail.delete", "read", str(sent.pk), "denied"),
    ]


def test_reading_the_access_log_is_recorded_and_shown_when_asked_for_by_action(client, admin_user):
    client.force_login(admin_user)

    first = client.get(reverse("audit:log"))
    asked = client.get(reverse("audit:log"), {"action": "audit:log"})

    assert list(first.context["events"]) == []
    assert [(event.username, event.object_type) for event in asked.context["events"]] == [("intake", "access_log")]
    assert rows(action="audit:log") == [("intake", "read", "access_log", "", "allowed")] * 2
