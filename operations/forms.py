"""The period of the outcomes and the state's report, carried in the URL (``?from=…&to=…&historical=1``)."""

import datetime

from django import forms
from django.utils import timezone

from operations.report import DIMENSIONS


def _this_year() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (included)", widget=forms.DateInput(attrs={"type": "date"}))
    historical = forms.BooleanField(
        label="Count imported cases decided elsewhere", required=False, help_text="Closed historical cases."
    )

    def __init__(self, params, *args, **kwargs):
        params = params.copy()
        start, end = _this_year()
        params.setdefault("start", start.isoformat())
        params.setdefault("end", end.isoformat())
        super().__init__(params, *args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The period ends before it starts: put the later day in “To”.")
        return data


class OutcomesForm(PeriodForm):
    dimension = forms.ChoiceField(
        label="Break down by", choices=[("", "Every breakdown"), *DIMENSIONS.items()], required=False
    )
