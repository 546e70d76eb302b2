"""The party portal: "Our cases", a case's page, sending documents, letters and notices; each page shows the
organization's own cases only (another's answers 404 exactly like a case that does not exist), never another party's
uploads, never a reviewer's name; every read and change is in the access log."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import CaseDocument, RecordsDocument
from cases.services.documents import add_document
from core.models import Party
from core.notifications import queue_email
from letters.models import LetterDownload, Rendition
from letters.services import generate_rendition
from parties import uploads
from parties import views as parties_views
from tests import factories
from tests.parties.conftest import organization_case, party_user, sign_in

pytestmark = pytest.mark.django_db


def pdf(name: str, marker: str | None = None, pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.small_pdf(pages=pages, marker=marker or name), "application/pdf")


def send(client, case, files, kinds):
    data = {"files": files, **{f"kind_{index}": kind for index, kind in enumerate(kinds)}}
    return client.post(reverse("parties:send_documents", args=[case.case_number]), data)


def test_a_party_user_lands_on_our_cases_when_logging_in(member_client):
    response = member_client.get(reverse("home"))

    assert (response.status_code, response["Location"]) == (302, reverse("parties:home"))


def test_our_cases_shows_the_organizations_cases_only_with_what_is_outstanding_and_by_when(
    member_client, member, organization, other_organization
):
    ours = organization_case(organization, employee_name="Marisol Quintana")
    theirs = organization_case(other_organization, employee_name="Bartholomew Oyelaran")

    response = member_client.get(reverse("parties:home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert ours.case_number in page
    assert "Marisol Quintana" in page
    assert theirs.case_number not in page
    assert "Bartholomew Oyelaran" not in page
    assert "Records requested from the claims administrator" in page
    assert f"Due {ours.records_due_date:%m/%d/%Y}" in page
    assert "The medical records and information the UR reviewer relied on" in page
    rows = AccessEvent.objects.filter(user=member, action="parties:home")
    assert list(rows.values_list("object_type", "case_number")) == [("case", ours.case_number)]


def test_every_case_page_of_the_portal_answers_404_for_another_organizations_case_as_for_a_missing_one(
    member_client, member, other_organization
):
    theirs = organization_case(other_organization)
    document = add_document(theirs, data=factories.small_pdf(marker="x"), name="x.pdf", kind="medical_records")
    letter_case = factories.determined_case(claims_administrator=other_organization)
    letter = generate_rendition(letter_case, rendition=Rendition.PARTIES)
    urls = {
        "case": (reverse("parties:case", args=[theirs.case_number]), "CM99-9999999"),
        "receipt": (
            reverse("parties:receipt", args=[theirs.case_number, document.pk]),
            reverse("parties:receipt", args=["CM99-9999999", document.pk]),
        ),
        "letter": (
            reverse("parties:letter", args=[letter_case.case_number, letter.pk]),
            reverse("parties:letter", args=["CM99-9999999", letter.pk]),
        ),
    }
    urls["case"] = (urls["case"][0], reverse("parties:case", args=["CM99-9999999"]))

    statuses = {
        name: (member_client.get(url).status_code, member_client.get(missing).status_code)
        for name, (url, missing) in urls.items()
    }
    posted = send(member_client, theirs, [pdf("a.pdf")], [uploads.UploadKind.UR_RECORDS])

    assert statuses == {"case": (404, 404), "receipt": (404, 404), "letter": (404, 404)}
    assert posted.status_code == 404
    assert theirs.documents.count() == 1
    assert LetterDownload.objects.count() == 0
    refused = AccessEvent.objects.filter(user=member, outcome=AccessEvent.Outcome.NOT_FOUND)
    assert refused.filter(case_number=theirs.case_number).count() == 3  # the case page, the receipt, the upload


def test_three_pdfs_sent_at_once_are_stored_as_sent_by_the_organization_and_tick_the_checklist(
    member_client, member, organization
):
    case = organization_case(organization)
    kinds = [uploads.UploadKind.UR_DECISION, uploads.UploadKind.UR_RECORDS, uploads.UploadKind.TREATING_REPORTS]

    response = send(member_client, case, [pdf("ur.pdf"), pdf("records.pdf", pages=3), pdf("reports.pdf")], kinds)

    assert response.status_code == 302
    stored = CaseDocument.objects.filter(case=case).order_by("original_name")
    assert [(d.original_name, d.kind, d.sent_by, d.uploaded_by) for d in stored] == [
        ("records.pdf", "medical_records", organization, member),
        ("reports.pdf", "medical_records", organization, member),
        ("ur.pdf", "ur_decision", organization, member),
    ]
    today = timezone.localdate()
    ticked = RecordsDocument.objects.filter(case=case, received_on=today).values_list("kind", "received_from")
    assert sorted(ticked) == [
        ("treating_reports", "Golden State Claims"),
        ("ur_decision", "Golden State Claims"),
        ("ur_records", "Golden State Claims"),
    ]
    page = member_client.get(reverse("parties:case", args=[case.case_number])).content.decode()
    for document in stored:
        assert document.sha256 in page  # the receipt: its SHA-256, when, by whom
    assert page.count(f"Received {today:%m/%d/%Y}</span> from Golden State Claims") == 3
    writes = AccessEvent.objects.filter(user=member, action="parties:send_documents", kind=AccessEvent.Kind.WRITE)
    assert list(writes.values_list("case_number", flat=True)) == [case.case_number]


def test_the_last_checklist_line_sent_completes_the_records_and_starts_the_clock(member_client, organization):
    case = organization_case(organization)
    kinds = [kind for kind in uploads.UploadKind.values if kind != uploads.UploadKind.MEDICAL_RECORDS]

    send(member_client, case, [pdf(f"{kind}.pdf") for kind in kinds], kinds)

    case.refresh_from_db()
    assert (case.status, case.records_received) == ("records_received", timezone.localdate())


def test_a_bad_file_among_good_ones_is_named_and_nothing_of_the_batch_is_saved(member_client, organization, settings):
    case = organization_case(organization)
    fake = SimpleUploadedFile("scan.pdf", b"this is not a PDF at all", "application/pdf")

    response = send(member_client, case, [pdf("good.pdf"), fake], [uploads.UploadKind.UR_RECORDS] * 2)

    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was sent." in page
    assert "scan.pdf is not a PDF file (its content is not PDF, whatever its name)." in page
    assert CaseDocument.objects.filter(case=case).count() == 0
    assert RecordsDocument.objects.filter(case=case, received_on__isnull=False).count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or [path for path in media.rglob("*") if path.is_file()] == []


def test_a_file_already_on_the_case_and_a_missing_kind_are_named(member_client, organization):
    case = organization_case(organization)
    send(member_client, case, [pdf("first.pdf", marker="same")], [uploads.UploadKind.UR_RECORDS])

    again = send(
        member_client, case, [pdf("again.pdf", marker="same"), pdf("other.pdf")], [uploads.UploadKind.UR_RECORDS, "x"]
    )

    page = again.content.decode()
    assert f"again.pdf is already on case {case.case_number}." in page
    assert "other.pdf: choose what the document is." in page
    assert CaseDocument.objects.filter(case=case).count() == 1


def test_sending_nothing_says_so(member_client, organization):
    case = organization_case(organization)

    response = send(member_client, case, [], [])

    assert response.status_code == 400
    assert "Choose at least one PDF file to send." in response.content.decode()


def test_a_decided_case_takes_no_documents(member_client, organization):
    case = factories.determined_case(claims_administrator=organization)

    page = member_client.get(reverse("parties:case", args=[case.case_number])).content.decode()
    posted = send(member_client, case, [pdf("late.pdf")], [uploads.UploadKind.UR_RECORDS])

    assert "This case takes no more documents: it is decided or ended." in page
    assert 'id="party-upload"' not in page
    assert posted.status_code == 403
    assert case.documents.count() == 0


def test_another_partys_uploads_and_staff_filed_records_are_not_shown(client, member, organization):
    firm = Party.objects.create(kind=Party.Kind.LAW_FIRM, name="Reyes & Park LLP")
    case = organization_case(organization, employee_attorney=firm)
    lawyer = party_user(firm, "lawyer")
    sign_in(client, lawyer)
    send(client, case, [pdf("attorney-letter.pdf")], [uploads.UploadKind.CORRESPONDENCE])
    add_document(case, data=factories.small_pdf(marker="staff"), name="staff-filed.pdf", kind="medical_records")
    theirs = case.documents.get(original_name="attorney-letter.pdf")

    sign_in(client, member)
    page = client.get(reverse("parties:case", args=[case.case_number])).content.decode()
    receipt = client.get(reverse("parties:receipt", args=[case.case_number, theirs.pk]))

    assert "attorney-letter.pdf" not in page
    assert theirs.sha256 not in page
    assert "staff-filed.pdf" not in page
    assert receipt.status_code == 404
    # The attorney's correspondence does not tick the claims administrator's checklist.
    assert RecordsDocument.objects.filter(case=case, received_on__isnull=False).count() == 0


def test_the_reviewers_name_is_on_no_party_page(member_client, organization, reviewer):
    # A worker's name of our own: the factory's random one may be a "Riley" (the reviewer's first name) now and then.
    case = factories.case_in_review(reviewer, claims_administrator=organization, employee_name="Jane Roe")

    pages = [
        member_client.get(reverse("parties:home")).content.decode(),
        member_client.get(reverse("parties:case", args=[case.case_number])).content.decode(),
    ]

    assert [
        ("Marchetti" in page, "Riley" in page, "Under review by an independent physician" in page) for page in pages
    ] == [
        (False, False, True),
        (False, False, True),
    ]


def test_the_signed_letter_is_downloadable_and_the_download_is_recorded_as_a_delivery(
    member_client, member, organization
):
    case = factories.determined_case(claims_administrator=organization)
    letter = generate_rendition(case, rendition=Rendition.PARTIES)
    public = generate_rendition(case, rendition=Rendition.PUBLIC)

    page = member_client.get(reverse("parties:case", args=[case.case_number])).content.decode()
    response = member_client.get(reverse("parties:letter", args=[case.case_number, letter.pk]))
    redacted = member_client.get(reverse("parties:letter", args=[case.case_number, public.pk]))

    assert reverse("parties:letter", args=[case.case_number, letter.pk]) in page
    assert reverse("parties:letter", args=[case.case_number, public.pk]) not in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert redacted.status_code == 404
    assert list(LetterDownload.objects.values_list("letter", "by")) == [(letter.pk, member.pk)]
    logged = AccessEvent.objects.filter(user=member, action="parties:letter", outcome=AccessEvent.Outcome.ALLOWED)
    assert list(logged.values_list("object_type", "object_id")) == [("letter", str(letter.pk))]


def test_the_notices_addressed_to_the_organization_show_and_others_do_not(member_client, member, organization):
    case = organization_case(organization)
    queue_email("assignment_notice", [organization.email], _notice(case, "Golden State Claims"), related=case)
    queue_email("assignment_notice", ["someone@else.example"], _notice(case, "Someone Else"), related=case)

    page = member_client.get(reverse("parties:case", args=[case.case_number])).content.decode()

    assert "To Golden State Claims (claims administrator)" in page
    assert "To Someone Else" not in page


def _notice(case, name):
    return {
        "recipient_name": name,
        "recipient_role": "claims administrator",
        "case_number": case.case_number,
        "organization_name": "MAXIMUS",
        "items": [],
    }


def test_staff_users_get_403_on_the_party_pages(client, staff_user, admin_user, organization):
    case = organization_case(organization)
    statuses = []
    for user in (staff_user, admin_user):
        client.force_login(user)
        statuses += [
            client.get(reverse("parties:home")).status_code,
            client.get(reverse("parties:case", args=[case.case_number])).status_code,
        ]

    assert statuses == [403, 403, 403, 403]


def test_a_party_user_with_a_factor_not_passed_in_this_session_is_asked_for_it(client, member, organization):
    case = organization_case(organization)
    client.force_login(member)  # the password only

    response = client.get(reverse("parties:case", args=[case.case_number]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert AccessEvent.objects.filter(user=member, case_number=case.case_number).count() == 0


def test_our_cases_comes_a_page_at_a_time_open_cases_first(member_client, member, organization, monkeypatch):
    monkeypatch.setattr(parties_views, "PAGE_SIZE", 2)
    closed = organization_case(organization)
    closed.status = "closed"
    closed.save()
    open_cases = sorted((organization_case(organization) for _ in range(3)), key=lambda case: case.case_number)

    first = member_client.get(reverse("parties:home")).content.decode()
    second = member_client.get(reverse("parties:home"), {"page": 2}).content.decode()

    assert [case.case_number in first for case in reversed(open_cases)] == [True, True, False]
    assert open_cases[0].case_number in second and closed.case_number in second
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    logged = AccessEvent.objects.filter(user=member, action="parties:home", object_type="case")
    assert logged.count() == 4, "each page logs the cases it shows"
