"""The hostile-input suite: every form and JSON endpoint of the portal, fed what an attacker or a broken client sends.

The forms are not described here by hand: each page is opened as its user would open it, every ``<form method=post>``
on it is read (its inputs, selects and text areas with the values the page gave them), and then each text field in
turn is replaced by each hostile value and the form posted. Whatever happens, the portal answers below 500, shows
nothing back unescaped, and stores no refused character. JSON endpoints and uploads have their own lists below.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from cases.models import Case, CaseDocument
from core.text import refused_character
from guidelines.models import GuidelineSource
from reviewers.models import ReviewerProfile
from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("hostile")</script>'
IMAGE = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXT = [
    SCRIPT,
    IMAGE,
    "A" * 100_000,
    "nul\x00byte",
    "bell\x07escape\x1b[31m",
    "Upheld\u202edenrutrevO",  # right-to-left override
    "isolate\u2067text\u2069",
    "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",  # Arabic and Hebrew: legitimate
    "e\u0301\u0301\u0301\u0301 combining",  # legitimate
    "2026-02-30",
    "13/45/2026",
    "99999999999999999999999",
    "-1",
    "1e309",
    "../../../etc/passwd",
    "",
]
# What each form field gets (the full list is for GET parameters and JSON, which are cheap to try).
FORM_TEXT = [
    SCRIPT,
    IMAGE,
    "A" * 100_000,
    "nul\x00byte",
    "bell\x07escape",
    "Upheld\u202edenrutrevO",
    "2026-02-30",
    "1e309",
]
UNESCAPED = [SCRIPT.encode(), b"<img src=x onerror=alert(1)>"]
TEXT_INPUTS = {"text", "search", "email", "tel", "url", "number", "date", "password", None}


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values (several for checkboxes/multi)
    text_fields: list[str] = field(default_factory=list)
    has_file: bool = False


class _FormReader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = Form(action=urljoin(self.page_url, attrs.get("action") or self.page_url))
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        submit = tag == "button" and (attrs.get("type") or "submit") == "submit"
        submit = submit or (tag == "input" and (attrs.get("type") or "").lower() == "submit")
        if submit and name and name not in form.fields:  # the form's first button, as a click sends it
            form.fields[name] = [attrs.get("value", "")]
            return
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                form.has_file = True
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form.fields.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "image"):
                form.fields[name] = [attrs.get("value", "")]
                if kind in TEXT_INPUTS and name != "csrfmiddlewaretoken":
                    form.text_fields.append(name)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                form.fields[self._select] = [value]
                self._select_chosen = True

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields[self._textarea] = [self._text.removeprefix("\n")]
            self._form.text_fields.append(self._textarea)
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields[self._select] = [self._select_first]
            self._select = None


def post_forms(client, page_url: str) -> list[Form]:
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    reader = _FormReader("http://testserver" + page_url)
    reader.feed(response.content.decode())
    forms = [form for form in reader.forms if not form.action.endswith(reverse("logout"))]
    assert forms, f"no form on {page_url}"
    return forms


def _stored_refused_characters() -> list[str]:
    """Every text value in the database of the portal's apps that holds a refused character."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {"cases", "guidelines", "reviewers", "letters", "core", "precedents"}:
            continue
        text_fields = [f.name for f in model._meta.fields if isinstance(f, models.CharField | models.TextField)]
        for row in model.objects.values("pk", *text_fields):
            for name in text_fields:
                if isinstance(row[name], str) and refused_character(row[name]):
                    found.append(f"{model._meta.label}#{row['pk']}.{name}")
    return found


def attack(client, page_url: str, *, only: set[str] | None = None) -> dict:
    """Post every form of the page with each text field replaced by each hostile value; return what was tried."""
    tried = {"forms": 0, "fields": 0, "requests": 0}
    for form in post_forms(client, page_url):
        tried["forms"] += 1
        names = [name for name in form.text_fields if only is None or name in only]
        for name in names:
            tried["fields"] += 1
            for value in FORM_TEXT:
                data = {key: values if len(values) > 1 else values[0] for key, values in form.fields.items()}
                data[name] = value
                response = client.post(form.action, data)
                tried["requests"] += 1
                assert response.status_code < 500, (form.action, name, repr(value[:40]), response.status_code)
                for raw in UNESCAPED:
                    assert raw not in response.content, (form.action, name, "shown back unescaped")
                if response.status_code == 302 and "/accounts/login/" in response["Location"]:
                    raise AssertionError(f"logged out by {form.action} {name}")
    assert _stored_refused_characters() == []
    return tried


# -- the forms, as each user meets them -------------------------------------------------------------------------


