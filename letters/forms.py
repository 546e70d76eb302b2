from django import forms
from django.conf import settings
from django.utils import timezone

from core.text import PrintableTextFormMixin
from letters.models import Rendition, Service


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


class CorrectionForm(PrintableTextFormMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the new version.")


class VerifyForm(forms.Form):
    file = forms.FileField(label="Letter (PDF file)")

    def clean_file(self):
        """Cheap checks before any parsing: the size (``IMR_VERIFY_MAX_BYTES``), a PDF header at the start and an
        end-of-file marker at the end (a truncated download fails here, with a message saying so)."""
        upload = self.cleaned_data["file"]
        limit = settings.IMR_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; a letter is far smaller (at most "
                f"{limit / 1_048_576:.0f} MB is checked)."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        upload.seek(0)
        head = upload.read(1024)
        if b"%PDF-" not in head:
            raise forms.ValidationError("This is not a PDF file (it does not start with %PDF-).")
        upload.seek(max(0, upload.size - 2048))
        if b"%%EOF" not in upload.read(2048):
            raise forms.ValidationError("The PDF file is incomplete (it has no end-of-file marker): download it again.")
        upload.seek(0)
        return upload
