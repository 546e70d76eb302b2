from django import forms

from audit.models import AccessEvent


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=150, label="User name")
    case_number = forms.CharField(required=False, max_length=64, label="Case number")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
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
