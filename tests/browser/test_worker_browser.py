"""The injured worker's path in real Chromium, in Spanish and by keyboard alone: the language switch, a refused and
then an accepted way in, the case page, two PDFs sent through the file chooser, the letter downloaded. axe-core
(vendored, injected by Playwright) reports no violation of any impact on any of the worker's pages."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import CaseDocument
from letters.models import LetterDownload
from tests import factories
from tests.parties.worker_helpers import BORN, noticed_case, signed_letter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENS = Path("/tmp/worker-screens")


@pytest.fixture
def worker_page(browser, live_server):
    """A desktop-sized page that lets the injected axe script run (the portal's CSP would refuse it)."""
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def violations(page, name: str) -> list[str]:
    """axe's violations of every impact on the page shown; a full-page screenshot of it too."""
    page.wait_for_load_state("networkidle")
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{name}: {v['id']} ({v['impact']}) {v['help']} at " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in found
    ]


def tab_to(page, selector: str, limit: int = 25) -> None:
    """Press Tab until ``selector`` has the focus (fails if it never does: not reachable by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus after {limit} presses of Tab")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def test_the_workers_path_in_spanish_by_keyboard_with_no_accessibility_violation(worker_page, tmp_path):
    page = worker_page
    case = factories.determined_case(employee_date_of_birth=BORN, employee_name="Maria Lopez")
    case, code = noticed_case(case=case)
    letter = signed_letter(case)
    problems: list[str] = []

    page.goto("/worker/")
    problems += violations(page, "start-en")
    tab_to(page, "button[lang=es]")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vea su caso de Revisión Médica Independiente")
    problems += violations(page, "start-es")

    # A wrong code first: the refusal, in Spanish, announced.
    type_into(page, "#id_case_number", case.case_number)
    type_into(page, "#id_access_code", "ABCDE-FGHJK")
    type_into(page, "#id_birth_month", "4")
    type_into(page, "#id_birth_day", "15")
    type_into(page, "#id_birth_year", "1980")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("No pudimos abrir un caso con estos datos.")
    problems += violations(page, "start-es-refused")

    # The right one (the fields kept what was typed but the code: type it over).
    page.locator("#id_access_code").fill("")
    page.locator("#id_case_number").focus()
    tab_to(page, "#id_access_code", limit=2)
    page.keyboard.type(code)
    tab_to(page, "button[type=submit].btn-primary")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Su caso {case.case_number}")
    expect(page.locator("#status-words")).to_have_text(
        "Ya se tomó una decisión. Estamos preparando la carta con la decisión."
    )
    problems += violations(page, "case-es")

    # Two PDFs through the file chooser, by keyboard: the kind, the files, the button.
    first, second = tmp_path / "notas-clinica.pdf", tmp_path / "resonancia.pdf"
    first.write_bytes(factories.small_pdf(pages=2, marker="browser-1"))
    second.write_bytes(factories.small_pdf(pages=1, marker="browser-2"))
    tab_to(page, "#id_kind")
    page.keyboard.press("ArrowDown")  # from "Registros o informes médicos" to the UR decision
    tab_to(page, "#id_files", limit=2)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files([str(first), str(second)])
    tab_to(page, "form[enctype] button[type=submit]", limit=2)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Gracias. Recibimos 2 documentos.")
    expect(page.locator("#sent-documents tbody tr")).to_have_count(2)
    sent = CaseDocument.objects.filter(case=case, worker_upload__isnull=False)
    assert sorted(sent.values_list("original_name", "kind")) == [
        ("notas-clinica.pdf", "ur_decision"),
        ("resonancia.pdf", "ur_decision"),
    ]
    problems += violations(page, "case-es-sent")

    # The letter, by keyboard.
    page.locator("#main").focus()
    tab_to(page, f"a[href$='/letters/{letter.pk}/']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == letter.download_name
    assert LetterDownload.objects.filter(letter=letter, by__isnull=True).count() == 1

    assert problems == []
