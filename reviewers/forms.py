from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms

from core.dates import DateField, FutureDateField
from core.models import Party
from core.text import PrintableTextFormMixin
from reviewers.models import Licence, ReviewerProfile


class ProfileForm(PrintableTextFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewerProfile
        fields = [
            "active",
            "certifications",
            "subspecialties",
            "practice_started",
            "weekly_practice_hours",
            "capacity",
            "away_from",
            "away_to",
            "credentials_verified_on",
            "notes",
        ]
        field_classes = {
            "practice_started": DateField,
            "away_from": FutureDateField,
            "away_to": FutureDateField,
            "credentials_verified_on": DateField,
        }
        widgets = {
            "certifications": forms.CheckboxSelectMultiple,
            "subspecialties": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Qualification",
                Row(Column("practice_started"), Column("weekly_practice_hours"), Column("credentials_verified_on")),
                Row(Column("certifications"), Column("subspecialties")),
            ),
            Fieldset(
                "Workload and availability",
                Row(Column("active"), Column("capacity"), Column("away_from"), Column("away_to")),
                "notes",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        away_from, away_to = cleaned.get("away_from"), cleaned.get("away_to")
        if away_from and away_to and away_to < away_from:
            self.add_error("away_to", "The last day away cannot be before the first.")
        if cleaned.get("capacity") == 0:
            self.add_error("capacity", "At least 1; to stop offers, untick Active or set an absence.")
        return cleaned


class LicenceForm(PrintableTextFormMixin, forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["state", "number", "expires_on", "restricted"]
        field_classes = {"expires_on": FutureDateField}


LicenceFormSet = forms.inlineformset_factory(ReviewerProfile, Licence, form=LicenceForm, extra=1, can_delete=True)


class AffiliationForm(PrintableTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of party", choices=Party.Kind.choices)
    name = forms.CharField(label="Name of the party", max_length=200)
    relationship = forms.CharField(
        max_length=200, help_text="Employed, contracted, owner or shareholder, family member works there, ..."
    )
    since = DateField(required=False)
    until = FutureDateField(required=False, help_text="Empty while the tie lasts.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["until"] < cleaned["since"]:
            self.add_error("until", "The tie cannot end before it began.")
        return cleaned


class AvailabilityForm(forms.Form):
    away_from = FutureDateField(required=False, label="Away from")
    away_to = FutureDateField(required=False, label="Away to (last day)")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("away_from") and cleaned.get("away_to") and cleaned["away_to"] < cleaned["away_from"]:
            self.add_error("away_to", "The last day away cannot be before the first.")
        return cleaned
