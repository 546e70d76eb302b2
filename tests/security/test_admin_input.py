"""The admin applies the portal's text rule (``core/text.py``) on every form, as the portal's own forms do.

Issue 20, finding 4: a right-to-left override saved through the admin in a case's employee name, an item's
description and a party's name reached the letter preview with "Upheld" reading reversed. The walker below opens every
registered ModelAdmin's add page and the change page of an object of each model, reads each form as the hostile suite
reads the portal's (``tests/security/test_hostile_input.py``), posts every text field with a bidirectional override and
with a control character, and requires the refusal at that field and nothing stored.
"""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from cases.models import Case
from core.models import EmailTemplate, Party
from guidelines.models import QuantityLimit
from reviewers.models import SpecialtyCategoryFit
from tests import factories
from tests.security.test_hostile_input import _FormReader, _stored_refused_characters

pytestmark = pytest.mark.django_db

OVERRIDE = "Upheld\u202edenrutrevO"
CONTROL = "bell\x07escape"
REFUSAL = "which a letter cannot show as typed"


@pytest.fixture
def root(client):
    user = factories.UserFactory(username="root", is_superuser=True, is_staff=True, first_name="Rory", last_name="Ot")
    client.force_login(user)
    return user


def _errors_by_html_name(response) -> dict[str, str]:
    """Every error of the page's form and its inline forms, keyed by the input's name (``items-0-description``)."""
    found: dict[str, str] = {}
    page_forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        page_forms.extend(inline.formset.forms)
    for form in page_forms:
        for name, errors in form.errors.items():
            found[form.add_prefix(name)] = " ".join(errors)
    return found


def _text_fields_by_html_name(response) -> set[str]:
    """The names of the page's inputs that are text fields of a Django form (not dates, numbers or choices)."""
    names = set()
    page_forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        page_forms.extend(inline.formset.forms)
    for form in page_forms:
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField):
                names.add(form.add_prefix(name))
    return names


def attack_admin_page(client, url: str) -> list[str]:
    """Post the page's form with every text field replaced by each refused value (one post a value: a form validates
    each field on its own, and the admin validates its inline forms whatever its main form's errors); return the fields
    tried, each of which must be refused at the field."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    reader = _FormReader("http://testserver" + url)
    reader.feed(page.content.decode())
    (form,) = [form for form in reader.forms if not form.action.endswith(reverse("admin:logout"))]
    names = [name for name in form.text_fields if name in _text_fields_by_html_name(page)]
    if not names:
        return names
    for value in (OVERRIDE, CONTROL):
        data = {key: values if len(values) > 1 else values[0] for key, values in form.fields.items()}
        data.update(dict.fromkeys(names, value))
        response = client.post(form.action, data)
        assert response.status_code == 200, (url, repr(value), response.status_code)
        errors = _errors_by_html_name(response)
        assert [name for name in names if REFUSAL not in errors.get(name, "")] == [], (url, repr(value))
    return names


def _one_of_each():
    """An object of every model whose admin can change it."""
    reviewer = factories.UserFactory(username="doc")
    profile = factories.reviewer_profile(reviewer)
    case = factories.case_in_review(reviewer, items=2, documents=1)
    factories.affiliate(profile, case.employer)
    factories.specialty_fit()
    source = factories.GuidelineSourceFactory()
    section = factories.GuidelineSectionFactory(source=source)
    QuantityLimit.objects.create(source=source, section=section, treatment="Physical therapy", max_units=10)
    EmailTemplate.objects.get_or_create(key="case_offered", defaults={"subject": "s", "body": "b"})
    return case


def test_every_admin_form_refuses_a_bidirectional_override_and_a_control_character_at_the_field(client, root):
    _one_of_each()
    request = RequestFactory().get("/admin/")
    request.user = root
    walked: dict[str, int] = {}
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_add_permission(request):
            walked[f"{label} add"] = len(attack_admin_page(client, reverse(f"admin:{label}_add")))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None and model_admin.has_change_permission(request, obj):
            walked[f"{label} change"] = len(attack_admin_page(client, reverse(f"admin:{label}_change", args=[obj.pk])))

    assert _stored_refused_characters() == []
    # The pages of the finding and the people and texts that reach letters and e-mails were all walked.
    for page in [
        "cases_case change",
        "cases_case add",
        "cases_disputeditem change",
        "core_party change",
        "core_emailtemplate change",
        "auth_user change",
        "reviewers_reviewerprofile change",
        "guidelines_guidelinesource change",
        "guidelines_guidelinesection change",
        "guidelines_quantitylimit change",
    ]:
        assert walked.get(page, 0) > 0, (page, walked)
    assert sum(walked.values()) > 60, walked


def test_the_case_page_of_the_admin_refuses_an_override_in_the_name_and_an_items_description(client, root):
    case = factories.case_in_review(factories.UserFactory(username="doc"), items=1)
    item = case.items.get()
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url)
    reader = _FormReader("http://testserver" + url)
    reader.feed(page.content.decode())
    (form,) = [form for form in reader.forms if not form.action.endswith(reverse("admin:logout"))]
    data = {key: values if len(values) > 1 else values[0] for key, values in form.fields.items()}
    data.update({"employee_name": "Jane Roe\u202e", "items-0-description": OVERRIDE})

    response = client.post(url, data)

    assert response.status_code == 200
    errors = _errors_by_html_name(response)
    assert errors["employee_name"] == (
        "character 9 is U+202E (right-to-left override), which a letter cannot show as typed; remove it."
    )
    assert errors["items-0-description"].startswith("character 7 is U+202E (right-to-left override)")
    case.refresh_from_db()
    item.refresh_from_db()
    assert "\u202e" not in case.employee_name and "\u202e" not in item.description


def test_the_party_admin_refuses_an_override_in_a_name_and_keeps_right_to_left_script(client, root):
    party = factories.PartyFactory(name="Acme Stores")
    url = reverse("admin:core_party_change", args=[party.pk])

    refused = client.post(url, {"name": "Acme\u202eserotS", "kind": party.kind})
    hebrew = client.post(url, {"name": "\u05e9\u05dc\u05d5\u05dd Stores e\u0301", "kind": party.kind})

    assert refused.status_code == 200
    assert _errors_by_html_name(refused)["name"].startswith("character 5 is U+202E (right-to-left override)")
    assert hebrew.status_code == 302  # right-to-left script and combining marks are text like any other
    party.refresh_from_db()
    assert party.name == "\u05e9\u05dc\u05d5\u05dd Stores e\u0301"


def test_the_user_admin_refuses_a_control_character_in_a_name(client, root):
    user = get_user_model().objects.get(username="root")
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = client.get(url)
    reader = _FormReader("http://testserver" + url)
    reader.feed(page.content.decode())
    (form,) = [form for form in reader.forms if not form.action.endswith(reverse("admin:logout"))]
    data = {key: values if len(values) > 1 else values[0] for key, values in form.fields.items()}
    data["last_name"] = "Ot\x1b[31m"

    response = client.post(url, data)

    assert response.status_code == 200
    assert _errors_by_html_name(response)["last_name"].startswith("character 3 is U+001B")
    assert Case.objects.count() == 0
    user.refresh_from_db()
    assert user.last_name == "Ot"


def test_every_registered_admin_applies_the_text_rule_by_construction():
    from core.adminsite import PrintableTextAdminMixin

    assert {
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not isinstance(model_admin, PrintableTextAdminMixin)
    } == set()
    assert Party in admin.site._registry and SpecialtyCategoryFit in admin.site._registry
