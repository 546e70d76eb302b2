from django import forms
from django.utils import timezone

from cases.models import CASE_NUMBER_RE
from mailroom.sheets import KINDS, RecordsKind

_CONTROL = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def _kind_choices() -> list[tuple[str, str]]:
    return [(code, RecordsKind(records_kind).label) for code, (records_kind, _) in KINDS.items()]


class BatchForm(forms.Form):
    file = forms.FileField(label="Scanned batch (one PDF)", help_text="Each document behind its records cover sheet.")
    received_on = forms.DateField(
        label="Date received",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the faxes or the mail arrived: the records count as received that day.",
    )


class FileExceptionForm(forms.Form):
    case_number = forms.CharField(label="Case number", max_length=12, widget=forms.TextInput(attrs=_CONTROL))
    kind = forms.ChoiceField(label="Document kind", choices=_kind_choices, widget=forms.Select(attrs=_SELECT))
    first_page = forms.IntegerField(label="From page", min_value=1, widget=forms.NumberInput(attrs=_CONTROL))
    last_page = forms.IntegerField(label="To page", min_value=1, widget=forms.NumberInput(attrs=_CONTROL))

    def clean_case_number(self) -> str:
        value = self.cleaned_data["case_number"].strip().upper()
        if not CASE_NUMBER_RE.match(value):
            raise forms.ValidationError(f"{value!r} is not a case number (CMyy-nnnnnnn).")
        return value

    def clean(self):
        data = super().clean()
        if data.get("first_page") and data.get("last_page") and data["first_page"] > data["last_page"]:
            raise forms.ValidationError("The first page comes after the last.")
        return data


class DiscardForm(forms.Form):
    reason = forms.CharField(label="Why discard these pages", max_length=300, widget=forms.TextInput(attrs=_CONTROL))
