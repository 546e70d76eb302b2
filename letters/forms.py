from django import forms
from django.conf import settings
from django.utils import timezone

from cases.forms import PDF_ACCEPT
from core.dates import DateField, FutureDateField
from core.text import PrintableTextFormMixin
from letters.models import Letter, Rendition, Service
from letters.services.delivery import DELIVERY_METHODS, Delivery, service_date_problem


class CenterFilterForm(forms.Form):
    served = forms.ChoiceField(
        required=False, choices=[("", "All"), ("no", "Not served yet"), ("yes", "Served")], label="Service"
    )
    rendition = forms.ChoiceField(required=False, choices=[("", "Both"), *Rendition.choices])
    signed_from = FutureDateField(required=False, label="Signed from")  # a search: any day
    signed_to = FutureDateField(required=False, label="Signed to")
    case_number = forms.CharField(required=False, max_length=12, label="Case number")


class ServiceForm(PrintableTextFormMixin, forms.Form):
    """Service of a parties' letter: the letter's own addressees as ticked boxes, a method for each, the date."""

    served_on = DateField(label="Served on", initial=timezone.localdate)
    recipients = forms.MultipleChoiceField(
        label="Served on these addressees",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one addressee who was served."},
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, addressees: list[dict[str, str]], letter: Letter | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.addressees = addressees
        self.letter = letter  # the letter served: a service date before its signing is refused
        self.fields["recipients"].choices = [(row["key"], f"{row['role']}: {row['name']}") for row in addressees]
        # Ticked at first: the addressees the letter can be mailed to (an addressee without an address is offered too).
        self.fields["recipients"].initial = [row["key"] for row in addressees if row["postal"]]
        for row in addressees:
            self.fields[f"method_{row['key']}"] = forms.ChoiceField(
                label=f"How {row['name']} was served",
                choices=[(method.value, method.label) for method in DELIVERY_METHODS],
                initial=Service.Method.MAIL,
                required=False,  # asked only of the addressees ticked (clean)
            )

    def rows(self):
        """Each addressee with its tick box state and its method field, for the template."""
        ticked = set(self.data.getlist("recipients")) if self.is_bound else set(self.fields["recipients"].initial)
        for row in self.addressees:
            yield {**row, "ticked": row["key"] in ticked, "method_field": self[f"method_{row['key']}"]}

    def clean_served_on(self):
        value = self.cleaned_data["served_on"]
        if problem := service_date_problem(self.letter, value):
            raise forms.ValidationError(problem)
        return value

    def clean(self):
        cleaned = super().clean()
        for row in self.addressees:
            name = f"method_{row['key']}"
            if row["key"] not in cleaned.get("recipients", []) or name in self.errors:
                continue
            if not cleaned.get(name):
                self.add_error(name, f"Choose how {row['name']} was served.")
            elif cleaned[name] == Service.Method.MAIL and not row["postal"]:
                self.add_error(
                    name, f"No postal address on file for {row['name']}: add it to the case, or say how else."
                )
        return cleaned

    def deliveries(self) -> list[Delivery]:
        """The ticked addressees, each with its method (after ``is_valid()``)."""
        chosen = set(self.cleaned_data["recipients"])
        return [
            Delivery(
                key=row["key"],
                role=row["role"],
                name=row["name"],
                address=row["address"],
                email=row["email"],
                method=self.cleaned_data[f"method_{row['key']}"],
            )
            for row in self.addressees
            if row["key"] in chosen
        ]


class CorrectionForm(PrintableTextFormMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept with the new version.")


class VerifyForm(forms.Form):
    file = forms.FileField(label="Letter (PDF file)", widget=forms.ClearableFileInput(attrs={"accept": PDF_ACCEPT}))

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
