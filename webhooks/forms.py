from django import forms

from webhooks.models import EVENT_CHOICES
from webhooks.targets import url_problem


class EndpointForm(forms.Form):
    """An endpoint's address, what it is and the events it wants (a plain form: the services save and record it)."""

    url = forms.URLField(
        label="Address of your system",
        max_length=500,
        assume_scheme="https",
        help_text="Where the portal sends each event, by HTTPS POST: for example https://claims.example.com/imr-hooks.",
    )
    description = forms.CharField(
        label="What it is (for your colleagues)",
        max_length=200,
        required=False,
        help_text="For example: claims system.",
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send to this address."},
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url
