from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import date_rules, eligibility
from cases.clock import Track
from cases.lifecycle import Status
from cases.models import Case, CaseDocument, Category, DisputedItem, Priority, UrServiceMethod
from cases.services.intake import INTAKE_ACTIONS
from core.dates import DateField
from core.models import Party
from core.text import PrintableTextFormMixin

CASE_DATE_FIELDS = (
    "date_of_injury",
    "ur_determination_date",
    "application_received",
    "assigned_date",
    "ur_decision_served_on",
    "employee_date_of_birth",
)


class PartyNameField(forms.CharField):
    """A party typed by name; the form turns it into the one Party record of that kind (created when new)."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)


class CaseForm(PrintableTextFormMixin, forms.ModelForm):
    employer_name = PartyNameField(Party.Kind.EMPLOYER, label="Employer")
    claims_administrator_name = PartyNameField(Party.Kind.CLAIMS_ADMINISTRATOR, label="Claims administrator")
    attorney_firm_name = PartyNameField(Party.Kind.LAW_FIRM, label="Employee attorney's firm")
    requesting_provider_name = PartyNameField(Party.Kind.PHYSICIAN, label="Requesting provider")
    provider_group_name = PartyNameField(Party.Kind.PROVIDER_GROUP, label="Provider group")

    # The case's updated_at when the form was opened: a save over someone else's later save is refused (two tabs or
    # two administrators), never a silent overwrite.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Shown with the error when the dates would put the case more than a year overdue (cases.date_rules).
    confirm_dates = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label="These dates are right: save the case although it is overdue"
    )

    party_fields = {
        "employer_name": "employer",
        "claims_administrator_name": "claims_administrator",
        "attorney_firm_name": "employee_attorney",
        "requesting_provider_name": "requesting_provider",
    }

    class Meta:
        model = Case
        fields = [
            "priority",
            "claim_number",
            "date_of_injury",
            "ur_determination_date",
            "application_received",
            "assigned_date",
            "application_signed",
            "ur_decision_served_on",
            "ur_decision_service_method",
            "liability_disputed",
            "employee_name",
            "employee_date_of_birth",
            "employee_age",
            "employee_sex",
            "employee_address",
            "adjuster_name",
            "attorney_name",
            "provider_specialty",
            "diagnosis",
            "icd10_code",
        ]
        field_classes = dict.fromkeys(CASE_DATE_FIELDS, DateField)
        widgets = {"employee_address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not given (an older form or an import): service by mail, the model's default.
        self.fields["ur_decision_service_method"].required = False
        if self.instance.pk:
            for field, attribute in self.party_fields.items():
                party = getattr(self.instance, attribute)
                self.fields[field].initial = party.name if party else ""
            provider = self.instance.requesting_provider
            if provider and provider.organization:
                self.fields["provider_group_name"].initial = provider.organization.name
        self.fields["priority"].choices = Priority.choices
        if self.instance.pk and not self.is_bound:
            self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                "Application",
                Row(
                    Column("priority"), Column("claim_number"), Column("application_received"), Column("assigned_date")
                ),
                Row(
                    Column("date_of_injury"),
                    Column("ur_determination_date"),
                    Column("ur_decision_service_method"),
                    Column("ur_decision_served_on"),
                ),
                Row(Column("application_signed"), Column("liability_disputed")),
            ),
            Fieldset(
                "Injured worker",
                Row(
                    Column("employee_name"),
                    Column("employee_date_of_birth"),
                    Column("employee_age"),
                    Column("employee_sex"),
                ),
                "employee_address",
            ),
            Fieldset(
                "Parties",
                Row(Column("employer_name"), Column("claims_administrator_name"), Column("adjuster_name")),
                Row(Column("attorney_name"), Column("attorney_firm_name")),
                Row(Column("requesting_provider_name"), Column("provider_specialty"), Column("provider_group_name")),
            ),
            Fieldset("Diagnosis", Row(Column("diagnosis", css_class="col-md-8"), Column("icd10_code"))),
            "loaded_version",
            "confirm_dates",
        )

    def clean_icd10_code(self) -> str:
        return (self.cleaned_data.get("icd10_code") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        current_version = self.instance.updated_at.isoformat() if self.instance.pk else ""
        if self.instance.pk and cleaned.get("loaded_version") != current_version:
            # Saving again, after this warning, is a deliberate choice: the form now carries the current version.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = current_version
            raise ValidationError(
                "This case was changed by someone else (or in another tab) at %(when)s, after you opened this form. "
                "Nothing was saved. Your entries are kept below: open the case in a new tab to see the other "
                "changes, then save again here.",
                params={"when": timezone.localtime(self.instance.updated_at).strftime("%m/%d/%Y %I:%M %p")},
                code="stale",
            )
        cleaned["ur_decision_service_method"] = cleaned.get("ur_decision_service_method") or UrServiceMethod.MAIL
        self._check_dates(cleaned)
        if cleaned.get("employee_age") is not None and cleaned["employee_age"] > 120:
            self.add_error("employee_age", "An age above 120 is not plausible.")
        return cleaned

    def _check_dates(self, cleaned: dict) -> None:
        """The case's cross-date rules (cases.date_rules), each message at its field; the overdue rule only when this
        form sets the clock (a new case, or a new date received or priority) and the person has not confirmed."""
        dates = {
            field: cleaned.get(field) if field in CASE_DATE_FIELDS else getattr(self.instance, field)
            for field in date_rules.LABELS
        }
        sets_clock = not self.instance.pk or {"application_received", "priority"} & set(self.changed_data)
        status = self.instance.status or Status.RECEIVED
        for problem in date_rules.problems(dates, status=status, priority=cleaned.get("priority") or "standard"):
            field = "application_received" if problem.rule == "overdue" else problem.field
            if field not in CASE_DATE_FIELDS:
                continue  # a stored date this form does not edit (manage.py check_dates lists it)
            if problem.confirmable and (not sets_clock or cleaned.get("confirm_dates")):
                continue
            message = problem.message
            if problem.confirmable:
                self.fields["confirm_dates"].widget = forms.CheckboxInput()
                message += f' If it is right, tick "{self.fields["confirm_dates"].label}" and save again.'
            self.add_error(field, message)

    def party_values(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(field, "") for field in [*self.party_fields, "provider_group_name"]}


class DisputedItemForm(PrintableTextFormMixin, forms.ModelForm):
    class Meta:
        model = DisputedItem
        fields = ["description", "category", "ur_outcome", "original_request", "authorized", "kind"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "original_request": forms.Textarea(attrs={"rows": 2}),
            "authorized": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"description": "Disputed item (as requested)", "kind": "Dispute kind (for the clock)"}
        help_texts = {"kind": "Empty: the portal decides from the category and the MTUS Drug List."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + Category.choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ur_outcome") == DisputedItem.UrOutcome.MODIFIED:
            for name in ("original_request", "authorized"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, "Required when UR modified the request.")
        return cleaned


class BaseItemFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError("A case needs at least one disputed item.")


ItemFormSet = forms.inlineformset_factory(
    Case, DisputedItem, form=DisputedItemForm, formset=BaseItemFormSet, extra=1, can_delete=True
)


# Every PDF upload offers PDFs first in the browser's file picker (the server still checks the bytes).
PDF_ACCEPT = ".pdf,application/pdf"


class DocumentForm(PrintableTextFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=CaseDocument.Kind.choices)
    file = forms.FileField(label="PDF file", widget=forms.ClearableFileInput(attrs={"accept": PDF_ACCEPT}))
    title = forms.CharField(max_length=200, required=False)
    author = forms.CharField(max_length=200, required=False)
    document_date = DateField(required=False)

    def __init__(self, *args, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if optional:
            # The intake form's "First document (optional)": shown with no required marks; the view binds the form
            # (and then requires kind and file) only when a file was sent.
            for field in self.fields.values():
                field.required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("kind"), Column("file")), Row(Column("title"), Column("author"), Column("document_date"))
        )


class ReasonForm(PrintableTextFormMixin, forms.Form):
    """Why a reviewer declines an offer or an administrator reassigns a case (the services refuse a blank one)."""

    reason = forms.CharField(max_length=2000, required=False)

    def reason_or_error(self) -> str:
        """The reason, or ``ValidationError`` saying what is wrong with it, for the views' message."""
        if not self.is_valid():
            raise ValidationError("Reason: " + " ".join(str(error) for error in self.errors["reason"]), code="reason")
        return self.cleaned_data["reason"]


