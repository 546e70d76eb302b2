"""The party portal in real Chromium, the site's Content-Security-Policy in force: an administrator sets up a claims
administrator and invites its first user; the user makes an account from the mailed link, sets up the authenticator,
sees only the organization's cases, sends three PDFs (keyboard only) and sees them ticked on the records checklist;
the administrator sees them on the case; later the signed letter is downloaded by the party (keyboard only) and
recorded as a delivery. axe-core runs on every party page with zero violations of any impact."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django_otp.oath import totp

from cases.models import CaseDocument
from core.models import OutboxEmail, Party
from letters.models import LetterDownload, Rendition
from letters.services import generate_rendition
from tests import factories
from tests.conftest import log_in
from tests.parties.conftest import organization_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path("/tmp")  # looked at by hand; not kept in the repository


def axe_violations(page) -> list[str]:
    """Every axe-core violation of the page shown, whatever its impact (the page's CSP lets no injected script run,
    so axe is run in a page of its own that opens the same URL with the CSP bypassed)."""
    context = page.context.browser.new_context(
        base_url=page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2],
        bypass_csp=True,
        storage_state=page.context.storage_state(),
        viewport={"width": 1280, "height": 900},
    )
    checker = context.new_page()
    try:
        checker.goto(page.url)
        checker.wait_for_load_state("networkidle")
        checker.add_script_tag(path=str(AXE))
        violations = checker.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    finally:
        context.close()
        page.bring_to_front()
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in violations
    ]


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_claims_administrators_user_is_invited_sends_records_and_fetches_the_letter(
    page, browser, admin_user, settings, live_server
):
    settings.IMR_PUBLIC_BASE_URL = live_server.url
    golden = Party.objects.create(
        kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Golden State Claims", email="records@goldenstate.example"
    )
    other = Party.objects.create(kind=Party.Kind.CLAIMS_ADMINISTRATOR, name="Pacific Mutual Claims")
    ours = organization_case(golden, employee_name="Marisol Quintana")
    theirs = organization_case(other, employee_name="Bartholomew Oyelaran")
    decided = factories.determined_case(claims_administrator=golden, employee_name="Teodoro Villanueva")
    problems: list[str] = []

    # The administrator sets up the organization from the party the portal knows, and invites its first user.
    log_in(page, admin_user.username)
    page.goto("/parties/organizations/new/")
    page.get_by_label("A party the portal knows").select_option(label="Golden State Claims")
    page.get_by_label("E-mail address of its first user").fill("ana@goldenstate.example")
    page.get_by_role("button", name="Set up and invite").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Golden State Claims is set up; its first user is invited").is_visible()
    page.context.clear_cookies()

    # The invited person opens the mailed link, chooses a user name and password...
    email = OutboxEmail.objects.get(template_key="party_invitation")
    page.goto(re.search(r"https?://\S+/parties/invitation/\S+/", email.body).group(0))
    problems += axe_violations(page)
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Delgado")
    page.get_by_label("User name").fill("ana.delgado")
    page.locator("#id_password").fill("golden state records 2026")
    page.locator("#id_password_again").fill("golden state records 2026")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state("networkidle")
    # ... and sets up the authenticator at once: nothing of the portal opens before.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(f"{totp(base64.b32decode(secret)):06d}")
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()

    # Our cases: the organization's cases only.
    page.get_by_role("link", name="Our cases").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/parties/")
    cases_table = page.locator("table.party-cases").inner_text()
    assert ours.case_number in cases_table and decided.case_number in cases_table
    assert theirs.case_number not in cases_table and "Oyelaran" not in cases_table
    problems += axe_violations(page)
    page.screenshot(path=str(SHOTS / "party-our-cases.png"), full_page=True)

    # The case page, keyboard only: three PDFs chosen, a kind for each, sent.
    page.get_by_role("link", name=ours.case_number).click()
    page.wait_for_load_state("networkidle")
    problems += axe_violations(page)
    page.locator("body").focus()
    tab_to(page, "#id_files")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        [
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": factories.small_pdf(marker=name)}
            for name in ("ur-decision", "ur-records", "treating-reports")
        ]
    )
    tab_to(page, "#id_kind_0")
    page.keyboard.press("ArrowUp")  # from "Medical records the UR reviewer relied on" to the UR decision
    tab_to(page, "#id_kind_2")
    page.keyboard.press("ArrowDown")  # to the treating physician's reports
    kinds = page.evaluate("() => [0, 1, 2].map((n) => document.getElementById('id_kind_' + n).value)")
    assert kinds == ["ur_decision", "ur_records", "treating_reports"]
    tab_to(page, "#party-upload button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.screenshot(path=str(SHOTS / "party-case-after-upload.png"), full_page=True)
    assert page.get_by_text(f"Received 3 documents for case {ours.case_number}").is_visible()
    checklist = page.locator("#records-checklist").inner_text()
    assert checklist.count("Received ") == 3 and checklist.count("Outstanding") == 2
    sent = page.locator("#sent-documents").inner_text()
    for document in CaseDocument.objects.filter(case=ours):
        assert document.sha256 in sent
    problems += axe_violations(page)
    page.screenshot(path=str(SHOTS / "party-case-after-upload.png"), full_page=True)

    page.get_by_role("link", name="ur-records.pdf").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Receipt").is_visible()
    problems += axe_violations(page)
    page.get_by_role("link", name="Our people").click()
    page.wait_for_load_state("networkidle")
    problems += axe_violations(page)

    # The administrator sees the three documents on the case, with who sent them.
    staff = browser.new_context(base_url=live_server.url)
    admin_page = staff.new_page()
    log_in(admin_page, admin_user.username)
    admin_page.goto(f"/cases/{ours.case_number}/")
    documents = admin_page.locator("#documents").inner_text()
    assert [name in documents for name in ("ur-decision", "ur-records", "treating-reports")] == [True] * 3
    assert documents.count("sent by Golden State Claims") == 3
    admin_page.screenshot(path=str(SHOTS / "party-documents-on-the-staff-case-page.png"), full_page=True)
    staff.close()

    # Later the letter is signed; the party downloads it, keyboard only, and the download is recorded.
    letter = generate_rendition(decided, rendition=Rendition.PARTIES)
    page.goto(f"/parties/cases/{decided.case_number}/")
    problems += axe_violations(page)
    page.locator("body").focus()
    tab_to(page, "#case-letters a")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"{decided.case_number}-parties-v1.pdf"
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert list(LetterDownload.objects.values_list("letter", "by__username")) == [(letter.pk, "ana.delgado")]
    page.screenshot(path=str(SHOTS / "party-letter.png"), full_page=True)

    assert problems == []
