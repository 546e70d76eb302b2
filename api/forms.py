from datetime import datetime, time

from django import forms
from django.utils import timezone

from api.models import Scope


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What will use the key, e.g. “Claims system (production)”.", label="Name"
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, label="What the key may do"
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on",
        help_text="Optional. The key stops working at the end of this day (Pacific time).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError("The expiry date is in the past.")
        return day

    def expires_at(self):
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max), timezone.get_current_timezone())


class RevokeForm(forms.Form):
    key = forms.IntegerField(widget=forms.HiddenInput)
