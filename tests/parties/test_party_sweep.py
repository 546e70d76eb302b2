"""The permission sweep as a party user: every URL of the portal (the staff pages and the party pages), filled with
the objects of the sweep's world (cases that do not name the party user's organization).

A party user holds no staff role: every staff page refuses them (403), finds nothing (404) or sends them on; none
answers 500, none shows a case number, a worker's or a reviewer's name of the world; every party page naming one of
those cases answers 404, exactly as for a case that does not exist.
"""

from __future__ import annotations

import pytest

from tests.parties.conftest import sign_in
from tests.test_permissions_sweep import _get, build_world, planned_urls

pytestmark = pytest.mark.django_db

# Pages every signed-in user may open: the public pages (log-in, password reset, the letter check), their own
# account, and the staff case list, which the staff visibility rule filters to nothing for a party user (the sweep
# checks it shows none of the world's cases).
OPEN_TO_EVERY_USER = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "cases:list",
    "home",
    "password_change",
    "password_change_done",
    "accounts:security",
    "accounts:second_factor",
    "accounts:totp_setup",
    "accounts:enrolment_link",
    "letters:verify",
    "letters:verify_code",
    "healthz",
    "parties:home",
    "parties:people",
    "worker:start",  # the injured worker's way in: public, asks for a case number, a code and a date of birth
    "api_v1:openapi-json",  # the API's schema: public, no case in it
}


def test_a_party_user_reaches_no_staff_page_and_no_case_of_another_organization(client, organization, member):
    world = build_world()
    sign_in(client, member)
    plans = planned_urls(world)
    problems, statuses = [], {}
    for name, url, missing_url, _parameters in plans:
        status, body, _response = _get(client, url)
        statuses[name] = status
        if status >= 500:
            problems.append(f"{name} {url} → {status} {body[:200]}")
            continue
        leaked = [secret for secret in world.secrets if secret in body]
        if name == "letters:verify_code":  # the letter's own capability page shows its case number, no name
            leaked = [secret for secret in leaked if not secret.startswith("CM")]
        if name.startswith("worker:") and status == 404:  # "open case X first": the number typed in the address, echoed
            leaked = [secret for secret in leaked if secret not in url]
        if leaked:
            problems.append(f"{name} {url} → {status} shows {leaked}")
        if status == 200 and name not in OPEN_TO_EVERY_USER:
            problems.append(f"{name} {url} → 200 for a party user")
        if missing_url is not None and name.startswith("parties:"):
            as_missing, _, _ = _get(client, missing_url)
            if (status, as_missing) not in ((404, 404), (405, 405)):
                problems.append(f"{name} {url} → {status}, a missing case → {as_missing}")

    assert problems == []
    # The fill is right: the staff pages of a case find nothing, the staff lists refuse or show nothing.
    assert len(plans) > 100
    assert (statuses["cases:detail"], statuses["cases:document"], statuses["letters:center"]) == (404, 404, 403)
    assert (statuses["parties:case"], statuses["parties:receipt"], statuses["parties:letter"]) == (404, 404, 404)
