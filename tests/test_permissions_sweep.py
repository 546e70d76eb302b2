"""The permission sweep: every URL of the portal, as every role and as a second reviewer.

It walks the URL configuration (so a URL added tomorrow is swept too), fills each pattern's parameters with real
objects of a case assigned to reviewer1, and visits it as administrator, QA, staff, reviewer1 (the owner) and
reviewer2 (not the owner). It fails when:

- any page answers 500 (or raises) for any role;
- reviewer2 gets anything but what a case that does not exist gets, on a URL naming reviewer1's case (404, never a
  hint that it exists), or gets the owner's files;
- any page, list, search, count, download or export that reviewer2 can open shows reviewer1's case numbers, the
  injured worker's name, or reviewer1's name;
- a URL has a parameter the sweep does not know how to fill: add a filler to ``FILLERS`` below;
- a page that refuses (403), or answers 200 showing a case's number or its worker's name, wrote no access-log row in
  that request (issue 20, finding 3; the admin's pages: ``tests/security/test_access_log_coverage.py``). One walk
  checks both: a second walk of every URL as every role cost a sixth of a minute.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from audit.models import AccessEvent
from cases.services import assignment
from cases.services.documents import add_document
from core import roles
from tests.factories import (
    UserFactory,
    determined_case,
    reviewer_profile,
    small_pdf,
    specialty_fit,
    waiting_case,
)

pytestmark = pytest.mark.django_db

MISSING_CASE = "CM99-9999999"
MISSING_ID = 999_999_999

# Patterns not swept, each with the reason.
EXCLUDED = {
    "admin": "the Django admin site: for superusers only; every other role is sent to its log-in (checked below)",
    "password_reset_confirm": "takes a signed token, not an object of the portal",
    "logout": "POST-only log-out; visiting it would end the session of the sweep",
}

ROLES = ("admin", "qa", "staff", "reviewer1", "reviewer2")


@dataclass
class World:
    users: dict
    case: object  # reviewer1's case in review, with a document
    offered: object  # a case offered to reviewer1
    own_case: object  # reviewer2's case, which reviewer1 declined before
    document: object
    secrets: list[str] = field(default_factory=list)  # what reviewer2 must never see


def _user(username: str, role: str, **fields):
    user = UserFactory(username=username, **fields)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def build_world() -> World:
    admin = _user("sweep-admin", roles.ADMINISTRATOR)
    users = {
        "admin": admin,
        "qa": _user("sweep-qa", roles.QA),
        "staff": _user("sweep-staff", roles.STAFF),
        "reviewer1": _user("reviewer1", roles.REVIEWER, first_name="Ottoline", last_name="Quarrington"),
        "reviewer2": _user("reviewer2", roles.REVIEWER, first_name="Robin", last_name="Second"),
    }
    specialty_fit()
    reviewer_profile(users["reviewer1"])
    reviewer_profile(users["reviewer2"])
    case = waiting_case(employee_name="Zebulon Featherstonehaugh")
    document = add_document(case, data=small_pdf(pages=2, marker="sweep"), name="records.pdf", kind="medical_records")
    assignment.offer_case(case, users["reviewer1"], by=admin)
    assignment.accept_case(case, by=users["reviewer1"], attestation_text=assignment.attestation_text(case))
    offered = waiting_case(employee_name="Philippa Wetherspoon-Crane")
    assignment.offer_case(offered, users["reviewer1"], by=admin)
    own_case = waiting_case(employee_name="Sam Ordinary")
    assignment.offer_case(own_case, users["reviewer1"], by=admin)
    assignment.decline_case(own_case, by=users["reviewer1"], reason="I know the employer's owner.")
    assignment.offer_case(own_case, users["reviewer2"], by=admin)
    assignment.accept_case(own_case, by=users["reviewer2"], attestation_text="I attest.")
    add_document(own_case, data=small_pdf(marker="own"), name="own.pdf", kind="medical_records")
    # A case reviewer1 decided, with its signed letters: letter URLs are filled with these.
    decided = determined_case(reviewer=users["reviewer1"], employee_name="Hortensia Blackwood-Pim")
    from letters.services import generate_rendition

    generate_rendition(decided, rendition="parties", by=admin)
    return World(
        users=users,
        case=case,
        offered=offered,
        own_case=own_case,
        document=document,
        secrets=[
            case.case_number,
            offered.case_number,
            "Zebulon Featherstonehaugh",
            "Philippa Wetherspoon-Crane",
            decided.case_number,
            "Hortensia Blackwood-Pim",
            "Ottoline",
            "Quarrington",
        ],
    )


def _first_pk(model_label: str, **filters):
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return MISSING_ID
    obj = model.objects.filter(**filters).order_by("pk").first()
    return obj.pk if obj is not None else MISSING_ID


def _letter_of(world: World, attribute: str):
    try:
        letter_model = apps.get_model("letters.Letter")
    except LookupError:
        return MISSING_ID if attribute == "pk" else "0" * 20
    letter = letter_model.objects.filter(case__reviewer=world.users["reviewer1"]).order_by("pk").first()
    if letter is None:
        return MISSING_ID if attribute == "pk" else "0" * 20
    return getattr(letter, attribute)


def _guideline_source_key(world: World, name: str):
    try:
        model = apps.get_model("guidelines.GuidelineSource")
    except LookupError:
        return "no-such-source"
    source = model.objects.order_by("pk").first()
    return source.key if source is not None else "no-such-source"


def _pk(world: World, name: str):
    if name.startswith("guidelines:limit"):
        return _first_pk("guidelines.QuantityLimit")
    if name.startswith("guidelines:section"):
        return _first_pk("guidelines.GuidelineSection")
    if name.startswith("guidelines:synonym"):
        return _first_pk("guidelines.Synonym")
    raise LookupError(f"no filler for <pk> of {name}")


# Parameter name → how to fill it: a function of (world, url name). Values of reviewer1's case wherever the
# parameter names something that belongs to a case, so that reviewer2's visit tests the access rule.
FILLERS = {
    "case_number": lambda world, name: world.case.case_number,
    "document_id": lambda world, name: world.document.pk,
    "user_id": lambda world, name: world.users["reviewer1"].pk,
    "profile_id": lambda world, name: world.users["reviewer1"].reviewer_profile.pk,
    "letter_id": lambda world, name: _letter_of(world, "pk"),
    "code": lambda world, name: _letter_of(world, "verification_code"),
    "key": _guideline_source_key,
    "pk": _pk,
    "token": lambda world, name: "not-a-set-up-link-of-anyone",  # accounts:enrolment_link answers 400 to all
    "invoice_id": lambda world, name: _first_pk("billing.Invoice"),  # administrators only: 403 to every other role
    # An organization's managers only: 403 to every staff role (another organization's answers 404).
    "endpoint_id": lambda world, name: _first_pk("webhooks.Endpoint"),
    "delivery_id": lambda world, name: _first_pk("webhooks.Delivery"),
    "batch_id": lambda world, name: _first_pk("mailroom.ScanBatch"),  # the mailroom: administrators only
    "exception_id": lambda world, name: _first_pk("mailroom.ScanException"),
    # The parties' side: administrators only (organizations), or party users only (their people): 403 to the roles here.
    "organization_id": lambda world, name: _first_pk("core.Party"),
    "membership_id": lambda world, name: _first_pk("parties.Membership"),
}
# Parameters whose value belongs to reviewer1's case: reviewer2 must get what a missing object gets.
CASE_PARAMETERS = {"case_number", "document_id", "letter_id"}
# Capability URLs: public pages reached only with a secret printed on the letter itself (the verification code
# behind its QR code). Whoever holds the letter may see its register entry: the case number, version and dates, but
# never a name or a medical fact, which the sweep still checks.
CAPABILITY_URLS = {"letters:verify_code"}
MISSING_VALUES = {"case_number": MISSING_CASE, "document_id": MISSING_ID, "letter_id": MISSING_ID, "code": "f" * 20}

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def url_patterns(resolver=None, prefix: str = "", namespace: str = ""):
    """(name, route) of every URL pattern, recursively."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else ""), prefix + str(entry.pattern)