@pytest.mark.slow  # every intake field × every hostile text: 7 minutes of posts (make test-slow, so .ci/run)
def test_intake_forms_take_hostile_text_without_error_or_half_saved_cases(client, admin_user):
    case = factories.CaseFactory(status="received", case_number="CM25-9000001")  # clear of the intake's numbers
    factories.DisputedItemFactory(case=case)
    client.force_login(admin_user)
    before = {number: Case.objects.get(case_number=number).items.count() for number in [case.case_number]}

    tried = attack(client, reverse("cases:create"))
    attack(client, reverse("cases:edit", args=[case.case_number]))
    attack(client, reverse("cases:detail", args=[case.case_number]))

    assert tried["requests"] > 200
    # Every case saved by the attack has its items; none was left half-made.
    assert [c.case_number for c in Case.objects.all() if not c.items.exists()] == []
    assert Case.objects.get(case_number=case.case_number).items.count() >= before[case.case_number]


def test_guideline_forms_take_hostile_text(client, admin_user):
    source = factories.GuidelineSourceFactory()
    section = factories.GuidelineSectionFactory(source=source)
    client.force_login(admin_user)
    attack(client, reverse("guidelines:source_create"))
    attack(client, reverse("guidelines:section_create", args=[source.key]))
    attack(client, reverse("guidelines:section_edit", args=[section.pk]))
    attack(client, reverse("guidelines:limit_create"))
    attack(client, reverse("guidelines:synonyms"))


def test_roster_and_profile_forms_take_hostile_text(client, admin_user, reviewer):
    profile = factories.reviewer_profile(reviewer)
    client.force_login(admin_user)
    attack(client, reverse("reviewers:edit", args=[profile.pk]))
    client.force_login(reviewer)
    attack(client, reverse("reviewers:me"))
    assert ReviewerProfile.objects.filter(pk=profile.pk).exists()


def _submitted_case(reviewer):
    from cases.services import determinations

    case = factories.case_in_review(reviewer, items=1)
    draft = determinations.start_or_get_draft(case, by=reviewer)
    item = case.items.get()
    determinations.save_draft(
        draft,
        by=reviewer,
        revision=draft.revision,
        summary="The injured worker is a 45 year old.",
        decisions={
            item.pk: {
                "decision": "upheld",
                "basis": {"mtus": [{"chapter": "Chronic Pain", "sections": ["Physical Medicine"]}], "non_mtus": []},
                "rationale": "Therefore the request is not medically necessary.",
            }
        },
    )
    determinations.submit_determination(case.determinations.get(state="draft"), by=reviewer)
    return case


def test_the_workspace_submit_and_qa_forms_take_hostile_text(client, reviewer, qa_user):
    case = factories.case_in_review(reviewer, items=2)
    client.force_login(reviewer)
    attack(client, reverse("cases:workspace", args=[case.case_number]))

    submitted = _submitted_case(reviewer)
    client.force_login(qa_user)
    attack(client, reverse("cases:qa_review", args=[submitted.case_number]))


@pytest.mark.parametrize(
    ("action", "field"), [("return", "comment"), ("approve", "summary"), ("approve", "rationale")], ids=str
)
@pytest.mark.parametrize("text", ["nul\x00byte", "Upheld\u202edenrutrevO", "x" * 60_000], ids=["nul", "rlo", "long"])
def test_qa_comments_and_edits_refuse_what_a_letter_cannot_show(client, reviewer, qa_user, action, field, text):
    case = _submitted_case(reviewer)
    item = case.items.get()
    client.force_login(qa_user)
    name = {"comment": "comment", "summary": "summary", "rationale": f"rationale-{item.pk}"}[field]
    response = client.post(
        reverse("cases:qa_review", args=[case.case_number]), {"action": action, name: text}, follow=True
    )
    if "\x00" in text:  # refused before any view, naming the field (core.middleware.RefuseNulMiddleware)
        assert response.status_code == 400
        assert f"the field “{name}” holds a NUL character (U+0000)" in response.content.decode()
    else:
        assert response.status_code == 200
        assert "Not done:" in response.content.decode()
    assert case.determinations.get(state="submitted")  # neither returned nor approved


# -- JSON: the determination's autosave ------------------------------------------------------------------------


def _autosave(client, case, body):
    return client.post(
        reverse("cases:autosave", args=[case.case_number]),
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
    )


