"""A month's invoice for a claims administrator: its lines and total against a computation made here from the fee
notices themselves, its signed PDF checked from outside (pdfsig, with an NSS database trusting the organization's
root), its CSV, sending, payments, overdue and aging, and who may see it."""

from __future__ import annotations

import csv
import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from asn1crypto import pem
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessEvent
from billing.models import Invoice
from billing.services import send_invoice
from letters.services import signing_setup
from letters.signing import verify_pdf
from tests.billing.conftest import NOVEMBER, ended_case
from tests.factories import PartyFactory
from tests.pdftext import pdftotext

pytestmark = pytest.mark.django_db

# What each of Acme's November cases owes, worked out here from the DWC's notices (not through billing's code):
# applications from 04/01/2014: standard $420, expedited $515, pharmacy-only $390; applications from 01/01/2020:
# $345 a determination (any track), $115 ended before a reviewer, $345 after (the figure the seed marks unconfirmed).
EXPECTED = {
    "standard": Decimal("345.00"),
    "expedited": Decimal("345.00"),
    "formulary": Decimal("345.00"),
    "standard_2014": Decimal("420.00"),
    "expedited_2014": Decimal("515.00"),
    "formulary_2014": Decimal("390.00"),
    "withdrawn_before": Decimal("115.00"),
    "ineligible": Decimal("115.00"),
    "terminated_after": Decimal("345.00"),
}


def make_november_invoice(client, acme) -> Invoice:
    response = client.post(reverse("billing:invoices"), {"month": "2026-11"})
    assert response.status_code == 302
    return Invoice.objects.get(claims_administrator=acme, period=NOVEMBER)


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def nss_database_trusting_the_organization(folder) -> str:
    database = f"sql:{folder}"
    root = folder / "root.pem"
    root.write_bytes(pem.armor("CERTIFICATE", signing_setup().trust_roots[0].dump()))
    subprocess.run(["certutil", "-N", "-d", database, "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", database, "-n", "imr-root", "-t", "CT,C,C", "-i", str(root)],
        check=True,
        capture_output=True,
    )
    return database


def test_the_month_invoice_has_one_line_per_ended_case_at_the_fee_of_its_kind_and_the_total_adds_up(
    admin_client, acme, november_cases
):
    billed, not_billed = november_cases

    invoice = make_november_invoice(admin_client, acme)
    rows = csv_rows(admin_client.get(reverse("billing:invoice_csv", args=[invoice.pk])))

    expected = {billed[name].case_number: amount for name, amount in EXPECTED.items()}
    lines = {row["case_number"]: Decimal(row["amount"]) for row in rows if row["case_number"] != "TOTAL"}
    assert lines == expected
    assert rows[-1]["case_number"] == "TOTAL"
    assert Decimal(rows[-1]["amount"]) == sum(expected.values()) == Decimal("2935.00")
    assert invoice.total == Decimal("2935.00")
    assert (invoice.status, invoice.number) == ("draft", f"INV-202611-{acme.pk:05d}")
    assert not {case.case_number for case in not_billed.values()} & set(lines)
    by_case = {row["case_number"]: row for row in rows}
    assert by_case[billed["terminated_after"].case_number]["fee_kind"] == "Ended after the case went to a reviewer"
    assert by_case[billed["withdrawn_before"].case_number]["how_it_ended"] == "Withdrawn"
    assert by_case[billed["withdrawn_before"].case_number]["ended_on"] == "2026-11-15"
    assert by_case[billed["standard_2014"].case_number]["fee_schedule_from"] == "2014-04-01"


def test_the_sent_invoice_is_a_signed_pdf_that_pdfsig_finds_valid_and_trusted(
    admin_client, acme, november_cases, tmp_path
):
    billed, _ = november_cases
    invoice = make_november_invoice(admin_client, acme)

    sent = admin_client.post(reverse("billing:invoice_send", args=[invoice.pk]))
    response = admin_client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))

    assert sent.status_code == 302
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    invoice.refresh_from_db()
    assert bytes(invoice.pdf) == response.content  # the PDF as sent, never made again
    path = tmp_path / "invoice.pdf"
    path.write_bytes(response.content)
    result = subprocess.run(
        ["pdfsig", "-nssdir", nss_database_trusting_the_organization(tmp_path), str(path)],
        capture_output=True,
        text=True,
    )
    assert "Signature is Valid." in result.stdout
    assert "Certificate is Trusted." in result.stdout
    fields = PdfReader(io.BytesIO(response.content)).get_fields() or {}
    signature = next(field["/V"] for field in fields.values() if field.get("/FT") == "/Sig")
    assert signature["/Reason"] == "Invoice for independent medical review fees (8 CCR 9792.10.8)"
    assert verify_pdf(response.content, signing_setup().trust_roots).authentic is True
    text = " ".join(pdftotext(response.content).split())
    assert text.startswith(f"Invoice {invoice.number}")
    assert "Bill to Acme Claims Services" in text
    assert f"Invoice date {timezone.localdate():%m/%d/%Y}" in text
    assert "Total due $2935.00" in text
    case = billed["expedited_2014"]
    # Table cells wrap: the line reads across its first line of text.
    assert (
        f"{case.case_number} {case.claim_number} 06/02/2014 Determination 11/10/2026 "
        "Expedited review, determination $515.00" in text
    )
    assert all(billed[name].case_number in text for name in EXPECTED)