def _excluded(name: str, route: str) -> bool:
    return name.split(":")[0] in EXCLUDED or name in EXCLUDED or route.startswith("admin/")


def planned_urls(world: World) -> list[tuple[str, str, str | None, set[str]]]:
    """(name, url for reviewer1's objects, the same url with missing objects, the parameters) for every pattern."""
    plans, unfillable = [], []
    for name, route in url_patterns():
        if _excluded(name, route):
            continue
        parameters = {match["name"] for match in PARAMETER.finditer(route)}
        if not name:
            unfillable.append(f"{route!r} has no name: name it so the sweep can reverse it")
            continue
        values, missing = {}, {}
        for parameter in sorted(parameters):
            filler = FILLERS.get(parameter)
            if filler is None:
                unfillable.append(f"{name} ({route}) has the parameter <{parameter}>: add a filler to FILLERS")
                continue
            try:
                values[parameter] = filler(world, name)
            except LookupError as error:
                unfillable.append(f"{name} ({route}): {error}: extend the filler of <{parameter}>")
                continue
            missing[parameter] = MISSING_VALUES.get(parameter, values[parameter])
        if len(values) != len(parameters):
            continue
        url = reverse(name, kwargs=values)
        missing_url = reverse(name, kwargs=missing) if parameters & CASE_PARAMETERS else None
        plans.append((name, url, missing_url, parameters))
    if unfillable:
        pytest.fail("The sweep cannot fill these URL patterns:\n" + "\n".join(unfillable))
    return plans


