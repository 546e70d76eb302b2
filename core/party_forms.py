"""How a form takes a party's postal address, e-mail, fax and phone (the intake form, for each party a letter is
served on): the fields, their checks (core.addresses) and the values to keep on the party."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Column, Row
from django import forms

from core.addresses import state_problem, zip_problem

# (suffix, the Party field it fills)
CONTACT_FIELDS = ("address_lines", "city", "state", "zip_code", "email", "fax", "phone")
POSTAL_FIELDS = ("address_lines", "city", "state", "zip_code")


class StateField(forms.CharField):
    """A two-letter state code, upper-cased; anything else refused at the field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(size="2", autocomplete="address-level1")

    def clean(self, value: Any) -> str:
        value = (super().clean(value) or "").upper()
        if problem := state_problem(value):
            raise forms.ValidationError(problem)
        return value


class ZipField(forms.CharField):
    """Five digits or ZIP+4."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="numeric", autocomplete="postal-code")

    def clean(self, value: Any) -> str:
        value = super().clean(value) or ""
        if problem := zip_problem(value):
            raise forms.ValidationError(problem)
        return value


def contact_fields(prefix: str, who: str) -> dict[str, forms.Field]:
    """The fields of one party's address and numbers, named ``{prefix}_{field}``; ``who`` labels them."""
    return {
        f"{prefix}_address_lines": forms.CharField(
            required=False,
            label=f"{who}: street address",
            help_text="One line each (street, suite).",
            widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
        ),
        f"{prefix}_city": forms.CharField(required=False, max_length=100, label=f"{who}: city"),
        f"{prefix}_state": StateField(label=f"{who}: state"),
        f"{prefix}_zip_code": ZipField(label=f"{who}: ZIP"),
        f"{prefix}_email": forms.EmailField(required=False, label=f"{who}: e-mail"),
        f"{prefix}_fax": forms.CharField(required=False, max_length=40, label=f"{who}: fax"),
        f"{prefix}_phone": forms.CharField(required=False, max_length=40, label=f"{who}: phone"),
    }


def incomplete_address(form: forms.BaseForm, names: dict[str, str], who: str) -> None:
    """An address begun and not finished: each missing part is named at its own field. ``names`` maps the postal
    parts (address_lines, city, state, zip_code) to the form's field names."""
    cleaned = form.cleaned_data
    given = {part: (cleaned.get(name) or "").strip() for part, name in names.items() if name not in form.errors}
    if len(given) < len(names) or not any(given.values()):
        return
    labels = {"address_lines": "street address", "city": "city", "state": "state", "zip_code": "ZIP code"}
    for part, value in given.items():
        if not value:
            form.add_error(names[part], f"The {labels[part]} of {who}'s postal address is missing.")


def contact_values(cleaned: dict[str, Any], prefix: str) -> dict[str, str]:
    """The values typed for one party, by Party field (blank ones left out: they keep what is on file)."""
    values = {field: (cleaned.get(f"{prefix}_{field}") or "").strip() for field in CONTACT_FIELDS}
    return {field: value for field, value in values.items() if value}


def address_rows(lines: str, city: str, state: str, zip_code: str) -> list[Row]:
    """The layout of one postal address: street lines, city, state, ZIP on one row from 992 px; below, the street
    lines on a row of their own and city, state and ZIP in equal thirds (a state column of 1/12 clipped "CA" and
    wrapped its label over three lines at 800 px)."""
    return [
        Row(
            Column(lines, css_class="col-12 col-lg-5"),
            Column(city, css_class="col-sm-4 col-lg-3"),
            Column(state, css_class="col-sm-4 col-lg-2"),
            Column(zip_code, css_class="col-sm-4 col-lg-2"),
        )
    ]


def contact_rows(prefix: str) -> list[Row]:
    """The layout of one party's address and numbers (the fields of ``contact_fields``)."""
    return [
        *address_rows(f"{prefix}_address_lines", f"{prefix}_city", f"{prefix}_state", f"{prefix}_zip_code"),
        Row(Column(f"{prefix}_email"), Column(f"{prefix}_fax"), Column(f"{prefix}_phone")),
    ]