def test_a_payment_of_what_is_outstanding_makes_the_invoice_paid_and_more_is_refused(
    admin_client, admin_user, acme, november_cases
):
    invoice = send_invoice(make_november_invoice(admin_client, acme), by=admin_user)
    url = reverse("billing:invoice_payment", args=[invoice.pk])
    today = timezone.localdate().isoformat()

    admin_client.post(url, {"amount": "1000.00", "received_on": today, "method": "check", "reference": "CHK 1001"})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.outstanding) == ("sent", Decimal("1935.00"))

    too_much = admin_client.post(url, {"amount": "2000.00", "received_on": today, "method": "ach"}, follow=True)
    assert "$2000.00 is more than the $1935.00 outstanding" in too_much.content.decode()
    invoice.refresh_from_db()
    assert invoice.payments.count() == 1

    admin_client.post(url, {"amount": "1935.00", "received_on": today, "method": "ach", "reference": "ACH 77"})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.outstanding) == ("paid", timezone.localdate(), Decimal("0.00"))
    page = admin_client.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert '<dd class="col-sm-9" id="invoice-status">Paid</dd>' in page


def test_a_payment_on_a_draft_is_refused_with_the_reason(admin_client, acme, november_cases):
    invoice = make_november_invoice(admin_client, acme)

    response = admin_client.post(
        reverse("billing:invoice_payment", args=[invoice.pk]),
        {"amount": "10.00", "received_on": timezone.localdate().isoformat(), "method": "check"},
        follow=True,
    )

    assert f"Invoice {invoice.number} is a draft: send it first." in response.content.decode()
    assert invoice.payments.count() == 0


def test_a_payment_dated_tomorrow_or_before_the_invoice_was_sent_is_refused(
    admin_client, admin_user, acme, november_cases
):
    today = timezone.localdate()
    invoice = send_invoice(
        make_november_invoice(admin_client, acme), by=admin_user, on=today - datetime.timedelta(days=3)
    )
    url = reverse("billing:invoice_payment", args=[invoice.pk])

    tomorrow = admin_client.post(
        url,
        {"amount": "1.00", "received_on": (today + datetime.timedelta(days=1)).isoformat(), "method": "check"},
        follow=True,
    ).content.decode()
    early = admin_client.post(
        url,
        {"amount": "1.00", "received_on": (today - datetime.timedelta(days=4)).isoformat(), "method": "check"},
        follow=True,
    ).content.decode()

    assert "Payment, received_on: " in tomorrow
    assert "is in the future: this date cannot be after today" in tomorrow
    assert f"The payment is dated before the invoice was sent ({invoice.issued_on:%m/%d/%Y})." in early
    assert invoice.payments.count() == 0


def test_an_invoice_sent_45_days_ago_and_partly_paid_is_overdue_and_aged_31_to_60_days(
    admin_client, admin_user, acme, november_cases
):
    today = timezone.localdate()
    invoice = send_invoice(
        make_november_invoice(admin_client, acme), by=admin_user, on=today - datetime.timedelta(days=45)
    )
    admin_client.post(
        reverse("billing:invoice_payment", args=[invoice.pk]),
        {"amount": "935.00", "received_on": today.isoformat(), "method": "wire"},
    )

    listing = admin_client.get(reverse("billing:invoices"), {"status": "overdue"}).content.decode()
    rows = csv_rows(admin_client.get(reverse("billing:aging"), {"format": "csv"}))

    assert f">{invoice.number}</a>" in listing
    assert '<td data-status="overdue">Overdue</td>' in listing
    assert rows == [
        {
            "claims_administrator": "Acme Claims Services",
            "0-30": "0.00",
            "31-60": "2000.00",
            "61-90": "0.00",
            "over 90": "0.00",
            "total": "2000.00",
        }
    ]