def _body(response) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"\n".join(archive.read(member) + member.encode() for member in archive.namelist())
    return data.decode("utf-8", errors="replace")


def _get(client, url: str):
    """GET, and the body and status; an exception in the view is a failure of the sweep (a 500)."""
    try:
        response = client.get(url)
    except Exception as error:  # noqa: BLE001 - any exception is the 500 a user would get
        return 500, f"{type(error).__name__}: {error}", None
    return response.status_code, _body(response), response


def case_data(world) -> list[str]:
    """What identifies a case or its worker (the reviewers' names are not case data)."""
    return [secret for secret in world.secrets if secret not in ("Ottoline", "Quarrington")]


def _unlogged(role: str, name: str, url: str, status: int, body: str, rows: int, shown: list[str]) -> list[str]:
    """Why a visit that wrote ``rows`` access-log rows should have written one: a refusal, or case data shown.
    Capability URLs (the verification page, reached with the code printed on a letter) show whoever holds the letter
    its case number and dates, as the letter itself does, never a name: only a name shown there counts."""
    if rows:
        return []
    if status == 403:
        return [f"{role} GET {url} ({name}) → 403 with no access-log row"]
    if name in CAPABILITY_URLS:
        shown = [secret for secret in shown if not secret.startswith("CM")]
    if status == 200 and (seen := [secret for secret in shown if secret in body]):
        return [f"{role} GET {url} ({name}) shows {seen[:2]} with no access-log row"]
    return []


@pytest.fixture
def world():
    return build_world()


def test_every_url_of_the_portal_keeps_reviewer1s_case_from_reviewer2_logs_what_it_shows_and_never_fails(client, world):
    plans = planned_urls(world)
    assert len(plans) > 20  # the portal has its pages: a sweep of nothing proves nothing
    problems: list[str] = []
    unlogged: list[str] = []
    shown = case_data(world)
    statuses: dict[tuple[str, str], int] = {}
    for role in ROLES:
        client.force_login(world.users[role])
        for name, url, missing_url, parameters in plans:
            # Lists and searches are also asked for reviewer1's case by number and by name; the search box echoes
            # the term, so the term itself is not counted as a leak of that request.
            searches = [world.case.case_number, world.case.employee_name] if not parameters else []
            for visited, term in [(url, None), *((f"{url}?{urlencode({'q': t})}", t) for t in searches)]:
                logged_before = AccessEvent.objects.count()
                status, body, response = _get(client, visited)
                statuses[(role, visited)] = status
                if term is None:
                    rows = AccessEvent.objects.count() - logged_before
                    unlogged += _unlogged(role, name, visited, status, body, rows, shown)
                if status >= 500:
                    problems.append(f"{role} GET {visited} ({name}) → {status} {body[:200]}")
                    continue
                if role != "reviewer2":
                    continue
                secrets = world.secrets
                if name in CAPABILITY_URLS:
                    secrets = [secret for secret in secrets if not secret.startswith("CM")]
                leaked = [secret for secret in secrets if secret in body and secret != term]
                if status == 200 and leaked:
                    problems.append(f"reviewer2 GET {visited} ({name}) shows {leaked}")
                location = response.get("Location", "") if response is not None else ""
                if world.case.case_number in location or world.offered.case_number in location:
                    problems.append(f"reviewer2 GET {visited} ({name}) redirects to {location}")
            if role == "reviewer2" and missing_url is not None:
                as_missing, _, _ = _get(client, missing_url)
                if statuses[(role, url)] != as_missing or statuses[(role, url)] in (200, 302):
                    problems.append(
                        f"reviewer2 GET {url} ({name}) → {statuses[(role, url)]}, but a missing object gives "
                        f"{as_missing}: the answer must not tell that reviewer1's case exists"
                    )
        client.logout()
    assert problems == []
    assert unlogged == []
    # The fill is right: the owner opens their case and its document; the other reviewer gets 404.
    detail = reverse("cases:detail", args=[world.case.case_number])
    document = reverse("cases:document", args=[world.case.case_number, world.document.pk])
    assert (statuses[("reviewer1", detail)], statuses[("reviewer1", document)]) == (200, 200)
    assert (statuses[("reviewer2", detail)], statuses[("reviewer2", document)]) == (404, 404)
    assert statuses[("admin", detail)] == 200


