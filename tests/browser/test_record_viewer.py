"""The reviewer reads the records in the PDF.js viewer, at 1280 px (records beside the determination, a divider
between them) and at 1024 px (one above the other, the determination first): fit to width, pages turned by button
and key, zoom, the words of "search within the records" marked on the page drawn, and "cite this page".

Each run saves a screenshot of the workspace to docs/screens/ (listed in docs/screens/README.md).
"""

from pathlib import Path

import pytest
import weasyprint
from playwright.sync_api import expect

from cases.services.documents import add_document
from tests.conftest import log_in
from tests.factories import case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "docs" / "screens"
VENDOR = ROOT / "static" / "vendor" / "pdfjs"

PAGES = (
    "Initial evaluation. The injured worker reports low back pain since the fall at work.",
    "Objective: straight leg raise positive at 40 degrees on the left. Imaging shows spondylolisthesis at L5-S1.",
    "Plan: physical therapy twice a week for six weeks, then a re-evaluation.",
)

# A strict Content-Security-Policy (no 'unsafe-inline', no eval, nothing but the portal's own origin): the viewer,
# PDF.js and its worker included, must run under it.
STRICT_CSP = (
    "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@pytest.fixture(autouse=True)
def _pdfjs_installed():
    assert (VENDOR / "pdf.min.mjs").is_file() and (VENDOR / "pdf.worker.min.mjs").is_file(), (
        "PDF.js is not installed in static/vendor/pdfjs: run `make static`"
    )


def _record_pdf() -> bytes:
    html = "".join(f'<p style="break-after: page; font-size: 14pt">{text}</p>' for text in PAGES)
    return weasyprint.HTML(string=html).write_pdf()


def _open_workspace(page, reviewer, width: int):
    case = case_in_review(reviewer, items=1)
    add_document(case, data=_record_pdf(), name="pr2.pdf", kind="medical_records", title="PR-2")
    page.set_viewport_size({"width": width, "height": 900})
    # Every HTML page and script is served with the strict policy; a violation is recorded in window.cspViolations.
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push("
        "e.violatedDirective + ' ' + e.blockedURI));"
    )

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route("**/cases/**", with_csp)
    page.route("**/static/**", with_csp)
    log_in(page, reviewer.username)
    page.goto(f"/cases/{case.case_number}/workspace/")
    return case


def _drawn_page(page) -> dict:
    """The page drawn: the canvas's width on screen, the room the viewer gives it, the page shown."""
    return page.evaluate(
        """() => {
        const stage = document.querySelector('#record-viewer .viewer-stage');
        const style = getComputedStyle(stage);
        const canvas = document.querySelector('#record-viewer .viewer-page canvas');
        return {
          canvas: canvas ? canvas.getBoundingClientRect().width : 0,
          room: stage.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
        };
    }"""
    )


def _wait_fitted(page):
    page.wait_for_function(
        """() => {
        const stage = document.querySelector('#record-viewer .viewer-stage');
        const canvas = document.querySelector('#record-viewer .viewer-page canvas');
        if (!canvas) return false;
        const style = getComputedStyle(stage);
        const room = stage.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return Math.abs(canvas.getBoundingClientRect().width - room) <= 1;
    }"""
    )


def _box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_reviewer_reads_searches_and_cites_the_records_in_the_viewer(page, reviewer, width):
    case = _open_workspace(page, reviewer, width)
    document = case.documents.get()
    viewer = page.locator("#record-viewer")

    # Layout: beside the determination from 1280 px, below it (the determination first) under 1280 px.
    records, determination = _box(page, "#records-pane"), _box(page, ".determination-pane")
    if width >= 1280:
        assert records["x"] + records["width"] <= determination["x"]
        assert abs(records["y"] - determination["y"]) <= 1
        expect(page.get_by_role("separator", name="Width of the records")).to_be_visible()
    else:
        assert determination["y"] + determination["height"] <= records["y"]
        assert abs(records["width"] - determination["width"]) <= 1
        expect(page.get_by_role("separator", name="Width of the records")).to_be_hidden()

    # Open the record: page 1 drawn by PDF.js, fitted to the width of the pane.
    page.get_by_role("button", name="PR-2").click()
    expect(viewer).to_have_attribute("src", f"/cases/{case.case_number}/documents/{document.pk}/#page=1")
    _wait_fitted(page)
    drawn = _drawn_page(page)
    assert abs(drawn["canvas"] - drawn["room"]) <= 1
    assert drawn["room"] > (540 if width >= 1280 else 900)
    expect(page.get_by_role("button", name="Fit to width")).to_have_attribute("aria-pressed", "true")
    expect(viewer.locator(".textLayer")).to_contain_text("Initial evaluation.")

    # Search within the records: the hit opens page 2 with the word marked on the page drawn.
    page.get_by_label("Search within the records").fill("spondylolisthesis")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name="PR-2, page 2").click()
    expect(viewer).to_have_attribute("src", f"/cases/{case.case_number}/documents/{document.pk}/#page=2")
    mark = viewer.locator(".textLayer mark.record-hit")
    expect(mark).to_have_count(1)
    assert mark.inner_text() == "spondylolisthesis"
    canvas, marked = _box(page, "#record-viewer .viewer-page canvas"), mark.bounding_box()
    assert canvas["x"] <= marked["x"] and marked["x"] + marked["width"] <= canvas["x"] + canvas["width"]
    assert canvas["y"] <= marked["y"] and marked["y"] + marked["height"] <= canvas["y"] + canvas["height"]
    assert marked["width"] > 20

    # Pages turn with the keys on the viewer and with the buttons.
    viewer.focus()
    page.keyboard.press("PageDown")
    expect(page.locator("#viewer-title")).to_have_text("PR-2, page 3 of 3")
    expect(viewer.locator(".textLayer")).to_contain_text("Plan: physical therapy")
    expect(page.get_by_role("button", name="Next page")).to_be_disabled()
    page.keyboard.press("PageUp")
    expect(page.locator("#viewer-title")).to_have_text("PR-2, page 2 of 3")
    page.get_by_role("button", name="Previous page").click()
    expect(page.locator("#viewer-title")).to_have_text("PR-2, page 1 of 3")
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#viewer-title")).to_have_text("PR-2, page 2 of 3")
    expect(mark).to_have_count(1)

    # Zoom: 100 % is the printed size (an A4 page 794 px wide); fit to width again.
    page.get_by_label("Page", exact=True).fill("2")
    for _ in range(8):
        page.get_by_role("button", name="Zoom in").click()
    expect(page.locator("#zoom-level")).to_have_text("300 %")
    expect(page.get_by_role("button", name="Fit to width")).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="Zoom out").click()
    expect(page.locator("#zoom-level")).to_have_text("200 %")
    page.wait_for_function(
        "() => Math.round(document.querySelector('#record-viewer canvas').getBoundingClientRect().width) === 1587"
    )
    page.get_by_role("button", name="Fit to width").click()
    expect(page.get_by_role("button", name="Fit to width")).to_have_attribute("aria-pressed", "true")
    _wait_fitted(page)

    # Cite this page: the citation of the page shown lands in the rationale being written.
    rationale = page.get_by_label("Decision rationale")
    rationale.fill("Instability is documented")
    rationale.focus()
    page.get_by_role("button", name="Cite this page").click()
    expect(rationale).to_have_value("Instability is documented (PR-2, p. 2)")
    expect(page.locator("#save-status")).to_have_text("Saved", timeout=10_000)

    # The screenshot: at 1280 the screen as the reviewer sees it; at 1024 the whole page, determination then records.
    page.evaluate("window.scrollTo(0, 0)")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"workspace-{width}.png"), full_page=width < 1280)
    assert page.evaluate("window.cspViolations") == []


