from django import forms

from audit.models import AccessEvent
from core.dates import FutureDateField


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=150, label="User name")
    case_number = forms.CharField(required=False, max_length=64, label="Case number")
    date_from = FutureDateField(required=False, label="From")
    date_to = FutureDateField(required=False, label="To")
    action = forms.CharField(
        required=False,
        max_length=64,
        label="Action",
        help_text="A page or download, e.g. cases:workspace.",
        widget=forms.TextInput(attrs={"list": "access-actions"}),
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Reads and changes"), *AccessEvent.Kind.choices])
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *AccessEvent.Outcome.choices])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", f"Ends before it starts ({data['date_from']:%m/%d/%Y}).")
        return data
