from django import forms
from django.utils import timezone

from letters.models import Rendition, Service

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class CenterFilterForm(forms.Form):
    served = forms.ChoiceField(
        required=False, choices=[("", "All"), ("no", "Not served yet"), ("yes", "Served")], label="Service"
    )
    rendition = forms.ChoiceField(required=False, choices=[("", "Both"), *Rendition.choices])
    signed_from = forms.DateField(required=False, label="Signed from", widget=forms.DateInput(attrs={"type": "date"}))
    signed_to = forms.DateField(required=False, label="Signed to", widget=forms.DateInput(attrs={"type": "date"}))
    case_number = forms.CharField(required=False, max_length=12, label="Case number")


class ServiceForm(forms.Form):
    served_on = forms.DateField(
        label="Served on", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(choices=Service.Method.choices)
    recipients = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="One recipient per line (name, role or address)."
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_served_on(self):
        value = self.cleaned_data["served_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(f"{value:%m/%d/%Y} is in the future.")
        return value

    def clean_recipients(self):
        names = [line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()]
        if not names:
            raise forms.ValidationError("Name at least one recipient.")
        return names


class CorrectionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the new version.")


class VerifyForm(forms.Form):
    file = forms.FileField(label="Letter (PDF file)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is {upload.size / 1_048_576:.1f} MB; letters are far smaller.")
        return upload
