"""The injured worker's forms: the way in (case number, access code, date of birth) and the documents sent. Labels
and messages are translated (``locale/es``): the views render them in the worker's language."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import CaseDocument
from parties.worker_models import WorkerLanguage


class StartForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=20,
        help_text=_("On your notice of assignment. It starts with CM, for example CM26-0001234."),
        error_messages={"required": _("Enter your case number.")},
    )
    access_code = forms.CharField(
        label=_("Case access code"),
        max_length=20,
        help_text=_("Ten letters and numbers, on your notice of assignment, for example 7KQ4M-XH2RB."),
        error_messages={"required": _("Enter the case access code from your notice.")},
    )
    birth_month = forms.IntegerField(
        label=_("Month"), min_value=1, max_value=12, error_messages={"required": _("Enter the month you were born.")}
    )
    birth_day = forms.IntegerField(
        label=_("Day"), min_value=1, max_value=31, error_messages={"required": _("Enter the day you were born.")}
    )
    birth_year = forms.IntegerField(
        label=_("Year"),
        min_value=1900,
        max_value=2100,
        error_messages={"required": _("Enter the year you were born, with four digits.")},
    )

    def clean(self):
        data = super().clean()
        parts = [data.get(name) for name in ("birth_year", "birth_month", "birth_day")]
        if all(part is not None for part in parts):
            try:
                data["date_of_birth"] = date(*parts)
            except ValueError:
                raise ValidationError(_("The date of birth is not a real date: check the month and the day.")) from None
        return data


# The kinds a worker may send, in the worker's words.
WORKER_KINDS = [
    (CaseDocument.Kind.MEDICAL_RECORDS, _("Medical records or reports")),
    (CaseDocument.Kind.UR_DECISION, _("The utilization review (UR) decision")),
    (CaseDocument.Kind.CORRESPONDENCE, _("Letters and other papers")),
]


class SendForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you sending?"),
        choices=WORKER_KINDS,
        error_messages={"required": _("Choose what you are sending.")},
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=WorkerLanguage.choices)
    next = forms.CharField(required=False, max_length=200)


class StaffAccessForm(forms.Form):
    language = forms.ChoiceField(label="The worker's language", choices=WorkerLanguage.choices)
