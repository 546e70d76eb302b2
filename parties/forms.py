"""Forms of the parties' side: setting up an organization, inviting a person, accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation

from core.models import Party
from parties.models import ORGANIZATION_KINDS
from parties.uploads import UploadKind


class OrganizationForm(forms.Form):
    """An administrator's: a party the portal knows, or a new one; and the e-mail address of its first user."""

    party = forms.ModelChoiceField(
        label="A party the portal knows",
        queryset=Party.objects.filter(kind__in=ORGANIZATION_KINDS).order_by("name"),
        required=False,
        empty_label="(a new organization: fill in below)",
    )
    kind = forms.ChoiceField(
        label="Kind of organization",
        choices=[("", "—")] + [(kind, Party.Kind(kind).label) for kind in ORGANIZATION_KINDS],
        required=False,
    )
    name = forms.CharField(label="Name of the new organization", max_length=200, required=False)
    email = forms.EmailField(label="Its general e-mail address (optional)", required=False)
    first_user_email = forms.EmailField(
        label="E-mail address of its first user",
        help_text="They get an invitation; they will manage the organization's people.",
    )

    def clean(self):
        data = super().clean()
        if data.get("party") is None:
            if not data.get("kind"):
                self.add_error("kind", "Choose the kind of the new organization, or a party the portal knows.")
            if not (data.get("name") or "").strip():
                self.add_error("name", "Give the name of the new organization, or choose a party the portal knows.")
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    is_manager = forms.BooleanField(label="Manager (invites and deactivates colleagues)", required=False, initial=False)


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    username = forms.RegexField(
        label="User name",
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text="Letters, digits and @ . + - _ only.",
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput(render_value=False))
    password_again = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        for name, autocomplete in (
            ("username", "username"),
            ("password", "new-password"),
            ("password_again", "new-password"),
        ):
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords differ: type the same password twice.")
        elif password:
            user = get_user_model()(
                username=data.get("username", ""),
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class UploadForm(forms.Form):
    """Several PDFs at once; the kind of each comes as ``kind_<n>`` (n: the file's position), or ``kind`` for all."""

    kind = forms.ChoiceField(label="What the files are", choices=UploadKind.choices, initial=UploadKind.UR_RECORDS)