def test_reviewer1s_case_is_404_for_reviewer2_on_every_case_url(client, world):
    client.force_login(world.users["reviewer2"])
    case_urls = [(name, url) for name, url, missing, _ in planned_urls(world) if missing and name.startswith("cases:")]

    statuses = {name: client.get(url).status_code for name, url in case_urls}

    # Administrator-only pages refuse every case alike (403); POST-only actions answer 405 to a GET; the rest 404.
    assert {name: status for name, status in statuses.items() if status not in (403, 404, 405)} == {}
    assert statuses["cases:detail"] == 404
    assert statuses["cases:document"] == 404


def test_posting_to_reviewer1s_case_as_reviewer2_changes_nothing(client, world):
    client.force_login(world.users["reviewer2"])
    number = world.offered.case_number

    accept = client.post(reverse("cases:accept", args=[number]), {"attest": "yes"})
    decline = client.post(reverse("cases:decline", args=[number]), {"reason": "mine now"})

    assert (accept.status_code, decline.status_code) == (404, 404)
    world.offered.refresh_from_db()
    assert (world.offered.status, world.offered.reviewer_id) == ("assigned", world.users["reviewer1"].pk)


def test_reviewer2_never_sees_reviewer1s_name_on_their_own_case(client, world):
    """reviewer1 declined reviewer2's case before it was offered to reviewer2: nothing on its pages may say who."""
    own_document = world.own_case.documents.get()
    client.force_login(world.users["reviewer2"])
    shown: list[str] = []
    for name, route in url_patterns():
        parameters = {match["name"] for match in PARAMETER.finditer(route)}
        if _excluded(name, route) or not parameters or not parameters <= {"case_number", "document_id"}:
            continue
        values = {"case_number": world.own_case.case_number, "document_id": own_document.pk}
        url = reverse(name, kwargs={key: values[key] for key in parameters})
        status, body, _ = _get(client, url)
        assert status < 500, f"{url} → {status} {body[:200]}"
        shown += [f"{url} shows {secret}" for secret in ("Ottoline", "Quarrington") if secret in body]

    assert shown == []


@pytest.mark.parametrize("role", ["qa", "staff", "reviewer1", "reviewer2"])
def test_the_admin_site_sends_every_other_role_to_its_log_in(client, world, role):
    client.force_login(world.users[role])

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_sweep_fails_on_a_url_it_cannot_fill(world, settings):
    settings.ROOT_URLCONF = __name__  # this module's ``urlpatterns``: one pattern no filler knows

    with pytest.raises(pytest.fail.Exception) as failed:
        planned_urls(world)

    assert str(failed.value) == (
        "The sweep cannot fill these URL patterns:\n"
        "thing (things/<int:thing_id>/) has the parameter <thing_id>: add a filler to FILLERS"
    )


def _thing(request, thing_id):  # pragma: no cover - never visited
    raise AssertionError


urlpatterns = [path("things/<int:thing_id>/", _thing, name="thing")]
