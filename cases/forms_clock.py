"""Forms of the clock's actions on the case page: the records checklist, proceeding on records in hand, the track."""

from django import forms

from cases.clock import ServiceMethod, Track
from cases.clock_models import Appeal, RecordsDocument
from core.dates import DateField
from core.text import PrintableTextFormMixin


class RecordsDocumentForm(PrintableTextFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=RecordsDocument.Kind.choices, label="Document")
    received_on = DateField(label="Received on")
    received_from = forms.CharField(max_length=200, required=False, label="From")
    note = forms.CharField(max_length=300, required=False, label="Note")


class ProceedForm(PrintableTextFormMixin, forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Why proceed now")


class TrackForm(PrintableTextFormMixin, forms.Form):
    ACTIONS = [("set", "Set the track"), ("expedite", "Convert to expedited (physician's certification)")]

    action = forms.ChoiceField(choices=ACTIONS)
    track = forms.ChoiceField(choices=[("", "By the rule (items and priority)"), *Track.choices], required=False)
    on = DateField(required=False, label="Certified on (empty: today)")
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Reason")


class AppealForm(PrintableTextFormMixin, forms.Form):
    filed_by = forms.ChoiceField(choices=Appeal.FiledBy.choices, label="Filed by")
    filed_on = DateField(label="Filed on")
    ground = forms.ChoiceField(choices=Appeal.Ground.choices, label="Ground (LC 4610.6(h))")
    # Blank: read from the service record of the letter (an error when no service on the party is recorded).
    served_on = DateField(
        label="Determination served on", required=False, help_text="Blank: the date in the service record."
    )
    service_method = forms.ChoiceField(
        choices=[("", "From the service record"), *ServiceMethod.choices], label="Served by", required=False
    )
    note = forms.CharField(max_length=2000, required=False, label="Note")


class RescindForm(forms.Form):
    appeal = forms.IntegerField(widget=forms.HiddenInput)
    on = DateField(label="Order received on")


class AuthorizationForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    on = DateField(label="Authorized on")
