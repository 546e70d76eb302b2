"""The injured worker's way in: the case number, the case access code and the date of birth open that one case for a
short session; everything else is refused alike, counted and logged."""

import datetime
import re
import time

import pytest
from django.contrib.auth.hashers import identify_hasher

from audit.models import AccessEvent
from parties import worker_access
from parties.worker_access import ALPHABET, CODE_LENGTH, SESSION_KEY
from parties.worker_models import WorkerAccess
from parties.worker_notice import queue_worker_notice
from tests.parties.worker_helpers import BORN, details, noticed_case, open_case

pytestmark = pytest.mark.django_db

REFUSAL = "We could not open a case with these details."


def same_page(response, case_number: str) -> str:
    """The page without what differs by nature: the case number asked for, the CSRF token (masked anew each time)."""
    text = response.content.decode().replace(case_number, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_the_code_is_typeable_and_stored_only_as_a_salted_hash():
    case, code = noticed_case()
    plain = code.replace("-", "")
    assert len(plain) == CODE_LENGTH and set(plain) <= set(ALPHABET)
    assert not set("01ILOU") & set(ALPHABET)
    access = WorkerAccess.objects.get(case=case)
    assert plain not in access.code_hash and code not in access.code_hash
    assert identify_hasher(access.code_hash).algorithm  # algorithm, salt and iterations: all a check needs
    assert access.generation == 1


def test_the_right_code_and_date_of_birth_open_that_case_and_only_that_case(client):
    case, code = noticed_case()
    other, _other_code = noticed_case(employee_date_of_birth=BORN)
    # The code of one case with the number of another: refused exactly like a wrong code.
    crossed = client.post("/worker/", details(other.case_number, code))
    wrong = client.post("/worker/", details(other.case_number, "ABCDE-FGHJK"))
    missing = client.post("/worker/", details("CM26-9999999", code))
    assert crossed.status_code == wrong.status_code == missing.status_code == 400
    for response in (crossed, wrong, missing):
        assert REFUSAL in response.content.decode()
        assert other.case_number not in response.content.decode().replace(f'value="{other.case_number}"', "")

    opened = open_case(client, case, code.lower().replace("-", " "))  # typed in lower case, with a space
    assert opened.status_code == 302 and opened["Location"] == f"/worker/case/{case.case_number}/"
    page = client.get(opened["Location"])
    assert page.status_code == 200 and case.case_number in page.content.decode()
    # Bound to that case: another case number answers as a missing one does (404, the way back in), showing nothing.
    elsewhere = client.get(f"/worker/case/{other.case_number}/")
    missing_page = client.get("/worker/case/CM26-9999999/")
    assert elsewhere.status_code == missing_page.status_code == 404
    assert same_page(elsewhere, other.case_number) == same_page(missing_page, "CM26-9999999")
    assert other.employee_name not in elsewhere.content.decode()
    assert 'href="/worker/"' in elsewhere.content.decode()


def test_a_wrong_date_of_birth_is_refused(client):
    case, code = noticed_case()
    response = open_case(client, case, code, born=datetime.date(1980, 4, 16))
    assert response.status_code == 400 and REFUSAL in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_impossible_date_says_so():
    from parties.worker_forms import StartForm

    form = StartForm({**details("CM26-0000001", "X"), "birth_month": 2, "birth_day": 30})
    assert not form.is_valid()
    assert "The date of birth is not a real date" in str(form.errors)


def test_attempts_are_limited_per_case_number_with_a_clear_message_and_logged(client, settings):
    settings.IMR_WORKER_ATTEMPTS_PER_CASE = 3
    case, code = noticed_case()
    for _ in range(3):
        assert open_case(client, case, "ABCDE-FGHJK").status_code == 400
    limited = open_case(client, case, code)  # even the right code, once the case number is over its limit
    assert limited.status_code == 429
    assert "Too many tries. For your security, please wait 15 minutes and try again." in limited.content.decode()
    assert SESSION_KEY not in client.session
    results = list(
        AccessEvent.objects.filter(action="worker.open_case", case_number=case.case_number)
        .order_by("pk")
        .values_list("outcome", "detail__result")
    )
    assert results == [("denied", "refused")] * 3 + [("denied", "rate_limited")]


def test_attempts_are_limited_per_address_whatever_the_case_number(client, settings):
    settings.IMR_WORKER_ATTEMPTS_PER_ADDRESS = 2
    for number in ("CM26-0000101", "CM26-0000102"):
        assert client.post("/worker/", details(number, "ABCDE-FGHJK")).status_code == 400
    third = client.post("/worker/", details("CM26-0000103", "ABCDE-FGHJK"))
    assert third.status_code == 429 and "Too many tries" in third.content.decode()


def test_every_attempt_and_every_read_is_in_the_access_log(client):
    case, code = noticed_case()
    open_case(client, case, "ABCDE-FGHJK")
    open_case(client, case, code)
    client.get(f"/worker/case/{case.case_number}/")
    rows = list(
        AccessEvent.objects.filter(case_number=case.case_number)
        .order_by("pk")
        .values_list("action", "object_type", "outcome", "detail__result", "detail__who")
    )
    assert rows == [
        ("worker.open_case", "worker_access", "denied", "refused", "injured worker"),
        ("worker.open_case", "worker_access", "allowed", "opened", "injured worker"),
        ("worker:case", "case", "allowed", None, "injured worker"),
    ]
    assert AccessEvent.objects.filter(user__isnull=True, case_number=case.case_number).count() == 3


def test_the_session_is_short_lived(client, settings):
    settings.IMR_WORKER_SESSION_SECONDS = 60
    case, code = noticed_case()
    open_case(client, case, code)
    session = client.session
    held = session[SESSION_KEY]
    held["until"] = time.time() - 1
    session[SESSION_KEY] = held
    session.save()
    response = client.get(f"/worker/case/{case.case_number}/")
    assert response.status_code == 404 and "This page is not open" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_new_code_replaces_the_old_one_and_ends_its_sessions(client, admin_client):
    case, old = noticed_case()
    open_case(client, case, old)
    assert client.get(f"/worker/case/{case.case_number}/").status_code == 200
    page = admin_client.post(f"/worker/staff/{case.case_number}/", {"language": "en"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "New code issued: print this notice now" in body
    new = re.search(r"Case access code: ([A-Z0-9]{5}-[A-Z0-9]{5})", body).group(1)
    assert new != old
    # The session opened with the old code ends; the old code no longer opens the case; the new one does.
    assert client.get(f"/worker/case/{case.case_number}/").status_code == 404
    assert open_case(client, case, old).status_code == 400
    assert open_case(client, case, new).status_code == 302
    assert WorkerAccess.objects.get(case=case).generation == 2


def test_the_staff_page_is_for_administrators_only(client, reviewer):
    case, _code = noticed_case()
    client.force_login(reviewer)
    assert client.get(f"/worker/staff/{case.case_number}/").status_code == 404


def test_the_notice_is_queued_once_and_a_second_call_issues_no_new_code():
    case, code = noticed_case()
    first = WorkerAccess.objects.get(case=case).code_hash
    queue_worker_notice(case)
    assert WorkerAccess.objects.get(case=case).code_hash == first
    assert worker_access.find_access(case.case_number, code, BORN) is not None
