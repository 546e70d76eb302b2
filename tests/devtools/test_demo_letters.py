"""The demo's letters (devtools/demo/letters.py, run by ``seed_demo``): what the correspondence staff finds."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Case
from devtools.demo import letters as demo
from devtools.demo.cases import DEMO_CLAIM_PREFIX
from letters.models import Letter, LetterDownload, Service

pytestmark = pytest.mark.django_db


def seed_demo(capture_on_commit) -> None:
    # As outside tests: the letter task each QA approval queues after commit runs too (and finds its letters made).
    with capture_on_commit(execute=True):
        call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_letters_are_signed_one_served_and_the_staff_user_finds_them_and_downloads_one(
    client, django_capture_on_commit_callbacks
):
    seed_demo(django_capture_on_commit_callbacks)  # once: seed_demo takes seconds, both checks read the same demo
    check_signed_and_served()
    staff = get_user_model().objects.get(username="staff")
    client.force_login(staff)

    response = client.get(reverse("letters:center"))

    assert response.status_code == 200
    letters = list(response.context["page"])
    assert sorted((letter.case.claim_number, letter.rendition, letter.service_count) for letter in letters) == [
        (f"{DEMO_CLAIM_PREFIX}0011", "parties", 1),
        (f"{DEMO_CLAIM_PREFIX}0011", "public", 0),
        (f"{DEMO_CLAIM_PREFIX}0020", "parties", 0),
        (f"{DEMO_CLAIM_PREFIX}0020", "public", 0),
    ]
    # The determined case whose letter is still to be made is listed as being prepared.
    assert [case.claim_number for case in response.context["pending_cases"]] == [f"{DEMO_CLAIM_PREFIX}0021"]

    letter = next(letter for letter in letters if letter.rendition == "parties" and letter.service_count == 0)
    download = client.get(reverse("letters:download", args=[letter.pk]))

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert data[:5] == b"%PDF-"
    assert hashlib.sha256(data).hexdigest() == letter.sha256
    assert list(LetterDownload.objects.values_list("letter_id", "by__username")) == [(letter.pk, "staff")]


def check_signed_and_served() -> None:
    """The demo letters are signed through the service and one is served on the parties."""
    statuses = dict(
        Case.objects.filter(claim_number__in=[f"{DEMO_CLAIM_PREFIX}{key}" for key in demo.SIGNED_CASES]).values_list(
            "claim_number", "status"
        )
    )
    assert statuses == {f"{DEMO_CLAIM_PREFIX}0020": Status.LETTER_SIGNED, f"{DEMO_CLAIM_PREFIX}0011": Status.SERVED}
    assert sorted(Letter.objects.values_list("state", "version", "superseded_at")) == [("signed", 1, None)] * 4
    service = Service.objects.select_related("letter__case", "by").get()
    assert (service.letter.case.claim_number, service.letter.rendition, service.method, service.by.username) == (
        f"{DEMO_CLAIM_PREFIX}0011",
        "parties",
        "mail",
        "staff",
    )
    # The letter's own addressees, as the letter names them (letters.rendering.addressees), each with its address.
    assert service.recipients == [
        "Injured worker: Rosa Villanueva",
        "Requesting physician: Casey Marlowe, DO",
        "Claims administrator: Redwood Mutual Claims",
        "Employer: Bayside Logistics Inc.",
    ]
    assert all(service.deliveries.values_list("address", flat=True))
