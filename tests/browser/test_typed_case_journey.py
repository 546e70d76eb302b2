"""The 2014 seed letter's case (../shared/imr/000_256f45eed01cbf6d.txt) typed in as a person would, in real Chromium
with the site's Content-Security-Policy on, and carried through every role to the signed letter: dates as the
letters write them ("7/14/95"), each party with its postal address, the claims administrator's basis picked at
intake; the reviewer names the physician and the worker in free text. The parties' letter has the seed's anatomy,
every address as typed and the basis on both guideline lines; the public copy prints none of the people's names.

Saves docs/screens/intake-1280.png and docs/screens/intake-800.png (listed in docs/screens/README.md)."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cases.services import assignment
from letters.models import Letter, Rendition
from tests.conftest import log_in
from tests.factories import GuidelineSectionFactory, GuidelineSourceFactory, reviewer_profile, small_pdf, specialty_fit
from tests.pdftext import pdftotext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"

ITEM = "12 initial Physical Therapy for the right upper leg, 2 times a week for 6 weeks, as an outpatient"
SUMMARY = (
    "The patient is a 57 year old with an injury date on 7/14/95. Based on the application for independent medical "
    "review dated 6/18/14, the diagnosis is displacement lumbar disc without myelopathy. There was no physical exam "
    "provided in the included documentation. Dr. Hector Lin is requesting 12 initial physical therapy for the right "
    "upper leg, 2 times a week for 6 weeks as an outpatient. The utilization review determination being challenged "
    "is dated 6/16/14. Lin, MD is the requesting provider, and no treatment reports were provided."
)
RATIONALE = (
    "Ms. Delgado's subjective pain was not included in the documentation. It is not known if Rosa Delgado has had "
    "prior physical therapy. MTUS guidelines allows for 8-10 sessions of physical therapy for various myalgias and "
    "neuralgias. In this case, the physician has asked for 12 physical therapy sessions that appears to exceed MTUS "
    "guidelines for this patient's condition. Therefore, the request is not medically necessary and appropriate."
)
# Each party as typed: (its name on the form, its address fields' prefix, street, city, ZIP, e-mail, fax).
PARTIES = [
    ("Requesting provider", "Hector Lin", "2201 Mission Street, Suite 300", "San Francisco", "94110"),
    ("Claims administrator", "Golden State Claims", "PO Box 4000", "Sacramento", "95812"),
    ("Employer", "Valley Packing Co.", "880 Cannery Road", "Modesto", "95354"),
    ("Attorney's firm", "Reyes & Ortiz LLP", "415 Tulare Avenue, 2nd Floor", "Fresno", "93721"),
]
NAME_FIELDS = {
    "Requesting provider": "Requesting provider",
    "Claims administrator": "Claims administrator",
    "Employer": "Employer",
    "Attorney's firm": "Employee attorney's firm",
}
WORKER = ("Rosa Delgado", "1734 Almond Lane", "Turlock", "95380")
PEOPLE = ["Rosa Delgado", "Delgado", "Hector Lin", "Dr. Hector Lin", "Lin, MD", "Dana Okafor", "Marisol Reyes"]


def _log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _type_the_case(page) -> None:
    page.goto("/cases/new/")
    page.get_by_label("Priority").select_option("standard")
    page.get_by_label("Claim number").fill("ADJ-1995-0714")
    for label, typed in [
        ("Date of injury", "7/14/95"),
        ("UR determination date", "6/16/14"),
        ("Application received", "6/18/14"),
    ]:
        page.get_by_label(label, exact=True).press_sequentially(typed)
    page.get_by_label("Application signed").check()
    page.get_by_label("Employee name").fill(WORKER[0])
    page.get_by_label("Employee age").fill("57")
    page.get_by_label("Worker's street address").fill(WORKER[1])
    page.get_by_label("Worker's city").fill(WORKER[2])
    page.get_by_label("Worker's state").fill("CA")
    page.get_by_label("Worker's ZIP code").fill(WORKER[3])
    for who, name, street, city, zip_code in PARTIES:
        page.get_by_label(NAME_FIELDS[who], exact=True).fill(name)
        page.get_by_label(f"{who}: street address").fill(street)
        page.get_by_label(f"{who}: city").fill(city)
        page.get_by_label(f"{who}: state").fill("CA")
        page.get_by_label(f"{who}: ZIP").fill(zip_code)
    page.get_by_label("Requesting provider: fax").fill("415-555-0142")
    page.get_by_label("Claims administrator: e-mail").fill("imr@goldenstateclaims.example")
    page.get_by_label("Claims administrator: fax").fill("916-555-0100")
    page.get_by_label("Adjuster name").fill("Dana Okafor")
    page.get_by_label("Adjuster's e-mail").fill("dokafor@goldenstateclaims.example")
    page.get_by_label("Attorney name").fill("Marisol Reyes")
    page.get_by_label("Attorney's firm: e-mail").fill("mreyes@reyesortiz.example")
    page.get_by_label("Requesting provider's specialty").fill("Physical Medicine & Rehabilitation")
    page.get_by_label("Diagnosis", exact=True).fill("Displacement of lumbar intervertebral disc without myelopathy")
    page.get_by_label("ICD-10-CM code").fill("M51.26")
    page.get_by_label("Disputed item (as requested)").fill(ITEM)
    page.get_by_label("Category").select_option("Therapies")
    # The claims administrator's basis, with the picker: typed words narrow the list, the section is picked.
    page.get_by_label("Search the library sections").first.fill("physical med")
    sections = page.locator('select[data-ca-basis="sections"]').first
    expect(sections.locator("option:not([hidden])", has_text="2009 — Physical Medicine")).to_have_count(1)
    sections.select_option(label="Chronic Pain Medical Treatment 2009 — Physical Medicine (p. 98-99)")


def test_the_2014_case_typed_in_by_hand_reaches_a_signed_letter_that_says_what_was_typed_and_redacts_the_people(
    page, admin_user, reviewer, qa_user, staff_user, tmp_path
):
    # The library's 2009 Chronic Pain edition (in force on the UR decision's date) and its Physical Medicine section.
    source = GuidelineSourceFactory(key="mtus-chronic-pain-2009", chapter="Chronic Pain Medical Treatment", year=2009)
    if not source.sections.filter(name="Physical Medicine").exists():
        GuidelineSectionFactory(source=source, name="Physical Medicine", pages="98-99", treatment_category="Therapies")
    specialty_fit()
    reviewer_profile(reviewer)

    # 1. The administrator types the case in.
    log_in(page, admin_user.username)
    page.set_viewport_size({"width": 1280, "height": 900})
    _type_the_case(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "intake-1280.png"), full_page=True)
    page.set_viewport_size({"width": 800, "height": 900})
    page.screenshot(path=str(SCREENS / "intake-800.png"), full_page=True)
    # At 800 px every state box is wide enough for "CA" and its label (it was 1/12 of the row: "CA" clipped).
    for label in ["Worker's state", *(f"{who}: state" for who, *_ in PARTIES)]:
        assert page.get_by_label(label).bounding_box()["width"] >= 100, label
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Save case").click()
    page.wait_for_url("**/cases/CM*/")
    case = Case.objects.get()
    assert (case.date_of_injury, case.ur_determination_date, case.application_received) == (
        datetime.date(1995, 7, 14),
        datetime.date(2014, 6, 16),
        datetime.date(2014, 6, 18),
    )
    item = case.items.get()
    assert item.claims_administrator_basis == {
        "mtus": [
            {"chapter": "Chronic Pain Medical Treatment 2009", "sections": ["Physical Medicine"], "pages": "98-99"}
        ],
        "non_mtus": [],
    }

    # 2. The UR decision attached, then eligible, records received, assigned; the reviewer accepts with the attestation.
    ur_decision = tmp_path / "ur-decision.pdf"
    ur_decision.write_bytes(small_pdf(marker="UR decision 6/16/14"))
    page.get_by_label("Kind").select_option(label="UR decision")
    page.get_by_label("PDF file").set_input_files(str(ur_decision))
    page.get_by_role("button", name="Add document").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Action").select_option("eligible")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Action").select_option("receive_records")
    page.get_by_label("Date", exact=True).fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Assign", exact=True).click()
    page.wait_for_url(f"**/cases/{case.case_number}/assign/")
    page.get_by_role("button", name=f"Assign to {reviewer.get_full_name()}").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")
    _log_out(page)

    log_in(page, reviewer.username)
    page.goto("/cases/mine/")
    offer = page.locator(f"#case-{case.case_number}")
    offer.get_by_label(assignment.attestation_text(case)).check()
    offer.get_by_role("button", name=f"Accept case {case.case_number}").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")

    # The reviewer writes the summary and decides the item Upheld on the same section.
    page.get_by_role("link", name="Open workspace").click()
    page.wait_for_url(f"**/cases/{case.case_number}/workspace/")
    page.get_by_label("Clinical case summary").fill(SUMMARY)
    panel = page.locator(f'.item-panel[data-item-id="{item.pk}"]')
    panel.get_by_label("Upheld").check()
    panel.get_by_label("Search the guideline library").fill("physical med")
    panel.locator(".basis-results").get_by_role("button", name=re.compile("Physical Medicine")).click()
    expect(panel.locator(".basis-chips li")).to_have_count(1)
    panel.get_by_label("Decision rationale").fill(RATIONALE)
    expect(page.locator("#save-status")).to_have_text("Saved", timeout=10_000)
    page.get_by_role("button", name="Submit to clinical QA").click()
    page.wait_for_url(f"**/cases/{case.case_number}/")
    _log_out(page)

    # QA approves; the letters are rendered and signed (tasks run in-process).
    log_in(page, qa_user.username)
    page.goto(f"/cases/{case.case_number}/qa/")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/cases/qa/")
    _log_out(page)

    # 3. The parties' letter, downloaded from the letter center, read as an outside reader reads it.
    log_in(page, staff_user.username)
    page.get_by_role("link", name="Letters").click()
    row = page.locator("tr", has_text=case.case_number).filter(has_text="Parties' letter")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    parties = pdftotext(Path(download_info.value.path()).read_bytes())
    flat = _flat(parties)

    # The seed letter's anatomy, in its order.
    headings = [
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        "CLINICAL CASE SUMMARY",
        "The expert reviewer developed the following clinical case summary",
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "The Final Determination was based on decisions for the disputed items/services set forth below:",
        f"{ITEM}: Upheld",
        "Claims Administrator guideline:",
        "MAXIMUS guideline:",
        "Decision rationale:",
    ]
    position = 0
    for heading in headings:
        found = flat.find(heading, position)
        assert found >= 0, f"{heading!r} missing after position {position}"
        position = found + len(heading)
    for _who, _name, street, city, zip_code in PARTIES:
        assert street in flat
        assert f"{city}, CA {zip_code}" in flat
    assert WORKER[1] in flat and f"{WORKER[2]}, CA {WORKER[3]}" in flat
    # The section picked, with the pages the pickers showed, on both guideline lines.
    basis = "Decision based on MTUS Chronic Pain Medical Treatment 2009 Physical Medicine Page(s): 98-99."
    assert f"Claims Administrator guideline: {basis}" in flat
    assert f"MAXIMUS guideline: {basis}" in flat
    # The dates as the years meant.
    for printed in ["Date of Injury: 07/14/1995", "UR Denial Date: 06/16/2014", "Application Received: 06/18/2014"]:
        assert printed in flat, printed
    assert "0095" not in flat and "/0014" not in flat
    for name in PEOPLE:
        assert name in flat, name

    # 4. The public copy prints none of the people's names.
    public = Letter.objects.get(case=case, rendition=Rendition.PUBLIC)
    with public.file.open("rb") as handle:
        redacted = _flat(pdftotext(handle.read()))
    assert "CLINICAL CASE SUMMARY" in redacted
    # Redacted where typed, the rest of the sentence kept (a possessive "'s" too).
    assert "Dr. [redacted] is requesting 12 initial physical therapy" in redacted
    assert "[redacted], MD is the requesting provider" in redacted
    assert "Ms. [redacted]'s subjective pain" in redacted
    for name in [*PEOPLE, "Lin", "Okafor", "Reyes"]:
        assert not re.search(rf"\b{re.escape(name)}\b", redacted), name