def test_autosave_refuses_wrong_types_control_characters_and_oversized_payloads_with_the_path(client, reviewer):
    case = factories.case_in_review(reviewer, items=1)
    item = case.items.get()
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    key = str(item.pk)
    refused = {
        "not json": ("{summary", "not JSON"),
        "a list": ([1, 2], "expected an object"),
        "deep": ("[" * 100_000 + "]" * 100_000, "levels deep"),
        "revision text": ({"revision": "0"}, "revision"),
        "summary number": ({"revision": 0, "summary": 5}, "summary: expected text"),
        "summary nul": ({"revision": 0, "summary": "a\x00b"}, "summary: character 2 is U+0000"),
        "summary override": ({"revision": 0, "summary": "Upheld\u202e"}, "right-to-left override"),
        "decisions list": ({"revision": 0, "decisions": [1]}, "decisions"),
        "unknown item": ({"revision": 0, "decisions": {"99999999999999999999999": {}}}, "no such disputed item"),
        "decision value": ({"revision": 0, "decisions": {key: {"decision": "maybe"}}}, ".decision"),
        "rationale nul": (
            {"revision": 0, "decisions": {key: {"rationale": "x\x00"}}},
            f"decisions[{key}].rationale: character 2",
        ),
        "basis type": ({"revision": 0, "decisions": {key: {"basis": "MTUS"}}}, ".basis"),
        "chapter control": (
            {"revision": 0, "decisions": {key: {"basis": {"mtus": [{"chapter": "a\x1b", "sections": []}]}}}},
            ".basis.mtus[0].chapter",
        ),
        "citations flood": (
            {"revision": 0, "decisions": {key: {"basis": {"mtus": [], "non_mtus": ["x"] * 5000}}}},
            "at most 40",
        ),
        "citations too long": (
            {"revision": 0, "decisions": {key: {"basis": {"mtus": [], "non_mtus": ["x" * 900] * 30}}}},
            "at most 20000 per item",
        ),
        "ref id": (
            {"revision": 0, "decisions": {key: {"guideline_refs": [{"id": 10**30}]}}},
            ".guideline_refs[0].id",
        ),
        "summary too long": ({"revision": 0, "summary": "x" * 60_000}, "too long"),
    }
    for name, (body, message) in refused.items():
        response = _autosave(client, case, body)
        assert response.status_code == 400, (name, response.status_code, response.content[:200])
        assert message in response.json()["error"], (name, response.json()["error"])
    assert case.determinations.get().revision == 0  # nothing of it was saved

    huge = _autosave(client, case, {"revision": 0, "summary": "x" * 5_000_000})
    assert huge.status_code == 400  # over DATA_UPLOAD_MAX_MEMORY_SIZE

    right_to_left = _autosave(client, case, {"revision": 0, "summary": "\u05e9\u05dc\u05d5\u05dd e\u0301"})
    assert right_to_left.status_code == 200  # Hebrew and combining marks are text
    stale = _autosave(client, case, {"revision": 99999999999999999999999, "summary": "x"})
    assert stale.status_code in (400, 409)


def test_submitting_with_a_huge_revision_is_refused_clearly(client, reviewer):
    case = factories.case_in_review(reviewer, items=1)
    client.force_login(reviewer)
    client.get(reverse("cases:workspace", args=[case.case_number]))
    response = client.post(
        reverse("cases:submit_determination", args=[case.case_number]),
        {"revision": "99999999999999999999999", "summary": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert case.determinations.get().state == "draft"


# -- JSON documents: the case and library imports --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"), [("cases:import", "document"), ("guidelines:import", "file")], ids=["cases", "library"]
)
@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"format": "imr-case/1", "cases": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b"\xff\xfe not utf-8",
        b"",
        b'{"format": "imr-case/1", "cases": "many"}',
        b'{"format": "imr-guidelines/1", "sources": [{"key": "\\u0000"}]}',
        b"null",
    ],
    ids=["deep", "deep-inside", "not-utf8", "empty", "wrong-type", "nul", "null"],
)
def test_imports_refuse_broken_documents_with_a_message(client, admin_user, url, field, content):
    client.force_login(admin_user)
    upload = io.BytesIO(content)
    upload.name = "document.json"
    response = client.post(reverse(url), {field: upload})
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "alert-danger" in page or "invalid-feedback" in page or "errorlist" in page
    assert Case.objects.count() == 0


