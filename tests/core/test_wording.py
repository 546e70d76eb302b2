"""The wording and small things of issue 13: plurals, status labels, category and region labels instead of codes,
no always-empty columns, the assigned reviewer named, action fields only where used, a favicon, 403s logged in one
line, and "already submitted" rather than "conflict" after Back from a submitted determination."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cases.services import determinations
from core.categories import category_label, guideline_topic_label
from devtools.demo.cases import date_timeline, in_sentence
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory, case_in_review

pytestmark = pytest.mark.django_db

BASIS = {"mtus": [{"chapter": "Chronic Pain Medical Treatment 2016", "sections": ["Physical Medicine"]}]}
NOT_NECESSARY = "No functional improvement is documented. The request is not medically necessary."


def _submitted(reviewer):
    case = case_in_review(reviewer, items=1)
    item = case.items.get()
    draft = determinations.start_or_get_draft(case, by=reviewer)
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=0,
        summary="S",
        decisions={item.pk: {"decision": "upheld", "basis": {**BASIS, "non_mtus": []}, "rationale": NOT_NECESSARY}},
    )
    determinations.submit_determination(draft, by=reviewer)
    return case


def test_a_submitted_determination_reads_locked_with_its_state_label(client, reviewer):
    case = _submitted(reviewer)
    client.force_login(reviewer)

    html = client.get(reverse("cases:workspace", args=[case.case_number])).content.decode()

    assert re.search(r'id="save-status"[^>]*>Locked: Submitted to QA</span>', html)
    assert "submitted to qa" not in html


def test_autosave_after_back_from_a_submission_says_it_was_already_submitted(client, reviewer):
    case = _submitted(reviewer)
    client.force_login(reviewer)

    response = client.post(
        reverse("cases:autosave", args=[case.case_number]), data='{"revision": 1}', content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "status": "locked",
        "error": "This determination was already submitted: it can no longer be changed.",
    }


def test_items_show_their_category_label_or_say_none_is_set(client, admin_user, reviewer):
    case = case_in_review(reviewer, items=2)
    first, second = case.items.order_by("position")
    first.category = "Home Health Services"
    first.save(update_fields=["category"])
    second.category = ""
    second.save(update_fields=["category"])
    client.force_login(admin_user)

    html = client.get(case.get_absolute_url()).content.decode()

    assert "Home health services · UR" in html
    assert "No treatment category · UR" in html
    assert "uncategorized" not in html.lower()
    assert (category_label("Home Health Services"), category_label("")) == (
        "Home health services",
        "No treatment category",
    )


def test_guideline_pages_show_labels_and_no_column_that_is_empty_on_every_row(client, reviewer):
    source = GuidelineSourceFactory()
    GuidelineSectionFactory(
        source=source, name="Heat", treatment_category="physical_modality", body_region="wrist_hand"
    )
    GuidelineSectionFactory(source=source, name="Aides", treatment_category="home_health")
    client.force_login(reviewer)

    html = client.get(source.get_absolute_url()).content.decode()

    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert re.findall(r'<th scope="col">([^<]+)</th>', header) == [
        "Section",
        "Body region",
        "Treatment category",
        "Cited in letters",
        "Version",
    ]
    assert "<td>Physical modalities</td>" in html
    assert "<td>Home health services</td>" in html
    assert "<td>Wrist and hand</td>" in html
    assert "physical_modality</td>" not in html and "home_health</td>" not in html
    assert guideline_topic_label("lab_test") == "Laboratory tests"
    assert guideline_topic_label("new_code") == "New code"


def test_a_guideline_section_page_leaves_out_the_facts_it_does_not_have(client, reviewer):
    section = GuidelineSectionFactory(name="Heat", treatment_category="physical_modality")
    client.force_login(reviewer)

    html = client.get(section.get_absolute_url()).content.decode()

    assert '<dd class="col-sm-10">Physical modalities</dd>' in html
    assert ">Pages</dt>" not in html and ">Evidence level</dt>" not in html and ">Body region</dt>" not in html


def test_the_administrators_case_page_names_the_assigned_reviewer(client, admin_user, reviewer):
    case = case_in_review(reviewer, items=1)
    client.force_login(admin_user)

    html = client.get(case.get_absolute_url()).content.decode()

    assert '<dd class="col-sm-8" id="assigned-reviewer">Riley Marchetti</dd>' in html


def test_the_date_and_records_request_fields_belong_to_the_actions_that_use_them(client, admin_user):
    from tests.factories import CaseFactory

    case = CaseFactory(status="eligible")
    client.force_login(admin_user)

    html = client.get(case.get_absolute_url()).content.decode()

    assert '<div class="col-sm-6" data-for-actions="request_records receive_records"><label class="form-label" ' in html
    assert '<div class="col-sm-6" data-for-actions="request_records"><label class="form-label" for="id_method">' in html
    assert '<script src="/static/js/case-actions.js"></script>' in html


def test_every_page_links_its_favicon_and_the_file_exists(client, admin_user):
    client.force_login(admin_user)

    html = client.get(reverse("cases:list")).content.decode()

    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("img/favicon.svg") is not None


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_a_refused_request_is_logged_in_one_line_without_a_traceback(client, reviewer):
    logger = logging.getLogger("django.request")
    records = _Records()
    logger.addHandler(records)
    client.force_login(reviewer)
    try:
        response = client.get(reverse("letters:center"))
    finally:
        logger.removeHandler(records)

    assert response.status_code == 403
    assert [(record.getMessage(), record.exc_info) for record in records.records] == [
        ("Forbidden (Permission denied): /letters/", None)
    ]


def test_a_server_error_keeps_its_traceback_in_the_log():
    from imrportal.settings import _refusal_without_traceback

    record = logging.LogRecord(
        "django.request", logging.ERROR, "", 0, "Internal Server Error", (), (ValueError, None, None)
    )
    record.status_code = 500

    assert _refusal_without_traceback(record) is True
    assert record.exc_info is not None


def test_demo_treatments_read_in_sentence_case():
    assert [
        in_sentence(text) for text in ("Tramadol ER 100 mg #30", "TENS unit, 30-day rental", "MRI of the knee")
    ] == [
        "tramadol ER 100 mg #30",
        "TENS unit, 30-day rental",
        "MRI of the knee",
    ]


def test_a_demo_timeline_follows_the_cases_own_dates_in_order_and_in_the_past(reviewer):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    case = case_in_review(reviewer, items=1)
    case.application_received = today - datetime.timedelta(days=20)
    case.records_received = today - datetime.timedelta(days=12)
    case.assigned_date = today - datetime.timedelta(days=19)
    case.save(update_fields=["application_received", "records_received", "assigned_date"])

    date_timeline(case, today=today)

    steps = list(case.transitions.order_by("at", "pk"))
    moments = [timezone.localtime(step.at) for step in steps]
    assert (steps[0].to_status, moments[0].date(), moments[0].strftime("%H:%M")) == (
        "eligible",
        case.assigned_date,
        "10:20",
    )
    received = next(step for step in steps if step.to_status == "records_received")
    assert timezone.localtime(received.at).date() == case.records_received
    assert moments == sorted(moments)
    assert moments[-1] <= timezone.localtime()