class TransitionForm(PrintableTextFormMixin, forms.Form):
    """The administrator's moves on the case page (``INTAKE_ACTIONS``); the lifecycle decides which are allowed."""

    action = forms.ChoiceField(choices=[(key, action.label) for key, action in INTAKE_ACTIONS.items()])
    on = DateField(required=False, label="Date")
    method = forms.ChoiceField(choices=Case.RecordsMethod.choices, required=False, label="Records request by")
    rule = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *eligibility.RULES.items()],
        label=f"Rule not met ({eligibility.RULE})",
    )
    override = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Override: why the case is eligible although a requirement is not met",
    )
    into = forms.CharField(required=False, max_length=12, label="Join into case")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Reason / note")

    # The Case field an action's date sets.
    date_of_action = {"request_records": "records_requested", "receive_records": "records_received"}

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self):
        cleaned = super().clean()
        action = INTAKE_ACTIONS.get(cleaned.get("action"))
        if action is not None and self.case is not None and action.key in self.date_of_action:
            self._check_date(self.case, self.date_of_action[action.key], cleaned.get("on") or timezone.localdate())
        if action is not None and action.note_required and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Give the reason.")
        no_reason = not cleaned.get("rule") and not (cleaned.get("note") or "").strip()
        if action is not None and action.key == "ineligible" and no_reason:
            self.add_error("rule", "Name the rule that is not met, or give the reason.")
        if action is not None and action.key == "join":
            number = (cleaned.get("into") or "").strip().upper()
            cleaned["into"] = Case.objects.filter(case_number=number).first() if number else None
            if cleaned["into"] is None:
                self.add_error("into", f"There is no case {number}." if number else "Name the case to join into.")
        else:
            cleaned["into"] = None
        return cleaned

    def _check_date(self, case: Case, field: str, on: date) -> None:
        """The case's cross-date rules (cases.date_rules) with this date set; none may be confirmed here: a case more
        than a year overdue from records received today is a mistyped year."""
        dates = {name: getattr(case, name) for name in date_rules.LABELS} | {field: on}
        for problem in date_rules.problems(dates, status=case.status, priority=case.priority):
            if problem.field == field or problem.rule == "overdue":
                self.add_error("on", problem.message)


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Case, claim number or employee"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), ("open", "All open")] + Status.choices)
    priority = forms.ChoiceField(required=False, choices=[("", "Any priority")] + Priority.choices)
    track = forms.ChoiceField(required=False, choices=[("", "Any track")] + Track.choices)
    sort = forms.ChoiceField(required=False, choices=[("", "Deadline first"), ("track", "By track, then deadline")])
    due = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any deadline"),
            ("overdue", "Overdue"),
            ("at_risk", "At risk"),
            ("on_track", "On track"),
            ("not_started", "Clock not started"),
        ],
    )
    category = forms.ChoiceField(required=False, choices=[("", "Any category")] + Category.choices)
    # The published decisions imported as closed cases (the precedents) are most of a demo's cases and none of its work:
    # the list leaves them out unless asked (this box, or the "Closed (historical)" state).
    historical = forms.BooleanField(required=False, label="Include historical cases")