# -- uploads ------------------------------------------------------------------------------------------------------


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _many_pages_pdf(pages: int) -> bytes:
    """A small file that declares ``pages`` pages (one page object, referenced again and again)."""
    kids = " ".join(["3 0 R"] * pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _object_stream_bomb() -> bytes:
    """The catalog inside an object stream that inflates past pypdf's 75 MB limit (pypdf: LimitReachedError)."""
    import struct
    import zlib

    inner = b"1 0 2 40 " + b"<< /Type /Catalog /Pages 2 0 R >>".ljust(40) + b"<< /Type /Pages /Kids [] /Count 0 >>"
    data = zlib.compress(inner + b" " * 80_000_000, 9)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    stream_at = out.tell()
    out.write(b"4 0 obj\n<< /Type /ObjStm /N 2 /First 9 /Filter /FlateDecode /Length %d >>\nstream\n" % len(data))
    out.write(data + b"\nendstream\nendobj\n")
    rows = b"".join(struct.pack(">BIH", *row) for row in [(0, 0, 65535), (2, 4, 0), (2, 4, 1), (1, stream_at, 0)])
    xref_at = out.tell()
    out.write(b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Index [0 4] /Root 1 0 R /Length %d >>\n" % len(rows))
    out.write(b"stream\n" + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


BAD_UPLOADS = {
    "not a pdf": ("records.pdf", b"GIF89a not a pdf at all", "not a PDF"),
    "empty": ("records.pdf", b"", "empty"),
    "truncated": ("records.pdf", factories.small_pdf(pages=2)[:200], "damaged"),
    "encrypted": ("records.pdf", None, "password-protected"),
    "thousands of pages": ("records.pdf", None, "pages"),
    "spaces": ("records.pdf", b"%PDF-1.7" + b" " * 200_000, "damaged"),
    "object stream bomb": ("records.pdf", None, "damaged"),
}


def _bad_upload(name: str) -> tuple[str, bytes, str]:
    filename, data, message = BAD_UPLOADS[name]
    if name == "encrypted":
        data = _encrypted_pdf()
    elif name == "thousands of pages":
        data = _many_pages_pdf(20_000)
    elif name == "object stream bomb":
        data = _object_stream_bomb()
    return filename, data, message


@pytest.mark.parametrize("name", list(BAD_UPLOADS))
def test_a_bad_record_upload_is_refused_at_the_field(client, admin_user, name):
    case = factories.CaseFactory(status="received")
    client.force_login(admin_user)
    filename, data, message = _bad_upload(name)
    upload = io.BytesIO(data)
    upload.name = filename
    response = client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": upload, "title": "", "author": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.content.decode(), response.content.decode()[-2000:]
    assert case.documents.count() == 0


def test_a_path_in_an_uploaded_files_name_is_not_kept(client, admin_user):
    case = factories.CaseFactory(status="received")
    client.force_login(admin_user)
    upload = io.BytesIO(factories.small_pdf(marker="path"))
    upload.name = "../../../etc/passwd.pdf"
    client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": upload, "title": "", "author": ""},
    )
    document = case.documents.get()
    assert "/" not in document.original_name and ".." not in document.file.name
    assert document.original_name == "passwd.pdf"


def test_a_pdf_with_a_300_character_name_and_no_title_is_stored_with_the_name_cut_to_fit(client, admin_user):
    case = factories.CaseFactory(status="received")
    client.force_login(admin_user)
    upload = io.BytesIO(factories.small_pdf(marker="long name"))
    upload.name = "Progress report " + "x" * 280 + ".pdf"

    response = client.post(
        reverse("cases:document_upload", args=[case.case_number]),
        {"kind": "medical_records", "file": upload, "title": "", "author": ""},
    )

    assert response.status_code == 302
    document = case.documents.get()
    assert document.title == ("Progress report " + "x" * 280)[:200]
    assert len(document.original_name) == 255 and document.original_name.endswith("x.pdf")
    assert len(document.file.name) <= CaseDocument._meta.get_field("file").max_length
    assert document.file.name.endswith(".pdf")


@pytest.mark.parametrize("name", list(BAD_UPLOADS))
def test_a_bad_file_given_to_the_precedent_import_gets_a_per_file_report(client, admin_user, name):
    filename, data, _ = _bad_upload(name)
    upload = io.BytesIO(data)
    upload.name = filename
    client.force_login(admin_user)
    response = client.post(reverse("precedents:upload"), {"files": [upload]})
    assert response.status_code in (200, 400), response.status_code
    assert b"Traceback" not in response.content
    assert Case.objects.count() == 0


@pytest.mark.parametrize("name", ["not a pdf", "empty", "truncated", "encrypted", "spaces", "object stream bomb"])
def test_a_bad_file_on_the_public_verification_page_gets_a_clear_answer(client, name):
    filename, data, _ = _bad_upload(name)
    upload = io.BytesIO(data)
    upload.name = filename
    response = client.post(reverse("letters:verify"), {"file": upload})
    assert response.status_code in (200, 400)
    assert b"Traceback" not in response.content


# -- GET parameters ---------------------------------------------------------------------------------------------


def test_the_assignment_page_of_an_imported_case_in_review_without_a_reviewer_opens(client, admin_user):
    case = factories.CaseFactory(status="in_review", reviewer=None)
    factories.DisputedItemFactory(case=case)
    client.force_login(admin_user)
    response = client.get(reverse("cases:assign", args=[case.case_number]))
    assert response.status_code == 200
    assert "no reviewer" in response.content.decode().lower()


def test_search_and_filter_parameters_take_hostile_text(client, admin_user, reviewer):
    case = factories.case_in_review(reviewer, documents=1)
    pages = [
        (admin_user, reverse("cases:list"), ["q", "status", "priority", "page", "received_from"]),
        (admin_user, reverse("letters:center"), ["case_number", "signed_from", "page", "rendition"]),
        (admin_user, reverse("audit:log"), ["user", "case_number", "date_from", "page", "outcome"]),
        (admin_user, reverse("guidelines:search"), ["q", "category", "chapter", "region", "limit", "first"]),
        (admin_user, reverse("precedents:search"), ["q", "category", "guideline", "region", "outcome"]),
        (reviewer, reverse("precedents:similar"), ["item", "q", "guideline"]),
        (reviewer, reverse("cases:records_search", args=[case.case_number]), ["q"]),
    ]
    for user, url, names in pages:
        client.force_login(user)
        for name in names:
            for value in HOSTILE_TEXT:
                if "\x00" in value:
                    continue  # a NUL in the address is a 400 before any view (tested in tests/audit)
                response = client.get(url, {name: value})
                assert response.status_code < 500, (url, name, repr(value[:40]))
                if response["Content-Type"].startswith("application/json"):
                    assert response["X-Content-Type-Options"] == "nosniff"  # data, never read as a page
                    continue
                for raw in UNESCAPED:
                    assert raw not in response.content, (url, name)


def test_an_import_of_endless_empty_cases_stops_at_the_bound_in_moments(client, admin_user, settings):
    settings.IMR_IMPORT_MAX_CASES = 1_000
    client.force_login(admin_user)
    upload = io.BytesIO(b'{"format": "imr-case/1", "cases": [' + b",".join([b"{}"] * 2_000_000) + b"]}")
    upload.name = "cases.json"
    response = client.post(reverse("cases:import"), {"document": upload})
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors[-1] == "(document): stopped after 500 errors"  # 1,000 empty cases are 1,000s of errors
    assert Case.objects.count() == 0


def test_an_import_with_more_cases_than_the_bound_is_refused(client, admin_user, settings, published_document):
    settings.IMR_IMPORT_MAX_CASES = 3
    client.force_login(admin_user)
    upload = io.BytesIO(json.dumps(published_document).encode())
    upload.name = "cases.json"
    response = client.post(reverse("cases:import"), {"document": upload})
    assert response.context["errors"] == ["cases: more than 3 cases in one file; split it (IMR_IMPORT_MAX_CASES)"]
    assert Case.objects.count() == 0


def test_an_import_refuses_texts_a_letter_cannot_show_with_their_paths(client, admin_user, published_document):
    document = {"format": published_document["format"], "cases": published_document["cases"][:2]}
    document["cases"][1]["items"][0]["description"] = "Naproxen\u202e 550 mg"
    document["cases"][0]["clinical_case_summary"] = "Summary\x07"
    client.force_login(admin_user)
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "cases.json"
    response = client.post(reverse("cases:import"), {"document": upload})
    assert response.context["errors"] == [
        "cases[0].clinical_case_summary: character 8 is U+0007 (a control character), which a letter cannot show "
        "as typed",
        "cases[1].items[0].description: character 9 is U+202E (right-to-left override), which a letter cannot show "
        "as typed",
    ]
    assert Case.objects.count() == 0


def test_a_library_import_refuses_texts_a_letter_cannot_show_with_their_paths(client, admin_user):
    source = {"key": "t-hostile", "family": "ODG", "chapter": "Shoulder\u202e"}
    source["sections"] = [{"name": "Physical therapy", "recommendation": "Recommended\x07"}]
    upload = io.BytesIO(json.dumps({"format": "imr-guidelines/1", "sources": [source]}).encode())
    upload.name = "library.json"
    client.force_login(admin_user)

    response = client.post(reverse("guidelines:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["errors"] == [
        "$.sources[0].chapter: character 9 is U+202E (right-to-left override), which a letter cannot show as typed",
        "$.sources[0].sections[0].recommendation: character 12 is U+0007 (a control character), which a letter "
        "cannot show as typed",
    ]
    assert GuidelineSource.objects.filter(key="t-hostile").count() == 0