def test_the_divider_gives_the_records_more_room_by_key_and_by_drag_and_the_page_refits(page, reviewer):
    _open_workspace(page, reviewer, 1280)
    page.get_by_role("button", name="PR-2").click()
    _wait_fitted(page)
    before = _drawn_page(page)["canvas"]
    divider = page.get_by_role("separator", name="Width of the records")
    expect(divider).to_have_attribute("aria-valuenow", "50")

    divider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(divider).to_have_attribute("aria-valuenow", "60")
    _wait_fitted(page)
    wider = _drawn_page(page)["canvas"]
    assert wider > before + 100

    box = divider.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 200)
    page.mouse.down()
    grid = page.locator(".workspace-panes").bounding_box()["width"]
    page.mouse.move(box["x"] + box["width"] / 2 - grid * 0.2, box["y"] + 200, steps=5)
    page.mouse.up()
    expect(divider).to_have_attribute("aria-valuenow", "40")
    _wait_fitted(page)
    assert _drawn_page(page)["canvas"] < before - 100
    page.keyboard.press("End")
    expect(divider).to_have_attribute("aria-valuenow", "70")

    # The width chosen is kept for the next visit.
    page.reload()
    expect(page.get_by_role("separator", name="Width of the records")).to_have_attribute("aria-valuenow", "70")
    assert page.evaluate("window.cspViolations") == []
    # The policy is in force: an inline style attribute is refused (and would be reported).
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.cspViolations.length === 1")
    assert page.evaluate("window.cspViolations")[0].startswith("style-src")
    # The shared page fixture saw that deliberate violation too (listener and console): it is this test's, not the
    # viewer's, so it is taken off the fixture's list once both have arrived.
    page.wait_for_timeout(500)
    assert page.csp_violations and all("inline" in text or "style" in text for text in page.csp_violations)
    page.csp_violations.clear()


def test_the_qa_nurse_reads_the_records_in_the_same_viewer(page, reviewer, qa_user):
    case = case_in_review(reviewer, items=1)
    add_document(case, data=_record_pdf(), name="pr2.pdf", kind="medical_records", title="PR-2")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, qa_user.username)
    page.goto(f"/cases/{case.case_number}/qa/")
    page.get_by_role("button", name="PR-2").click()
    _wait_fitted(page)
    page.get_by_label("Search within the records").fill("straight leg")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name="PR-2, page 2").click()
    expect(page.locator("#record-viewer .textLayer mark.record-hit")).to_have_count(2)
    assert page.locator("#cite-page").count() == 0


def test_a_record_whose_file_is_gone_says_so_in_the_viewer(page, reviewer):
    case = _open_workspace(page, reviewer, 1280)
    document = case.documents.get()
    document.file.delete(save=False)
    page.get_by_role("button", name="PR-2").click()
    expect(page.locator("#record-viewer .viewer-message")).to_have_text("This record is no longer on the case.")
    expect(page.locator("#record-viewer canvas")).to_have_count(0)