def test_making_the_month_again_adds_new_cases_to_a_draft_and_never_touches_a_sent_invoice(
    admin_client, admin_user, acme, november_cases
):
    invoice = make_november_invoice(admin_client, acme)
    late = ended_case("withdrawn", datetime.date(2026, 11, 29), claims_administrator=acme)

    again = make_november_invoice(admin_client, acme)
    assert (again.pk, again.lines.count(), again.total) == (invoice.pk, 10, Decimal("3050.00"))
    assert again.lines.get(case=late).amount == Decimal("115.00")

    send_invoice(again, by=admin_user)
    ended_case("withdrawn", datetime.date(2026, 11, 30), claims_administrator=acme)
    response = admin_client.post(reverse("billing:invoices"), {"month": "2026-11"}, follow=True)
    again.refresh_from_db()
    assert (again.lines.count(), again.total) == (10, Decimal("3050.00"))
    assert f"Invoice {again.number} was sent on" in response.content.decode()


def test_a_case_whose_schedule_has_no_fee_of_its_kind_stops_the_invoice_and_is_named(admin_client, acme):
    # The 2013 table as read prices no review that ended early: the seed has no such fee for 2013.
    case = ended_case(
        "withdrawn",
        datetime.date(2026, 11, 4),
        claims_administrator=acme,
        application_received=datetime.date(2013, 9, 3),
    )

    response = admin_client.post(reverse("billing:invoices"), {"month": "2026-11"}, follow=True)

    assert f"Case {case.case_number}: The fee schedule in force on 09/03/2013" in response.content.decode()
    assert Invoice.objects.count() == 0


def test_reading_an_invoice_logs_each_of_its_cases(admin_client, acme, november_cases):
    billed, _ = november_cases
    invoice = make_november_invoice(admin_client, acme)

    admin_client.get(reverse("billing:invoice", args=[invoice.pk]))

    logged = AccessEvent.objects.filter(object_type="invoice", object_id=invoice.number)
    assert sorted(logged.values_list("case_number", flat=True)) == sorted(case.case_number for case in billed.values())


def test_a_month_not_begun_is_refused_at_the_field(admin_client):
    response = admin_client.post(reverse("billing:invoices"), {"month": "2099-01"})

    assert response.status_code == 200
    assert "January 2099 has not begun." in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "qa_user", "staff_user"])
def test_only_administrators_reach_invoices_the_aging_and_the_fee_schedule(
    client, request, admin_user, acme, november_cases, role
):
    invoice = make_november_invoice(_logged_in(client, admin_user), acme)
    client.force_login(request.getfixturevalue(role))

    urls = [
        reverse("billing:invoices"),
        reverse("billing:invoice", args=[invoice.pk]),
        reverse("billing:invoice_pdf", args=[invoice.pk]),
        reverse("billing:invoice_csv", args=[invoice.pk]),
        reverse("billing:aging"),
        reverse("billing:fees"),
    ]

    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 403)
    assert client.post(reverse("billing:invoice_send", args=[invoice.pk])).status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == "draft"


def _logged_in(client, user):
    client.force_login(user)
    return client


def test_the_invoice_list_and_an_invoice_page_cost_the_same_queries_for_one_row_and_for_many(
    admin_client, admin_user, acme, django_assert_max_num_queries
):
    ended_case("withdrawn", datetime.date(2026, 11, 2), claims_administrator=acme)
    one = make_november_invoice(admin_client, acme)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(reverse("billing:invoices"))
        admin_client.get(reverse("billing:invoice", args=[one.pk]))
    queries_for_one = len(few.captured_queries)
    for number in range(8):
        other = PartyFactory(kind="claims_administrator", name=f"Claims {number}")
        for day in range(1, 6):
            ended_case("withdrawn", datetime.date(2026, 11, day), claims_administrator=other)
    admin_client.post(reverse("billing:invoices"), {"month": "2026-11"})
    many = Invoice.objects.exclude(pk=one.pk).first()

    with django_assert_max_num_queries(queries_for_one) as more:
        admin_client.get(reverse("billing:invoices"))
        admin_client.get(reverse("billing:invoice", args=[many.pk]))

    assert (Invoice.objects.count(), many.lines.count()) == (9, 5)
    assert len(more.captured_queries) == queries_for_one


def test_a_drafts_pdf_says_on_its_page_that_it_was_not_sent(admin_client, acme, november_cases):
    invoice = make_november_invoice(admin_client, acme)

    response = admin_client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))

    text = " ".join(pdftotext(response.content).split())
    assert text.startswith("DRAFT: NOT SENT Invoice")
    assert "Invoice date not sent (draft)" in text
    assert text.endswith(f"Invoice {invoice.number} · Page 1 of 1")  # the footer, from billing/static_pdf/invoice.css
    invoice.refresh_from_db()
    assert invoice.pdf is None  # nothing kept until it is sent
