"""No posted field carries a NUL character to PostgreSQL (issue 20, finding 5).

A NUL in a decline reason or a reassignment reason (read without a Django form) reached a query and answered 500.
``core.middleware.RefuseNulMiddleware`` answers every form post holding one with a 400 naming the field, before
any view; the walker posts a NUL to every URL of the portal (and to the admin's change pages) as each kind of visitor.
"""

from __future__ import annotations

import io
import itertools

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.lifecycle import Status
from cases.models import Assignment
from cases.services import assignment
from tests.factories import UserFactory, reviewer_profile, specialty_fit, waiting_case
from tests.test_permissions_sweep import build_world, planned_urls

pytestmark = pytest.mark.django_db

REFUSAL = "holds a NUL character (U+0000), which no text can hold"


@pytest.fixture
def offered(admin_user, reviewer):
    specialty_fit()
    reviewer_profile(reviewer)
    case = waiting_case()
    assignment.offer_case(case, reviewer, by=admin_user)
    return case


def test_a_reviewer_declining_with_a_nul_in_the_reason_gets_a_400_naming_the_field_and_the_offer_stands(
    client, reviewer, offered
):
    client.force_login(reviewer)

    response = client.post(reverse("cases:decline", args=[offered.case_number]), {"reason": "busy\x00week"})

    assert response.status_code == 400
    assert response.content.decode() == (
        f"Bad request: the field “reason” {REFUSAL}. Go back, remove it and send the form again."
    )
    assert Assignment.objects.get(case=offered).state == Assignment.State.OFFERED


def test_a_decline_reason_with_a_right_to_left_override_is_refused_with_a_message(client, reviewer, offered):
    client.force_login(reviewer)

    response = client.post(
        reverse("cases:decline", args=[offered.case_number]), {"reason": "I know the \u202erenwo"}, follow=True
    )

    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]] == [
        "Reason: character 12 is U+202E (right-to-left override), which a letter cannot show as typed; remove it."
    ]
    assert Assignment.objects.get(case=offered).state == Assignment.State.OFFERED


def test_an_administrator_reassigning_with_a_nul_in_the_reason_gets_a_400_and_the_case_keeps_its_reviewer(
    client, admin_user, reviewer, other_reviewer, offered
):
    reviewer_profile(other_reviewer)
    assignment.accept_case(offered, by=reviewer, attestation_text=assignment.attestation_text(offered))
    client.force_login(admin_user)

    response = client.post(
        reverse("cases:assign", args=[offered.case_number]),
        {"action": "reassign", "reviewer": other_reviewer.pk, "reason": "\x00"},
    )

    assert response.status_code == 400
    assert "the field “reason”" in response.content.decode()
    offered.refresh_from_db()
    assert (offered.status, offered.reviewer_id) == (Status.IN_REVIEW, reviewer.pk)


def test_a_reassignment_reason_with_a_control_character_is_refused_with_a_message(
    client, admin_user, reviewer, other_reviewer, offered
):
    reviewer_profile(other_reviewer)
    assignment.accept_case(offered, by=reviewer, attestation_text=assignment.attestation_text(offered))
    client.force_login(admin_user)

    response = client.post(
        reverse("cases:assign", args=[offered.case_number]),
        {"action": "reassign", "reviewer": other_reviewer.pk, "reason": "on leave\x1b"},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Reason: character 9 is U+001B (a control character), which a letter cannot show as typed; remove it."
    ]
    offered.refresh_from_db()
    assert offered.reviewer_id == reviewer.pk


def test_every_url_of_the_portal_answers_a_nul_in_any_posted_field_with_400(client):
    world = build_world()
    plans = planned_urls(world)
    visitors = [None, world.users["admin"], world.users["reviewer1"]]
    # Any field: the field's name changes from one post to the next (each name is posted at every visitor and on
    # about a quarter of the URLs), the value always carries a NUL.
    fields = itertools.cycle(("reason", "q", "username", "summary"))
    tried: dict[str, int] = {}
    for visitor in visitors:
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        for _name, url, _missing, _parameters in plans:
            field = next(fields)
            response = client.post(url, {field: "a\x00b", "other": "fine"})
            assert response.status_code == 400, (url, visitor, field, response.status_code)
            assert f"the field “{field}” {REFUSAL}" in response.content.decode(), (url, field)
            tried[field] = tried.get(field, 0) + 1
    for _name, url, _missing, _parameters in plans:  # as the last visitor, reviewer1
        upload = io.BytesIO(b"%PDF-1.7")
        upload.name = "records.pdf"
        response = client.post(url, {"file": upload, "title": "x\x00"})  # multipart, as an upload form sends it
        assert response.status_code == 400, (url, "multipart", response.status_code)
    assert len(plans) > 60 and sum(tried.values()) == len(plans) * len(visitors)
    assert min(tried.values()) > 40


def test_the_admin_answers_a_nul_in_any_posted_field_with_400(client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    case = waiting_case()
    client.force_login(root)
    urls = [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_add") for m in admin.site._registry]
    urls += [reverse("admin:cases_case_change", args=[case.pk]), reverse("admin:login"), reverse("admin:logout")]
    for url in urls:
        response = client.post(url, {"name": "x\x00"})
        assert response.status_code == 400, (url, response.status_code)
    assert client.get(reverse("admin:index")).status_code == 200  # still logged in
