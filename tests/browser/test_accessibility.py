"""Each role's main pages pass axe-core (the accessibility rules engine) with no serious or critical violation.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0) and injected into the page by Playwright: nothing is
fetched from a network and the portal itself never serves it.
"""

from pathlib import Path

import pytest

from tests import factories
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def axe_page(browser, live_server):
    """A page at 1400 px (a desktop) that ignores any Content-Security-Policy, so the injected axe script runs."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def blocking_violations(page, path: str | None = None, blocking=BLOCKING) -> list[str]:
    """Open ``path`` (or stay on the page shown) and return axe's violations there of an impact in ``blocking``
    (serious and critical unless told), one line each: page, rule, impact and the first offending elements."""
    if path is not None:
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    where = path or page.url
    return [
        f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in violations
        if violation["impact"] in blocking
    ]


def test_the_administrators_pages_have_no_serious_accessibility_violation(axe_page, admin_user, reviewer):
    case = factories.case_in_review(reviewer, documents=1, by=admin_user)
    waiting = factories.waiting_case(by=admin_user)
    log_in(axe_page, admin_user.username)
    problems = []
    for path in ["/cases/", f"/cases/{case.case_number}/", f"/cases/{waiting.case_number}/assign/", "/reviewers/"]:
        problems += blocking_violations(axe_page, path)
    # The intake form as it comes back with errors: every message next to its field, still labelled.
    axe_page.goto("/cases/new/")
    axe_page.get_by_role("button", name="Save case").click()
    axe_page.wait_for_load_state("networkidle")
    assert axe_page.get_by_text("The case was not saved").is_visible()
    problems += blocking_violations(axe_page)
    assert problems == []


def test_the_reviewers_pages_have_no_serious_accessibility_violation(axe_page, reviewer):
    case = factories.case_in_review(reviewer, documents=1)
    log_in(axe_page, reviewer.username)
    problems = []
    for path in ["/cases/mine/", f"/cases/{case.case_number}/workspace/", f"/cases/{case.case_number}/"]:
        problems += blocking_violations(axe_page, path)
    assert problems == []


def test_the_qa_and_correspondence_pages_have_no_serious_accessibility_violation(axe_page, qa_user, staff_user):
    problems = []
    log_in(axe_page, qa_user.username)
    for path in ["/cases/qa/", "/guidelines/"]:
        problems += blocking_violations(axe_page, path)
    axe_page.context.clear_cookies()
    log_in(axe_page, staff_user.username)
    problems += blocking_violations(axe_page, "/letters/")
    assert problems == []


def test_the_public_pages_have_no_serious_accessibility_violation(axe_page, db):
    problems = []
    for path in ["/accounts/login/", "/letters/verify/"]:
        problems += blocking_violations(axe_page, path)
    assert problems == []


def test_the_pages_anyone_may_open_have_no_accessibility_violation_of_any_impact(axe_page, db):
    """What the public sees (issue 23: every page a party, a worker or the public sees): log-in, the letter
    verification, the worker's way in (in English and in Spanish). Not one violation, minor ones included."""
    every_impact = {"minor", "moderate", "serious", "critical"}
    problems = []
    for path in ["/accounts/login/", "/letters/verify/", "/worker/"]:
        problems += blocking_violations(axe_page, path, every_impact)
    axe_page.goto("/worker/")
    axe_page.get_by_role("button", name="Leer en español").click()
    axe_page.wait_for_load_state("networkidle")
    assert axe_page.locator("html").get_attribute("lang") == "es"
    problems += blocking_violations(axe_page, None, every_impact)
    assert problems == []
